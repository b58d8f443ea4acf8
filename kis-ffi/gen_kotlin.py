"""Generates ``kotlin/org/kis/api/Api.kt`` from the API declaration in kis-core.

The declaration (``kis_core::api``) comes as its JSON Schema document on stdin
(``cargo run -q -p kis-core --example api_schema``). From it this script writes, in
package ``org.kis.api``:

- one data class per record type, with its docs, ``toJson`` and ``fromJson``;
- a ``typealias`` per enumeration of names and per id type;
- ``class KisApi(engine)``, one typed, documented method per entry of the API, each
  sending its request through ``KisEngine.call`` (the wire) and decoding the answer;
- ``class KisSuspendApi``, the same methods as ``suspend fun`` over ``callAsync``
  (kotlinx-coroutines), so a coroutine never blocks its thread on kis (#20);
- ``KisApi.callTyped``, running any entry by name through its typed method (tools and
  the shared scenario tests).

The type logic (which schema node is a decimal, a date, a record...) is the Python
generator's (``kis-py/gen_api.py``), so both bindings read the schema the same way.
``--check`` exits non-zero when the file on disk is not what the declaration gives.
"""

from __future__ import annotations

import json
import pathlib
import sys
from typing import Any, List

HERE = pathlib.Path(__file__).resolve().parent
TARGET = HERE / "kotlin" / "org" / "kis" / "api" / "Api.kt"
sys.path.insert(0, str(HERE.parent / "kis-py"))
from gen_api import Generator  # noqa: E402

KEYWORDS = {
    "as", "break", "class", "continue", "do", "else", "false", "for", "fun", "if", "in",
    "interface", "is", "null", "object", "package", "return", "super", "this", "throw",
    "true", "try", "typealias", "typeof", "val", "var", "when", "while",
}


def camel(name: str, upper: bool = False) -> str:
    parts = name.split("_")
    out = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    if upper:
        out = out[:1].upper() + out[1:]
    return f"`{out}`" if out in KEYWORDS else out


def kdoc(text: str, indent: str) -> List[str]:
    text = text.strip().replace("*/", "* /")
    if not text:
        return []
    lines = text.splitlines()
    if len(lines) == 1:
        return [f"{indent}/** {lines[0]} */"]
    return [f"{indent}/**"] + [f"{indent} * {l}".rstrip() for l in lines] + [f"{indent} */"]


