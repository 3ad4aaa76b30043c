"""Cassettes: the recorded-response model, safe reading, deterministic writing, scrubbing, cache."""
