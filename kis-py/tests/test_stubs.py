"""The type stubs match the native module (mypy.stubtest), so they cannot drift, and
carry its docstrings for IDE hovers (stub_docs.py)."""

import pathlib
import subprocess
import sys


def test_stubtest_passes():
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "kis._native", "--ignore-missing-stub"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_stub_docstrings_are_the_native_modules():
    """Every class, function, method and property of the stub has the docstring the
    Rust doc comment compiled into kis._native (#20)."""
    script = pathlib.Path(__file__).resolve().parents[1] / "stub_docs.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
