"""`harness record` caps glibc's malloc arenas, unless the user set them."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

CALL = "from harness.record.arenas import limit_arenas; print(limit_arenas())"


def _limit(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("MALLOC_ARENA_MAX", "GLIBC_TUNABLES")}
    done = subprocess.run(
        [sys.executable, "-c", CALL],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_the_cap_is_set_on_glibc_only() -> None:
    on_glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert _limit({}) == str(on_glibc)


@pytest.mark.parametrize(
    "env",
    [{"MALLOC_ARENA_MAX": "4"}, {"GLIBC_TUNABLES": "glibc.malloc.arena_max=8"}],
)
def test_the_users_own_setting_wins(env: dict[str, str]) -> None:
    assert _limit(env) == "False"
