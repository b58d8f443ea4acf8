// The shared scenario files of tests/data/api/ on the JVM: every step's request goes
// through KisEngine.call (the API's wire, the same entry the server and sync use), and
// its answer or error is checked against the file, as tests/api_scenarios.rs (Rust) and
// kis-py/tests/test_scenarios.py (Python) check the same file. Same request, same cent,
// same decision, same message, in each language.
import org.kis.*
import java.io.File
import java.time.Instant

/** A JSON number, kept as its text: compared exactly, never through a double. */
data class JsonNumber(val text: String)

/** A small JSON reader for the scenario files and the engine's answers (test code). */
class JsonReader(private val s: String) {
    private var i = 0

    fun read(): Any? {
        val v = value()
        space()
        require(i == s.length) { "trailing text at $i" }
        return v
    }

    private fun space() {
        while (i < s.length && s[i].isWhitespace()) i++
    }

    private fun value(): Any? {
        space()
        return when (val c = s[i]) {
            '{' -> obj()
            '[' -> arr()
            '"' -> str()
            't' -> { i += 4; true }
            'f' -> { i += 5; false }
            'n' -> { i += 4; null }
            else -> {
                val start = i
                while (i < s.length && (s[i].isDigit() || s[i] in "+-.eE")) i++
                require(i > start) { "unexpected '$c' at $start" }
                JsonNumber(s.substring(start, i))
            }
        }
    }

    private fun obj(): Map<String, Any?> {
        val out = LinkedHashMap<String, Any?>()
        i++
        space()
        if (s[i] == '}') { i++; return out }
        while (true) {
            space()
            val k = str()
            space()
            require(s[i] == ':') { "expected : at $i" }
            i++
            out[k] = value()
            space()
            if (s[i] == ',') { i++; continue }
            require(s[i] == '}') { "expected } at $i" }
            i++
            return out
        }
    }

    private fun arr(): List<Any?> {
        val out = ArrayList<Any?>()
        i++
        space()
        if (s[i] == ']') { i++; return out }
        while (true) {
            out.add(value())
            space()
            if (s[i] == ',') { i++; continue }
            require(s[i] == ']') { "expected ] at $i" }
            i++
            return out
        }
    }

    private fun str(): String {
        require(s[i] == '"') { "expected a string at $i" }
        i++
        val b = StringBuilder()
        while (s[i] != '"') {
            if (s[i] == '\\') {
                i++
                when (s[i]) {
                    'n' -> b.append('\n')
                    't' -> b.append('\t')
                    'r' -> b.append('\r')
                    'b' -> b.append('\b')
                    'f' -> b.append('\u000c')
                    'u' -> { b.append(s.substring(i + 1, i + 5).toInt(16).toChar()); i += 4 }
                    else -> b.append(s[i])
                }
            } else {
                b.append(s[i])
            }
            i++
        }
        i++
        return b.toString()
    }
}

fun jsonText(v: Any?): String = when (v) {
    null -> "null"
    is Boolean -> v.toString()
    is JsonNumber -> v.text
    is String -> buildString {
        append('"')
        for (c in v) {
            when {
                c == '"' -> append("\\\"")
                c == '\\' -> append("\\\\")
                c == '\n' -> append("\\n")
                c < ' ' -> append("\\u%04x".format(c.code))
                else -> append(c)
            }
        }
        append('"')
    }
    is List<*> -> v.joinToString(",", "[", "]") { jsonText(it) }
    is Map<*, *> -> v.entries.joinToString(",", "{", "}") { "${jsonText(it.key as String)}:${jsonText(it.value)}" }
    else -> error("not JSON: $v")
}

/** `expected` is a part of `actual` (the rule of tests/api_scenarios.rs). */
fun matches(expected: Any?, actual: Any?): Boolean = when (expected) {
    is Map<*, *> -> actual is Map<*, *> && expected.all { (k, v) ->
        (actual.containsKey(k) && matches(v, actual[k])) || (v == null && !actual.containsKey(k))
    }
    is List<*> -> actual is List<*> && expected.size == actual.size &&
        expected.indices.all { matches(expected[it], actual[it]) }
    else -> expected == actual
}

