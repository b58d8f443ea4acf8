"""The README's Python blocks run as written (#20): the first five minutes, the analysis
block and the import block after it, as one script, in a fresh directory that has the repository's
examples/ (the block bootstraps an empty store, as a first run does)."""

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def python_blocks():
    text = (ROOT / "README.md").read_text()
    start = text.index("## Python: first five minutes")
    end = text.index("## Kotlin: first five minutes")
    return re.findall(r"```python\n(.*?)```", text[start:end], re.S)


def test_the_readme_python_runs(tmp_path):
    blocks = python_blocks()
    assert len(blocks) == 3, "the README's Python section changed shape"
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    script = tmp_path / "readme.py"
    script.write_text("\n".join(blocks))
    out = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "meng requires role admin" in out.stdout, out.stdout
    assert (tmp_path / "sales.db").exists()
    assert "table='sales', created=1" in out.stdout and "unchanged=1" in out.stdout, out.stdout
