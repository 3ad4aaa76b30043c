"""Cassettes: the recorded-response model, safe reading, deterministic writing, scrubbing, cache.

``model`` (interactions, the cassette, offline redirects), ``load`` (the safe YAML loader and
every field checked), ``jsonform`` (vcrpy's JSON serializer, Betamax), ``encoding`` (compressed
bodies undone, bounded), ``write`` (the deterministic dumper; ``bodyscalar`` writes its bodies
fast), ``cache`` (decoded cassettes by content hash), ``scrub`` (secrets out before writing),
``paths`` (which files are cassettes, by name or content; folder scans), ``age`` (the max-age
warning).
"""

from harness.cassettes.load import decode_cassette, load_cassette
from harness.cassettes.model import Cassette, Interaction, make_interaction
from harness.cassettes.write import dump_cassette, write_cassette

__all__ = [
    "Cassette",
    "Interaction",
    "decode_cassette",
    "dump_cassette",
    "load_cassette",
    "make_interaction",
    "write_cassette",
]
