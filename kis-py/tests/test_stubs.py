"""The type stubs match the native module (mypy.stubtest), so they cannot drift."""

import subprocess
import sys


def test_stubtest_passes():
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "kis._native", "--ignore-missing-stub"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