class Kotlin:
    def __init__(self, schema: dict):
        self.g = Generator(schema)
        self.schema = schema

    def ktype(self, spec: Any) -> str:
        if isinstance(spec, str):
            return {
                "str": "String", "int": "Long", "bool": "Boolean", "dec": "BigDecimal",
                "date": "LocalDate", "datetime": "Instant", "any": "Any?",
            }[spec]
        kind = spec[0]
        if kind == "opt":
            inner = self.ktype(spec[1])
            return inner if inner.endswith("?") else inner + "?"
        if kind == "list":
            return f"List<{self.ktype(spec[1])}>"
        if kind == "map":
            return f"Map<String, {self.ktype(spec[1])}>"
        if kind == "tuple":
            return "List<Any?>"
        if kind == "ref":
            name = spec[1]
            k = self.g.kind(name)
            if k == "alias" and self.g.spec(self.g.defs[name]) == "any":
                return "Any?"
            return name
        raise ValueError(spec)

    def decode(self, spec: Any, x: str) -> str:
        """A Kotlin expression turning the JSON value `x` into the type of `spec`."""
        if isinstance(spec, str):
            return {
                "str": f"Json.str({x})", "int": f"Json.long({x})", "bool": f"Json.bool({x})",
                "dec": f"Json.dec({x})", "date": f"Json.date({x})", "datetime": f"Json.instant({x})",
                "any": x,
            }[spec]
        kind = spec[0]
        if kind == "opt":
            inner = self.decode(spec[1], "it")
            return x if inner == "it" else f"{x}?.let {{ {inner} }}"
        if kind == "list":
            inner = self.decode(spec[1], "it")
            return f"Json.list({x}).map {{ {inner} }}"
        if kind == "map":
            inner = self.decode(spec[1], "it.value")
            return f"Json.obj({x}).entries.associate {{ (it.key as String) to {inner} }}"
        if kind == "tuple":
            items = ", ".join(self.decode(s, f"l[{i}]") for i, s in enumerate(spec[1]))
            return f"Json.list({x}).let {{ l -> listOf<Any?>({items}) }}"
        if kind == "ref":
            name = spec[1]
            k = self.g.kind(name)
            if k in ("struct", "money"):
                return f"{name}.fromJson({x})"
            if k == "names":
                return f"Json.str({x})"
            return self.decode(self.g.spec(self.g.defs[name]), x)
        raise ValueError(spec)

    def optional(self, spec: Any, x: str) -> str:
        """Decoding of an optional field: absent or null is null."""
        inner = spec[1] if isinstance(spec, tuple) and spec[0] == "opt" else spec
        body = self.decode(inner, "it")
        return x if body == "it" else f"{x}?.let {{ {body} }}"

    def record(self, name: str) -> List[str]:
        node = self.g.defs[name]
        fields = self.g.fields(name)
        out = [""] + kdoc(node.get("description", ""), "")
        out.append(f"data class {name}(")
        for key, spec, required, doc in fields:
            t = self.ktype(spec)
            if not required and not t.endswith("?"):
                t += "?"
            default = " = null" if not required else ""
            out += kdoc(doc, "    ")
            out.append(f"    val {camel(key)}: {t}{default},")
        out.append(") : JsonRecord {")
        pairs = ", ".join(f'"{k}" to {camel(k)}' for k, *_ in fields)
        out.append(f"    override fun toJson(): Map<String, Any?> = linkedMapOf({pairs})")
        out.append("")
        out.append("    companion object {")
        out.append(f"        /** A [{name}] from its JSON object. */")
        out.append(f"        fun fromJson(v: Any?): {name} {{")
        out.append("            val m = Json.obj(v)")
        out.append(f"            return {name}(")
        for key, spec, required, _ in fields:
            x = f'm["{key}"]'
            expr = self.decode(spec, x) if required else self.optional(spec, x)
            out.append(f"                {camel(key)} = {expr},")
        out.append("            )")
        out.append("        }")
        out.append("    }")
        out.append("}")
        return out

    def params(self, entry: dict) -> List[tuple]:
        request = entry["request"]["$ref"].rsplit("/", 1)[1]
        fields = self.g.fields(request)
        return [f for f in fields if f[2]] + [f for f in fields if not f[2]]

    def method(self, entry: dict, suspend: bool = False) -> List[str]:
        name = camel(entry["name"])
        fields = self.params(entry)
        sig = ["actor: String"]
        for key, spec, required, _ in fields:
            t = self.ktype(spec)
            if required:
                sig.append(f"{camel(key)}: {t}")
            else:
                sig.append(f"{camel(key)}: {t if t.endswith('?') else t + '?'} = null")
        command = entry["kind"] == "command"
        if command:
            sig.append("idempotencyKey: String? = null")
        out_type = self.ktype(self.g.spec(entry["output"]))
        doc = entry["doc"]
        request_doc = self.g.defs[entry["request"]["$ref"].rsplit("/", 1)[1]].get("description", "")
        if request_doc and request_doc.strip() != doc.strip():
            doc += "\n\n" + request_doc
        doc += "\n\n@param actor the acting user's id (who may do this is decided by kis, P2)"
        for key, _, _, d in fields:
            doc += f"\n@param {camel(key).strip('`')} {d or key}"
        if command:
            doc += "\n@param idempotencyKey a retry with the same key and request returns the first result"
        body = ", ".join(f'"{k}" to {camel(k)}' for k, *_ in fields)
        key = "idempotencyKey" if command else "null"
        out = [""] + kdoc(doc, "    ")
        fun = "suspend fun" if suspend else "fun"
        out.append(f"    {fun} {name}(" + ", ".join(sig) + f"): {out_type} {{")
        out.append(f'        val out = call("{entry["name"]}", actor, linkedMapOf<String, Any?>({body}), {key})')
        out.append(f"        return {self.decode(self.g.spec(entry['output']), 'out')}")
        out.append("    }")
        return out

    def dispatch(self, entry: dict) -> str:
        args = ["actor"]
        for key, spec, required, _ in self.params(entry):
            x = f'request["{key}"]'
            expr = self.decode(spec, x) if required else self.optional(spec, x)
            args.append(f"{camel(key)} = {expr}")
        if entry["kind"] == "command":
            args.append("idempotencyKey = idempotencyKey")
        return f'        "{entry["name"]}" -> Json.enc({camel(entry["name"])}(' + ", ".join(args) + "))"

    def suspending(self) -> List[str]:
        """``KisSuspendApi``: every entry as a ``suspend fun`` (#20), over ``callAsync``."""
        out = [""] + kdoc(
            "KisApi for coroutines: the same typed methods, each a `suspend fun` that never\n"
            "blocks its caller's thread (#20). Over an engine or a replica the call runs on a\n"
            "thread of kis's own (`callAsync`); over kis-server, on the HTTP client's. So an\n"
            "Android app calls it from `Dispatchers.Main`: a year's scoring, a report or a\n"
            "sync suspends the coroutine, never the UI. Answers and errors are KisApi's.",
            "",
        )
        out.append("class KisSuspendApi(")
        out += kdoc("What the requests go through: `(entry, actor, request JSON, idempotency key)` to the output's JSON.", "    ")
        out.append("    val wire: suspend (String, String, String, String?) -> String,")
        out.append(") {")
        out += kdoc("The suspending API over an engine (on a store, or a server's).", "    ")
        out.append("    constructor(engine: KisEngine) : this({ e, a, r, k -> engine.callAsync(e, a, r, k) })")
        out.append("")
        out += kdoc("The suspending API over a phone's replica (#18).", "    ")
        out.append("    constructor(replica: KisReplica) : this({ e, a, r, k -> replica.callAsync(e, a, r, k) })")
        out.append("")
        out += kdoc("Runs any entry by name with a request of JSON data; its output as JSON data.", "    ")
        out.append("    suspend fun call(entry: String, actor: String, request: Map<String, Any?>, idempotencyKey: String? = null): Any? =")
        out.append("        Json.read(wire(entry, actor, Json.write(Json.enc(request)), idempotencyKey))")
        for entry in self.schema["entries"]:
            out += self.method(entry, suspend=True)
        out.append("}")
        return out

    def generate(self) -> str:
        names = sorted(
            n for n in self.g.defs
            if (n not in self.g.requests or self.g.referenced(n)) and n not in self.g.native
        )
        out = [
            "// kis's API in Kotlin: the records and the methods of KisApi. Generated by",
            "// kis-ffi/gen_kotlin.py from the API declaration in kis-core (kis_core::api); do not",
            "// edit. Every method sends its request through KisEngine.call as JSON and decodes",
            "// the answer with the generated fromJson of its output type.",
            '@file:Suppress("unused", "RedundantVisibilityModifier", "UNCHECKED_CAST")',
            "",
            "package org.kis.api",
            "",
            "import java.math.BigDecimal",
            "import java.time.Instant",
            "import java.time.LocalDate",
            "import org.kis.KisEngine",
            "import org.kis.KisReplica",
            "",
        ]
        records = []
        for n in names:
            kind = self.g.kind(n)
            node = self.g.defs[n]
            if kind == "names":
                values = [o["const"] for o in node["oneOf"]] if "oneOf" in node else node["enum"]
                out += kdoc(node.get("description", "") + "\n\nOne of: " + ", ".join(f'"{v}"' for v in values) + ".", "")
                out.append(f"typealias {n} = String")
            elif kind == "alias":
                t = self.ktype(self.g.spec(node))
                if t != "Any?":
                    out += kdoc(node.get("description", ""), "")
                    out.append(f"typealias {n} = {t}")
            else:
                records.append(n)
        for n in records:
            out += self.record(n)
        out += [""] + kdoc(
            "The sales-management engine's API: one typed method per entry of the declaration.\n\n"
            "Every command takes the acting user's id first and may take an idempotency key, so\n"
            "that a retry after a lost connection returns the first result instead of acting\n"
            "twice. Errors are KisException, with kis-core's own message.",
            "",
        )
        collections = sorted(self.schema.get("collections", {}).items())
        if collections:
            out += [""] + kdoc(
                "The document after the change as the record of its collection (`quotes` a\n"
                "[Quote]...): kis-core's `ChangeEvent::document`. Null when removed or revoked.",
                "",
            )
            out.append("fun ChangeEvent.document(): JsonRecord? = state?.let { s ->")
            out.append("    when (collection) {")
            for collection, ref in collections:
                out.append(f'        "{collection}" -> {ref["$ref"].rsplit("/", 1)[1]}.fromJson(s)')
            out.append("        else -> null")
            out.append("    }")
            out.append("}")
        out += [""] + kdoc("What KisApi sends its requests through: a KisEngine's `call`, or a KisReplica's.", "")
        out.append("fun interface Wire {")
        out += kdoc("Runs `entry` for `actor` with the request's JSON; the output's JSON.", "    ")
        out.append("    fun call(entry: String, actor: String, request: String, idempotencyKey: String?): String")
        out.append("}")
        out.append("")
        out.append("class KisApi(val wire: Wire, private val local: KisEngine? = null) {")
        out += kdoc("The typed API over an engine (on a store, or a server's).", "    ")
        out.append("    constructor(engine: KisEngine) : this(Wire { e, a, r, k -> engine.call(e, a, r, k) }, engine)")
        out.append("")
        out += kdoc(
            "The typed API over a phone's replica (#18): queries answered offline, offline\n"
            "commands applied as provisional and queued for the next sync.",
            "    ",
        )
        out.append("    constructor(replica: KisReplica) : this(Wire { e, a, r, k -> replica.call(e, a, r, k) }, null)")
        out.append("")
        out += kdoc("The engine, for what only an engine does (the first admin, anchors); a replica has none.", "    ")
        out.append('    val engine: KisEngine get() = local ?: throw IllegalStateException("a replica\'s KisApi has no KisEngine")')
        out.append("")
        out += kdoc("Runs any entry by name with a request of JSON data; its output as JSON data.", "    ")
        out.append("    fun call(entry: String, actor: String, request: Map<String, Any?>, idempotencyKey: String? = null): Any? =")
        out.append("        Json.read(wire.call(entry, actor, Json.write(Json.enc(request)), idempotencyKey))")
        for entry in self.schema["entries"]:
            out += self.method(entry)
        out.append("}")
        out += self.suspending()
        out += [""] + kdoc(
            "Runs entry `entry` through its typed method, the request given as JSON data; the\n"
            "answer as JSON data (for tools, and the shared scenario tests).",
            "",
        )
        out.append("fun KisApi.callTyped(entry: String, actor: String, request: Map<*, *>, idempotencyKey: String? = null): Any? =")
        out.append("    when (entry) {")
        for entry in self.schema["entries"]:
            out.append(self.dispatch(entry))
        out.append('        else -> throw IllegalArgumentException("no API entry $entry")')
        out.append("    }")
        out.append("")
        return "\n".join(out)


def main() -> int:
    schema = json.loads(sys.stdin.read())
    text = Kotlin(schema).generate()
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET} is not what the API declaration gives: run "
                  "cargo run -q -p kis-core --example api_schema | python3 kis-ffi/gen_kotlin.py")
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
