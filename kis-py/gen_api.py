"""Generates ``python/kis/_api.py`` from the API declaration in kis-core.

The declaration (``kis_core::api``, one list of every command and query) comes here as
its JSON Schema document (``kis._native.api_schema()``). From it this script writes:

- one frozen dataclass per record type, with its docs, fields in the request order;
- a ``Literal`` alias per enumeration of names (roles, statuses, verdicts...);
- the type table the one decoder (``_runtime.decode``) reads;
- ``class Engine``, with one typed, documented method per entry of the API.

Run it after changing the declaration (``maturin develop`` first, so the schema is the
new one): ``python kis-py/gen_api.py``. ``--check`` exits non-zero when the file on disk
is not what the declaration gives (CI runs it, through ``tests/test_api_generated.py``).
"""

from __future__ import annotations

import json
import importlib.util
import keyword
import pathlib
import sys
import textwrap
from typing import Any, Dict, List, Tuple

HERE = pathlib.Path(__file__).resolve().parent
TARGET = HERE / "python" / "kis" / "_api.py"
DECIMAL_PATTERN = r"^-?\d+(\.\d+)?"

# The hand-written conveniences (`kis/_extras.py`), plain Python with no imports of kis.
_spec = importlib.util.spec_from_file_location("kis_extras", HERE / "python" / "kis" / "_extras.py")
_extras = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_extras)


def attribute(name: str) -> str:
    """A JSON field name as a Python identifier (`from` -> `from_`)."""
    return name + "_" if keyword.iskeyword(name) else name


