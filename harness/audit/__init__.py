"""``harness audit``: operators that change real recordings, and how well the checks catch them."""
