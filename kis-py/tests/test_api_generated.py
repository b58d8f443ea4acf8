"""kis/_api.py is what the API declaration gives: regenerating it from the native
module's schema changes nothing (so a new entry in kis-core cannot be missing here)."""

import pathlib
import subprocess
import sys

import kis

HERE = pathlib.Path(__file__).resolve().parents[1]


def test_the_generated_module_is_current():
    result = subprocess.run(
        [sys.executable, str(HERE / "gen_api.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_entry_is_a_documented_method():
    import json

    schema = json.loads(kis.api_schema())
    for entry in schema["entries"]:
        method = getattr(kis.Engine, entry["name"])
        assert entry["doc"].splitlines()[0] in method.__doc__, entry["name"]
    assert len(schema["entries"]) >= 80