class Generator:
    def __init__(self, schema: Dict[str, Any]):
        self.schema = schema
        self.defs: Dict[str, Any] = schema["$defs"]
        self.requests = {e["request"]["$ref"].rsplit("/", 1)[1] for e in schema["entries"]}
        # Native classes of the package (kis.PolicyProblem), never generated.
        self.native = {"PolicyProblem"}

    # -- types ----------------------------------------------------------------------------

    def kind(self, name: str) -> str:
        node = self.defs[name]
        if name == "Money":
            return "money"
        if "properties" in node or node.get("type") == "object":
            return "struct"
        if "oneOf" in node and all("const" in o for o in node["oneOf"]):
            return "names"
        if "enum" in node and all(isinstance(v, str) for v in node["enum"]):
            return "names"
        return "alias"

    def spec(self, node: Any) -> Any:
        """The decoder's spec of a schema node."""
        if node is True or node == {} or not isinstance(node, dict):
            return "any"
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            return ("ref", name)
        for union in ("anyOf", "oneOf"):
            if union in node:
                members = [m for m in node[union] if m != {"type": "null"}]
                nullable = len(members) < len(node[union])
                if len(members) == 1:
                    inner = self.spec(members[0])
                    return ("opt", inner) if nullable else inner
                if all("const" in m for m in members):
                    return ("opt", "str") if nullable else "str"
                return "any"
        types = node.get("type")
        types = types if isinstance(types, list) else [types]
        nullable = "null" in types
        rest = [t for t in types if t != "null"]
        if "pattern" in node and node["pattern"].startswith(DECIMAL_PATTERN):
            base: Any = "dec"
        elif rest == ["string"]:
            base = {"date": "date", "date-time": "datetime"}.get(node.get("format", ""), "str")
        elif rest == ["integer"]:
            base = "int"
        elif rest == ["boolean"]:
            base = "bool"
        elif rest == ["array"]:
            if "prefixItems" in node:
                base = ("tuple", tuple(self.spec(i) for i in node["prefixItems"]))
            else:
                base = ("list", self.spec(node.get("items", {})))
        elif rest == ["object"] and "additionalProperties" in node and node["additionalProperties"] is not False:
            base = ("map", self.spec(node["additionalProperties"]))
        else:
            base = "any"
        return ("opt", base) if nullable else base

    def annotation(self, spec: Any, param: bool = False) -> str:
        if isinstance(spec, str):
            return {
                "str": "str",
                "int": "int",
                "bool": "bool",
                "dec": "decimal.Decimal",
                "date": "datetime.date",
                "datetime": "datetime.datetime",
                "any": "Any",
            }[spec]
        kind = spec[0]
        if kind == "ref":
            return "Money" if spec[1] == "Money" else spec[1]
        if kind == "opt":
            return f"Optional[{self.annotation(spec[1], param)}]"
        if kind == "list":
            outer = "Sequence" if param else "List"
            return f"{outer}[{self.annotation(spec[1], param)}]"
        if kind == "tuple":
            return "Tuple[" + ", ".join(self.annotation(s, param) for s in spec[1]) + "]"
        if kind == "map":
            return f"Dict[str, {self.annotation(spec[1], param)}]"
        raise ValueError(spec)

    def fields(self, name: str) -> List[Tuple[str, Any, bool, str]]:
        """(json name, spec, required, doc) in order: required fields as declared, then
        the optional ones."""
        node = self.defs[name]
        props: Dict[str, Any] = node.get("properties", {})
        required = [r for r in node.get("required", []) if r in props]
        optional = [p for p in props if p not in required]
        out = []
        for key in required + optional:
            prop = props[key]
            doc = prop.get("description", "") if isinstance(prop, dict) else ""
            out.append((key, self.spec(prop), key in required, doc))
        return out

    # -- output ---------------------------------------------------------------------------

    @staticmethod
    def docstring(text: str, indent: str) -> List[str]:
        text = text.strip().replace("\\", "\\\\").replace('"""', "'''")
        if not text:
            return []
        lines = text.splitlines()
        if len(lines) == 1:
            return [f'{indent}"""{lines[0]}"""']
        return [f'{indent}"""{lines[0]}'] + [f"{indent}{l}" if l else "" for l in lines[1:]] + [f'{indent}"""']

    def record(self, name: str) -> List[str]:
        node = self.defs[name]
        fields = self.fields(name)
        doc = node.get("description", "")
        attrs = "\n".join(
            f"    {attribute(k)}: {d}" if d else f"    {attribute(k)}" for k, _, _, d in fields
        )
        if attrs:
            doc += "\n\nAttributes:\n" + "\n".join("    " + l for l in attrs.splitlines())
        base = f"(_extras.{name})" if hasattr(_extras, name) else ""
        out = ["", "", "@dataclasses.dataclass(frozen=True)", f"class {name}{base}:"]
        out += self.docstring(doc, "    ")
        for key, spec, required, _ in fields:
            default = "" if required else " = None"
            ann = self.annotation(spec)
            if not required and not ann.startswith("Optional["):
                ann = f"Optional[{ann}]"
            out.append(f"    {attribute(key)}: {ann}{default}")
        renamed = {attribute(k): k for k, _, _, _ in fields if attribute(k) != k}
        if renamed:
            out.append(f"    _json_names = {renamed!r}  # type: ignore[misc]")
        if not fields:
            out.append("    pass")
        return out

    def method(self, entry: Dict[str, Any]) -> List[str]:
        name = entry["name"]
        request = entry["request"]["$ref"].rsplit("/", 1)[1]
        fields = self.fields(request)
        output = self.spec(entry["output"])
        for key, *_ in fields:
            if attribute(key) in ("self", "actor", "idempotency_key"):
                raise SystemExit(f"{name}: field {key!r} would shadow a parameter")
        params = ["self", "actor: str"]
        params += [f"{attribute(k)}: {self.annotation(s, True)}" for k, s, req, _ in fields if req]
        optional = [(k, s) for k, s, req, _ in fields if not req]
        if optional or entry["kind"] == "command":
            params.append("*")
        for k, s in optional:
            ann = self.annotation(s, True)
            if not ann.startswith("Optional["):
                ann = f"Optional[{ann}]"
            params.append(f"{attribute(k)}: {ann} = None")
        if entry["kind"] == "command":
            params.append("idempotency_key: Optional[str] = None")
        doc = entry["doc"]
        request_doc = self.defs[request].get("description", "")
        if request_doc and request_doc.strip() != doc.strip():
            doc += "\n\n" + request_doc
        args = ["actor: The acting user's id (P2: who may do this is decided by kis)."]
        args += [f"{attribute(k)}: {d or k}" for k, _, _, d in fields]
        if entry["kind"] == "command":
            args.append(
                "idempotency_key: A retry with the same key and request returns the first result."
            )
        doc += "\n\nArgs:\n" + "\n".join(
            textwrap.indent(textwrap.fill(a, 84, subsequent_indent="    "), "    ") for a in args
        )
        signature = f"    def {name}(" + ", ".join(params) + f") -> {self.annotation(output)}:"
        if len(signature) > 100:
            signature = f"    def {name}(\n" + "".join(f"        {p},\n" for p in params) + f"    ) -> {self.annotation(output)}:"
        body = "{" + ", ".join(f"{k!r}: {attribute(k)}" for k, *_ in fields) + "}"
        key = "idempotency_key" if entry["kind"] == "command" else "None"
        return (
            ["", signature]
            + self.docstring(doc, "        ")
            + [f"        return self._call({name!r}, actor, {body}, {key}, {output!r})"]
        )

    def generate(self) -> str:
        out = [
            '"""kis\'s API in Python: the records and the methods of :class:`Engine`.',
            "",
            "Generated by ``kis-py/gen_api.py`` from the API declaration in kis-core",
            "(``kis_core::api``); do not edit. Every method sends its request through",
            "``Engine.call`` as JSON and decodes the answer with ``_runtime.decode``.",
            '"""',
            "",
            "# fmt: off",
            "from __future__ import annotations",
            "",
            "import dataclasses",
            "import datetime",
            "import decimal",
            "from typing import Any, Dict, List, Literal, Optional, Sequence, Tuple",
            "",
            "from . import _extras",
            "from ._native import Money",
            "from ._runtime import TYPES, EngineBase, _decode_json  # noqa: F401 (native methods decode through it)",
            "",
        ]
        names = sorted(
            n
            for n in self.defs
            if (n not in self.requests or self.referenced(n)) and n not in self.native
        )
        aliases, records = [], []
        for n in names:
            kind = self.kind(n)
            if kind == "names":
                node = self.defs[n]
                values = [o["const"] for o in node["oneOf"]] if "oneOf" in node else node["enum"]
                aliases.append(f"{n} = Literal[{', '.join(repr(v) for v in values)}]")
                desc = node.get("description", "").strip().splitlines()
                if desc:
                    aliases[-1] = f"#: {desc[0]}\n" + aliases[-1]
            elif kind == "alias":
                spec = self.spec(self.defs[n])
                ann = self.annotation(spec)
                desc = self.defs[n].get("description", "").strip().splitlines()
                aliases.append((f"#: {desc[0]}\n" if desc else "") + f"{n} = {ann if spec != 'any' else 'Any'}")
            elif kind == "struct":
                records.append(n)
        out += ["", *[a + "\n" for a in aliases]]
        for n in records:
            out += self.record(n)
        out += ["", "", "TYPES.update({"]
        for n in names:
            kind = self.kind(n)
            if kind == "struct" and n in records:
                fields = [(attribute(k), k, s) for k, s, _, _ in self.fields(n)]
                out.append(f"    {n!r}: ('struct', {n}, {fields!r}),")
            elif kind == "money":
                out.append(f"    {n!r}: ('money',),")
            elif kind == "names":
                out.append(f"    {n!r}: ('alias', 'str'),")
            else:
                out.append(f"    {n!r}: ('alias', {self.spec(self.defs[n])!r}),")
        out += ["})", ""]
        # The record type of each collection the change feed carries (ChangeEvent.document).
        out += ["", "#: The record type of each collection of the change feed: an event's ``state`` is its JSON."]
        out += ["DOCUMENT_TYPES: Dict[str, str] = {"]
        for collection, ref in sorted(self.schema.get("collections", {}).items()):
            out.append(f"    {collection!r}: {ref['$ref'].rsplit('/', 1)[1]!r},")
        out += ["}", "", "", "class Engine(EngineBase):"]
        out += self.docstring(
            "The sales-management engine: one policy, one store, one clock.\n\n"
            "Every command takes the acting user's id first, and may take an\n"
            "``idempotency_key`` so that a retry after a lost connection returns the first\n"
            "result instead of acting twice. Errors are subclasses of :class:`kis.KisError`\n"
            "carrying the fields that say what was wrong.",
            "    ",
        )
        for entry in self.schema["entries"]:
            out += self.method(entry)
        exported = sorted({*records, *[a.split(" = ")[0].splitlines()[-1] for a in aliases], "Engine"})
        out += ["", "", "__all__ = ["] + [f"    {n!r}," for n in exported] + ["]", ""]
        return "\n".join(out)

    def referenced(self, name: str) -> bool:
        """Whether a request type is also a field of another type."""
        needle = f'"#/$defs/{name}"'
        return any(needle in json.dumps(v) for n, v in self.defs.items() if n != name)


def main() -> int:
    # The native module alone: the package's __init__ needs the file this writes.
    import importlib.machinery
    import importlib.util

    native = next((HERE / "python" / "kis").glob("_native*.so"), None) or next(
        (HERE / "python" / "kis").glob("_native*.pyd")
    )
    loader = importlib.machinery.ExtensionFileLoader("kis._native", str(native))
    spec = importlib.util.spec_from_file_location("kis._native", str(native), loader=loader)
    _native = importlib.util.module_from_spec(spec)
    loader.exec_module(_native)

    text = Generator(json.loads(_native.api_schema())).generate()
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET} is not what the API declaration gives: run python kis-py/gen_api.py")
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
