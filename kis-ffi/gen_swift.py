"""Generates ``swift/KisApi.swift`` from the API declaration in kis-core.

The declaration (``kis_core::api``) comes as its JSON Schema document on stdin
(``cargo run -q -p kis-core --example api_schema``). From it this script writes:

- one struct per record type, with its docs, a public initialiser, ``toJson`` and
  ``fromJson``;
- a ``typealias`` per enumeration of names and per id type;
- ``final class KisApi``, one typed, documented, throwing method per entry of the API,
  each sending its request through ``KisEngine.call`` (the wire) and decoding the answer;
- ``final class KisAsyncApi``, the same methods as ``async throws`` over ``callAsync``,
  so a task never blocks its thread on kis (#20);
- ``KisApi.callTyped``, running any entry by name through its typed method.

Types: decimals are ``Foundation.Decimal`` (exact text on the wire, never a Double),
calendar dates are ``Day`` (year, month, day: no time zone can move one to another
day), instants are ``Foundation.Date``. The type logic is the Python generator's
(``kis-py/gen_api.py``), so all bindings read the schema the same way. ``--check`` exits
non-zero when the file on disk is not what the declaration gives.
"""

from __future__ import annotations

import json
import pathlib
import sys
from typing import Any, List

HERE = pathlib.Path(__file__).resolve().parent
TARGET = HERE / "swift" / "KisApi.swift"
sys.path.insert(0, str(HERE.parent / "kis-py"))
from gen_api import Generator  # noqa: E402

# Swift's reserved words that may not name a parameter or property unquoted.
KEYWORDS = {
    "as", "associatedtype", "break", "case", "catch", "class", "continue", "default",
    "defer", "deinit", "do", "else", "enum", "extension", "fallthrough", "false",
    "fileprivate", "for", "func", "guard", "if", "import", "in", "init", "inout",
    "internal", "is", "let", "nil", "operator", "private", "protocol", "public",
    "repeat", "rethrows", "return", "self", "static", "struct", "subscript", "super",
    "switch", "throw", "throws", "true", "try", "typealias", "var", "where", "while",
}


def camel(name: str) -> str:
    parts = name.split("_")
    out = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    return f"`{out}`" if out in KEYWORDS else out


def bare(name: str) -> str:
    """The identifier without the backticks a keyword needs at its declaration."""
    return name.strip("`")


def sdoc(text: str, indent: str) -> List[str]:
    text = text.strip()
    if not text:
        return []
    return [f"{indent}/// {line}".rstrip() for line in text.splitlines()]