fun substitute(v: Any?, policy: String): Any? = when (v) {
    "\$policy" -> policy
    is List<*> -> v.map { substitute(it, policy) }
    is Map<*, *> -> v.entries.associate { (it.key as String) to substitute(it.value, policy) }
    else -> v
}

/** The kind of a Kotlin exception as kis names it (the Problem kinds). */
fun kindOf(e: KisException): String = when (e) {
    is KisException.Policy -> "PolicyError"
    is KisException.Store -> "StoreError"
    else -> e::class.simpleName ?: "?"
}

/** An exception's field by its JSON name, through its Kotlin property. */
fun fieldOf(e: KisException, name: String): String? {
    val camel = name.split('_').mapIndexed { n, p -> if (n == 0) p else p.replaceFirstChar { it.uppercase() } }.joinToString("")
    val getter = e.javaClass.methods.firstOrNull { it.name == "get" + camel.replaceFirstChar { it.uppercase() } && it.parameterCount == 0 }
    return getter?.invoke(e)?.toString()
}

fun runScenario(file: File, repo: File) {
    @Suppress("UNCHECKED_CAST")
    val scenario = JsonReader(file.readText()).read() as Map<String, Any?>
    val policy = File(repo, scenario["policy"] as String).readText()
    val clock = ManualClock(Instant.parse(scenario["clock"] as String))
    val db = File.createTempFile("kis-scenario", ".db").also { it.delete() }
    val entries = ((JsonReader(apiSchema()).read() as Map<*, *>)["entries"] as List<*>)
        .map { (it as Map<*, *>)["name"] as String }.toSet()
    val called = HashSet<String>()
    KisEngine.openWithClock(db.path, policy, clock).use { engine ->
        val admin = scenario["admin"] as List<*>
        engine.bootstrapAdmin(admin[0] as String, admin[1] as String)
        for ((n, raw) in (scenario["steps"] as List<*>).withIndex()) {
            val step = raw as Map<*, *>
            val hours = step["advance_hours"] as JsonNumber?
            if (hours != null) {
                clock.advanceSeconds(hours.text.toLong() * 3600)
                continue
            }
            val entry = step["call"] as String
            called.add(entry)
            val actor = step["as"] as String
            val request = jsonText(substitute(step["request"], policy))
            val at = "${file.name} step $n ($entry as $actor)"
            val error = step["error"] as Map<*, *>?
            try {
                val output = JsonReader(engine.call(entry, actor, request, step["key"] as String?)).read()
                expect(error == null, "$at: expected $error, got ${jsonText(output)}")
                step["expect"]?.let { expect(matches(it, output), "$at: expected ${jsonText(it)}\n  got ${jsonText(output)}") }
            } catch (e: KisException) {
                expect(error != null, "$at: failed: ${e.message}")
                expect(kindOf(e) == error!!["kind"], "$at: expected ${error["kind"]}, got ${kindOf(e)}: ${e.message}")
                (error["message"] as String?)?.let { expect(e.message == it, "$at: message ${e.message}") }
                (error["fields"] as Map<*, *>?)?.forEach { (k, v) ->
                    val got = fieldOf(e, k as String)
                    expect(got == v?.let { if (it is JsonNumber) it.text else it.toString() }, "$at: field $k is $got, expected $v")
                }
            }
        }
        expect(called == entries, "${file.name} never calls ${entries - called}")
    }
}

fun runScenarios(repo: File) {
    val dir = File(repo, "tests/data/api")
    for (file in dir.listFiles { f -> f.name.endsWith(".json") }!!.sorted()) {
        check("shared scenario ${file.name}: every entry, through the wire, as Rust and Python") {
            runScenario(file, repo)
        }
    }
}
