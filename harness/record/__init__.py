"""``harness record``: the live fetcher, the record transaction, comparing recordings, report."""
