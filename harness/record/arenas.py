"""Fewer malloc arenas for `harness record`'s threads (glibc only; elsewhere nothing changes).

glibc gives each thread that allocates while another holds an arena an arena of its own, up
to 8 per CPU (glibc manual, "Memory Allocation Tunables": ``glibc.malloc.arena_max``). A
feed's body, its decoded text and its parse are freed in the arena of the thread that fetched
it, and pages freed in one arena serve no other: with 16 fetch threads the process grew with
the threads in use, not with what it held (bench/record_scale.py: 1,000 feeds at --jobs 64,
peak 110-119 MiB by default, 78 MiB with 2 arenas, the same wall time; 100 feeds: 78 / 65 MiB).
Python code allocates under the GIL, so more arenas buy these threads little.
"""

from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["ARENAS", "limit_arenas"]

ARENAS = 2  # what MALLOC_ARENA_MAX=2 gives: the setting commonly used for threaded servers
_M_ARENA_MAX = -8  # glibc <malloc.h>


def limit_arenas(count: int = ARENAS) -> bool:
    """Cap glibc's arenas at ``count`` for this process (and the workers it forks); True when
    set. The user's own ``MALLOC_ARENA_MAX`` or ``GLIBC_TUNABLES`` arena setting wins."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    if "glibc.malloc.arena_max" in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no arenas to cap)
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, count))