class Swift:
    def __init__(self, schema: dict):
        self.g = Generator(schema)
        self.schema = schema

    def stype(self, spec: Any) -> str:
        if isinstance(spec, str):
            return {
                "str": "String", "int": "Int64", "bool": "Bool", "dec": "Decimal",
                "date": "Day", "datetime": "Date", "any": "Any?",
            }[spec]
        kind = spec[0]
        if kind == "opt":
            inner = self.stype(spec[1])
            return inner if inner.endswith("?") else inner + "?"
        if kind == "list":
            return f"[{self.stype(spec[1])}]"
        if kind == "map":
            return f"[String: {self.stype(spec[1])}]"
        if kind == "tuple":
            return "[Any?]"
        if kind == "ref":
            name = spec[1]
            if self.g.kind(name) == "alias" and self.g.spec(self.g.defs[name]) == "any":
                return "Any?"
            return name
        raise ValueError(spec)

    def decode(self, spec: Any, x: str) -> str:
        """A Swift expression (throwing) turning the JSON value `x` into `spec`'s type."""
        if isinstance(spec, str):
            return {
                "str": f"try Json.str({x})", "int": f"try Json.int({x})",
                "bool": f"try Json.bool({x})", "dec": f"try Json.dec({x})",
                "date": f"try Json.day({x})", "datetime": f"try Json.instant({x})",
                "any": f"Json.opt({x})",
            }[spec]
        kind = spec[0]
        if kind == "opt":
            return self.optional(spec[1], x)
        if kind == "list":
            return f"try Json.list({x}).map {{ {self.decode(spec[1], '$0')} }}"
        if kind == "map":
            return f"try Json.obj({x}).mapValues {{ {self.decode(spec[1], '$0')} }}"
        if kind == "tuple":
            n = len(spec[1])
            items = ", ".join(f"{self.decode(s, f'l[{i}]')} as Any?" for i, s in enumerate(spec[1]))
            return f"try {{ (l: [Any]) throws -> [Any?] in [{items}] }}(try Json.tuple({x}, {n}))"
        if kind == "ref":
            name = spec[1]
            k = self.g.kind(name)
            if k in ("struct", "money"):
                return f"try {name}.fromJson({x})"
            if k == "names":
                return f"try Json.str({x})"
            return self.decode(self.g.spec(self.g.defs[name]), x)
        raise ValueError(spec)

    def optional(self, spec: Any, x: str) -> str:
        """Decoding of an optional value: absent or null is nil."""
        inner = spec[1] if isinstance(spec, tuple) and spec[0] == "opt" else spec
        body = self.decode(inner, "$0")
        if body == "Json.opt($0)":
            return f"Json.opt({x})"
        return f"try Json.opt({x}).map {{ {body} }}"

    def record(self, name: str) -> List[str]:
        node = self.g.defs[name]
        fields = self.g.fields(name)
        out = [""] + sdoc(node.get("description", ""), "")
        out.append(f"public struct {name}: JsonRecord {{")
        for key, spec, required, doc in fields:
            t = self.stype(spec)
            if not required and not t.endswith("?"):
                t += "?"
            out += sdoc(doc, "    ")
            out.append(f"    public let {camel(key)}: {t}")
        params = []
        for key, spec, required, _ in fields:
            t = self.stype(spec)
            if not required and not t.endswith("?"):
                t += "?"
            params.append(f"{camel(key)}: {t}" + (" = nil" if t.endswith("?") and not required else ""))
        out.append("")
        out.append(f"    /// A {name} of its fields.")
        out.append(f"    public init({', '.join(params)}) {{")
        for key, *_ in fields:
            out.append(f"        self.{bare(camel(key))} = {camel(key)}")
        out.append("    }")
        out.append("")
        out.append("    /// Its JSON object, with kis-core's field names (absent optional fields left out).")
        out.append("    public func toJson() -> [String: Any] {")
        out.append("        var m: [String: Any] = [:]")
        for key, spec, required, _ in fields:
            prop = f"self.{bare(camel(key))}"
            if required and not self.stype(spec).endswith("?"):
                out.append(f'        m["{key}"] = Json.enc({prop})')
            else:
                out.append(f'        if let v = {prop} {{ m["{key}"] = Json.enc(v) }}')
        out.append("        return m")
        out.append("    }")
        out.append("")
        out.append(f"    /// A {name} from its JSON object.")
        out.append(f"    public static func fromJson(_ v: Any?) throws -> {name} {{")
        out.append("        let m = try Json.obj(v)")
        args = []
        for key, spec, required, _ in fields:
            x = f'm["{key}"]'
            expr = self.decode(spec, x) if required else self.optional(spec, x)
            args.append(f"            {camel(key)}: {expr}")
        out.append(f"        return {name}(")
        out.append(",\n".join(args))
        out.append("        )")
        out.append("    }")
        out.append("}")
        return out

    def params(self, entry: dict) -> List[tuple]:
        request = entry["request"]["$ref"].rsplit("/", 1)[1]
        fields = self.g.fields(request)
        return [f for f in fields if f[2]] + [f for f in fields if not f[2]]

    def method(self, entry: dict, asynchronous: bool = False) -> List[str]:
        name = camel(entry["name"])
        fields = self.params(entry)
        sig = ["actor: String"]
        for key, spec, required, _ in fields:
            t = self.stype(spec)
            if required:
                sig.append(f"{camel(key)}: {t}")
            else:
                sig.append(f"{camel(key)}: {t if t.endswith('?') else t + '?'} = nil")
        command = entry["kind"] == "command"
        if command:
            sig.append("idempotencyKey: String? = nil")
        out_spec = self.g.spec(entry["output"])
        out_type = self.stype(out_spec)
        doc = entry["doc"]
        request_doc = self.g.defs[entry["request"]["$ref"].rsplit("/", 1)[1]].get("description", "")
        if request_doc and request_doc.strip() != doc.strip():
            doc += "\n\n" + request_doc
        doc += "\n\n- Parameters:\n  - actor: the acting user's id (who may do this is decided by kis, P2)"
        for key, _, _, d in fields:
            doc += f"\n  - {bare(camel(key))}: {(d or key).splitlines()[0]}"
        if command:
            doc += "\n  - idempotencyKey: a retry with the same key and request returns the first result"
        doc += "\n- Throws: `KisError`, with kis-core's own message"
        out = [""] + sdoc(doc, "    ")
        effects = "async throws" if asynchronous else "throws"
        out.append(f"    public func {name}(" + ", ".join(sig) + f") {effects} -> {out_type} {{")
        out.append("        var request: [String: Any] = [:]")
        for key, spec, required, _ in fields:
            if required and not self.stype(spec).endswith("?"):
                out.append(f'        request["{key}"] = Json.enc({camel(key)})')
            else:
                out.append(f'        if let v = {camel(key)} {{ request["{key}"] = Json.enc(v) }}')
        key = "idempotencyKey" if command else "nil"
        wait = "try await" if asynchronous else "try"
        out.append(f'        let out = {wait} call("{entry["name"]}", actor: actor, request: request, idempotencyKey: {key})')
        out.append(f"        return {self.decode(out_spec, 'out')}")
        out.append("    }")
        return out

    def dispatch(self, entry: dict) -> List[str]:
        args = ["actor: actor"]
        for key, spec, required, _ in self.params(entry):
            x = f'request["{key}"]'
            expr = self.decode(spec, x) if required else self.optional(spec, x)
            args.append(f"{bare(camel(key))}: {expr}")
        if entry["kind"] == "command":
            args.append("idempotencyKey: idempotencyKey")
        return [
            f'        case "{entry["name"]}":',
            f"            return Json.enc(try {camel(entry['name'])}(" + ", ".join(args) + "))",
        ]

    def asynchronous(self) -> List[str]:
        """``KisAsyncApi``: every entry as an ``async throws`` method (#20), over ``callAsync``."""
        out = [""] + sdoc(
            "KisApi for Swift concurrency: the same typed methods, each `async throws`, never\n"
            "blocking the caller's thread (#20). Over an engine or a replica the call runs on a\n"
            "thread of kis's own (`callAsync`); over kis-server, in URLSession. So an app calls\n"
            "it from the main actor: a year's scoring, a report or a sync suspends the task,\n"
            "never the UI. Answers and errors are KisApi's.",
            "",
        )
        out.append("public final class KisAsyncApi {")
        out.append("    /// What the requests go through: `(entry, actor, request JSON, idempotency key)` to")
        out.append("    /// the output's JSON.")
        out.append("    public let wire: (String, String, String, String?) async throws -> String")
        out.append("")
        out.append("    /// The asynchronous API over `engine`.")
        out.append("    public init(_ engine: KisEngine) {")
        out.append("        self.wire = { try await engine.callAsync(entry: $0, actor: $1, request: $2, idempotencyKey: $3) }")
        out.append("    }")
        out.append("")
        out.append("    /// The asynchronous API over a phone's replica (#18).")
        out.append("    public init(_ replica: KisReplica) {")
        out.append("        self.wire = { try await replica.callAsync(entry: $0, actor: $1, request: $2, idempotencyKey: $3) }")
        out.append("    }")
        out.append("")
        out.append("    /// The asynchronous API over any wire (kis-server over HTTP: `KisHttp.asyncApi`).")
        out.append("    public init(wire: @escaping (String, String, String, String?) async throws -> String) {")
        out.append("        self.wire = wire")
        out.append("    }")
        out.append("")
        out += sdoc("Runs any entry by name with a request of JSON data; its output as JSON data.", "    ")
        out.append("    public func call(_ entry: String, actor: String, request: [String: Any], idempotencyKey: String? = nil) async throws -> Any? {")
        out.append("        let text = try await wire(entry, actor, try Json.write(request), idempotencyKey)")
        out.append("        return try Json.read(text)")
        out.append("    }")
        for entry in self.schema["entries"]:
            out += self.method(entry, asynchronous=True)
        out.append("}")
        return out

    def generate(self) -> str:
        names = sorted(
            n for n in self.g.defs
            if (n not in self.g.requests or self.g.referenced(n)) and n not in self.g.native
        )
        out = [
            "// kis's API in Swift: the records and the methods of KisApi. Generated by",
            "// kis-ffi/gen_swift.py from the API declaration in kis-core (kis_core::api); do not",
            "// edit. Every method sends its request through KisEngine.call as JSON and decodes",
            "// the answer with the generated fromJson of its output type.",
            "",
            "import Foundation",
            "",
        ]
        records = []
        for n in names:
            kind = self.g.kind(n)
            node = self.g.defs[n]
            if kind == "names":
                values = [o["const"] for o in node["oneOf"]] if "oneOf" in node else node["enum"]
                out += sdoc(node.get("description", "") + "\n\nOne of: " + ", ".join(f'"{v}"' for v in values) + ".", "")
                out.append(f"public typealias {n} = String")
            elif kind == "alias":
                t = self.stype(self.g.spec(node))
                if t != "Any?":
                    out += sdoc(node.get("description", ""), "")
                    out.append(f"public typealias {n} = {t}")
            else:
                records.append(n)
        for n in records:
            out += self.record(n)
        out += [""] + sdoc(
            "The sales-management engine's API: one typed method per entry of the declaration.\n\n"
            "Every command takes the acting user's id first and may take an idempotency key, so\n"
            "that a retry after a lost connection returns the first result instead of acting\n"
            "twice. Errors are `KisError`, with kis-core's own message.",
            "",
        )
        collections = sorted(self.schema.get("collections", {}).items())
        if collections:
            out += [""]
            out.append("public extension ChangeEvent {")
            out += sdoc(
                "The document after the change as the record of its collection (`quotes` a\n"
                "`Quote`...): kis-core's `ChangeEvent::document`. Nil when removed or revoked.",
                "    ",
            )
            out.append("    func document() throws -> JsonRecord? {")
            out.append("        guard let s = state else { return nil }")
            out.append("        switch collection {")
            for collection, ref in collections:
                out.append(f'        case "{collection}": return try {ref["$ref"].rsplit("/", 1)[1]}.fromJson(s)')
            out.append("        default: return nil")
            out.append("        }")
            out.append("    }")
            out.append("}")
            out.append("")
        out.append("public final class KisApi {")
        out.append("    /// What the requests go through: a KisEngine's `call`, or a KisReplica's.")
        out.append("    public let wire: (String, String, String, String?) throws -> String")
        out.append("    /// The engine, when the API is over one (a replica has none).")
        out.append("    public let local: KisEngine?")
        out.append("")
        out.append("    /// The typed API over `engine`.")
        out.append("    public init(_ engine: KisEngine) {")
        out.append("        self.wire = { try engine.call(entry: $0, actor: $1, request: $2, idempotencyKey: $3) }")
        out.append("        self.local = engine")
        out.append("    }")
        out.append("")
        out.append("    /// The typed API over a phone's replica (#18): queries answered offline, offline")
        out.append("    /// commands applied as provisional and queued for the next sync.")
        out.append("    public init(_ replica: KisReplica) {")
        out.append("        self.wire = { try replica.call(entry: $0, actor: $1, request: $2, idempotencyKey: $3) }")
        out.append("        self.local = nil")
        out.append("    }")
        out.append("")
        out.append("    /// The typed API over any wire: `(entry, actor, request JSON, idempotency key)` to")
        out.append("    /// the output's JSON (kis-server over HTTP: `KisHttp.api`).")
        out.append("    public init(wire: @escaping (String, String, String, String?) throws -> String) {")
        out.append("        self.wire = wire")
        out.append("        self.local = nil")
        out.append("    }")
        out.append("")
        out.append("    /// The engine, for what only an engine does (the first admin, anchors).")
        out.append("    public func engine() throws -> KisEngine {")
        out.append('        guard let engine = local else { throw JsonError("a replica\'s KisApi has no KisEngine") }')
        out.append("        return engine")
        out.append("    }")
        out.append("")
        out += sdoc("Runs any entry by name with a request of JSON data; its output as JSON data.", "    ")
        out.append("    public func call(_ entry: String, actor: String, request: [String: Any], idempotencyKey: String? = nil) throws -> Any? {")
        out.append("        let text = try wire(entry, actor, try Json.write(request), idempotencyKey)")
        out.append("        return try Json.read(text)")
        out.append("    }")
        for entry in self.schema["entries"]:
            out += self.method(entry)
        out.append("}")
        out += self.asynchronous()
        out += [""]
        out.append("public extension KisApi {")
        out += sdoc(
            "Runs entry `entry` through its typed method, the request given as JSON data; the\n"
            "answer as JSON data (for tools, and the shared scenario files).",
            "    ",
        )
        out.append("    func callTyped(_ entry: String, actor: String, request: [String: Any], idempotencyKey: String? = nil) throws -> Any {")
        out.append("        switch entry {")
        for entry in self.schema["entries"]:
            out += self.dispatch(entry)
        out.append("        default:")
        out.append('            throw JsonError("no API entry \\(entry)")')
        out.append("        }")
        out.append("    }")
        out.append("}")
        out.append("")
        return "\n".join(out)


def main() -> int:
    schema = json.loads(sys.stdin.read())
    text = Swift(schema).generate()
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET} is not what the API declaration gives: run "
                  "cargo run -q -p kis-core --example api_schema | python3 kis-ffi/gen_swift.py")
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text)
    print(f"wrote {TARGET} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
