"""Engine.close() and `with` (#20): the store is released, later calls raise
kis.InvalidState (typed, never a crash), closing twice is harmless; and the package
README's snippet runs as written."""

import pathlib
import re
import subprocess
import sys

import pytest

import kis

ROOT = pathlib.Path(__file__).resolve().parents[2]
POLICY = (ROOT / "examples" / "policy.toml").read_text()


def test_with_closes_the_engine(tmp_path):
    path = tmp_path / "company.db"
    with kis.Engine.open(str(path), POLICY) as engine:
        engine.bootstrap_admin("admin", "Ada Admin")
        assert not engine.closed
    assert engine.closed
    with pytest.raises(kis.InvalidState) as info:
        engine.users("admin")
    assert "the engine is closed" in str(info.value)
    with pytest.raises(kis.InvalidState):
        engine.backend
    engine.close()  # twice: nothing happens
    assert repr(engine._native) == "Engine(closed)"
    # The file is free again: another engine opens it and sees what was committed.
    with kis.Engine.open(str(path), POLICY) as again:
        assert [u.id for u in again.users("admin")] == ["admin"]


def test_a_failing_block_still_closes():
    with pytest.raises(RuntimeError):
        with kis.Engine.open(":memory:", POLICY) as engine:
            raise RuntimeError("the caller's own failure")
    assert engine.closed


def test_the_package_readme_runs():
    readme = (ROOT / "kis-py" / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert blocks, "no Python block in kis-py/README.md"
    for block in blocks:
        out = subprocess.run([sys.executable, "-c", block], cwd=ROOT, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert "Dong Wei" in out.stdout
