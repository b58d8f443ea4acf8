// kis-jvm's JUnit 5 tests of the shared scenario files (#20; were
// kis-ffi/tests/kotlin/Scenarios.kt): the files of tests/data/api/ on the JVM: every step runs through its
// typed, generated method of org.kis.api.KisApi (a request holding a float, which no
// typed Kotlin caller can send, goes through the wire, KisEngine.call), and its answer or
// error is checked against the file, as tests/api_scenarios.rs (Rust) and
// kis-py/tests/test_scenarios.py (Python) check the same file. Same request, same cent,
// same decision, same message, in each language.
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import org.kis.*
import org.kis.api.Json
import org.kis.api.JsonNumber
import org.kis.api.KisApi
import org.kis.api.callTyped
import java.io.File
import java.time.Instant

fun jsonText(v: Any?): String = Json.write(v)

/** Whether a request holds a JSON number with a fraction (what only the wire can carry). */
fun hasFloat(v: Any?): Boolean = when (v) {
    is JsonNumber -> v.text.any { it in ".eE" }
    is List<*> -> v.any { hasFloat(it) }
    is Map<*, *> -> v.values.any { hasFloat(it) }
    else -> false
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

/** JSON data without its null-valued keys (the typed layer leaves absent what is null). */
fun canon(v: Any?): Any? = when (v) {
    is Map<*, *> -> v.entries.filter { it.value != null }.associate { it.key to canon(it.value) }
    is List<*> -> v.map { canon(it) }
    else -> v
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
    val scenario = Json.read(file.readText()) as Map<String, Any?>
    val policy = File(repo, scenario["policy"] as String).readText()
    val clock = ManualClock(Instant.parse(scenario["clock"] as String))
    val db = File.createTempFile("kis-scenario", ".db").also { it.delete() }
    val declared = ((Json.read(apiSchema()) as Map<*, *>)["entries"] as List<*>).map { it as Map<*, *> }
    val entries = declared.map { it["name"] as String }.toSet()
    val queries = declared.filter { it["kind"] == "query" }.map { it["name"] as String }.toSet()
    var compared = 0
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
            val requestData = substitute(step["request"], policy) as Map<*, *>
            val request = jsonText(requestData)
            val at = "${file.name} step $n ($entry as $actor)"
            val error = step["error"] as Map<*, *>?
            try {
                val key = step["key"] as String?
                val output = if (hasFloat(requestData)) {
                    Json.read(engine.call(entry, actor, request, key))
                } else {
                    // The typed answer encoded back by the same conversion layer, read as
                    // the wire's JSON would be.
                    Json.read(Json.write(KisApi(engine).callTyped(entry, actor, requestData, key)))
                }
                assertTrue(error == null, "$at: expected $error, got ${jsonText(output)}")
                if (entry in queries && !hasFloat(requestData)) {
                    // A query asked again through the wire: the typed answer, encoded back,
                    // is the wire's own JSON value for value (nothing lost or reshaped).
                    val wire = Json.read(engine.call(entry, actor, request, null))
                    assertTrue(canon(wire) == canon(output), "$at: typed ${jsonText(output)}\n  wire ${jsonText(wire)}")
                    compared++
                }
                step["expect"]?.let { assertTrue(matches(it, output), "$at: expected ${jsonText(it)}\n  got ${jsonText(output)}") }
            } catch (e: KisException) {
                assertTrue(error != null, "$at: failed: ${e.message}")
                assertTrue(kindOf(e) == error!!["kind"], "$at: expected ${error["kind"]}, got ${kindOf(e)}: ${e.message}")
                (error["message"] as String?)?.let { assertTrue(e.message == it, "$at: message ${e.message}") }
                (error["fields"] as Map<*, *>?)?.forEach { (k, v) ->
                    val got = fieldOf(e, k as String)
                    assertTrue(got == v?.let { if (it is JsonNumber) it.text else it.toString() }, "$at: field $k is $got, expected $v")
                }
            }
        }
        assertTrue(called == entries, "${file.name} never calls ${entries - called}")
        assertTrue(compared >= queries.size, "${file.name}: only $compared typed query answers compared with the wire")
    }
}

class ScenariosTest {
    /** One JUnit test per file: every entry through its typed KisApi method, as in Rust and Python. */
    @TestFactory
    fun `shared scenarios`(): List<DynamicTest> {
        val dir = File(Repo.root, "tests/data/api")
        val files = dir.listFiles { f -> f.name.endsWith(".json") }!!.sorted()
        assertTrue(files.isNotEmpty(), "no scenario files in $dir")
        return files.map { file -> dynamicTest(file.name) { runScenario(file, Repo.root) } }
    }

    /** The typed API as an app writes it: records in, records out, BigDecimal money. */
    @Test
    fun `the generated KisApi - a quote priced, reviewed and read back as records`() {
        typedSample(Repo.root)
    }
}

/** The typed API as an app writes it: records in, records out, BigDecimal money. */
fun typedSample(repo: File) {
    val policy = File(repo, "examples/policy.toml").readText()
    val clock = ManualClock(Instant.parse("2026-11-27T01:00:00Z"))
    KisEngine.openWithClock(":memory:", policy, clock).use { engine ->
        val api = org.kis.api.KisApi(engine)
        engine.bootstrapAdmin("admin", "Ada Admin")
        api.addUser("admin", "meng", "Meng Li", "manager")
        api.addTeam("admin", "east", "Team East", "meng")
        api.addUser("admin", "li", "Li Na", "rep", team = "east")
        val cny = { a: String -> org.kis.api.Money(java.math.BigDecimal(a), "CNY") }
        api.putProduct("admin", org.kis.api.Product("KIS-PRO", "KIS Professional", "software>erp", cny("12000"), cny("7000")))
        api.addCustomer("li", "C-1", "Huaxin", "key-accounts", "li")
        val line = org.kis.api.LineRequest("KIS-PRO", java.math.BigDecimal("2"))
        val quote = api.createQuote("li", "Q-1", "C-1", listOf(line), java.time.LocalDate.of(2026, 12, 27),
            idempotencyKey = "phone:Q-1")
        assertTrue(quote.revisions.last().total == cny("21600.00"), "${quote.revisions.last().total}")
        assertTrue(api.submit("li", "quote", "Q-1").currentRole == "manager", "submitted")
        assertTrue(api.inbox("meng").map { it.id } == listOf("Q-1"), "meng's inbox")
        val refused = assertThrows<KisException.NotAuthorized> { api.decide("li", "quote", "Q-1", "approved") }
        assertTrue(refused.actor == "li" && refused.message == refused.detail, "${refused.message}")
        assertTrue(api.decide("meng", "quote", "Q-1", "approved").status == "approved", "approved")
        val again = api.createQuote("li", "Q-1", "C-1", listOf(line), java.time.LocalDate.of(2026, 12, 27),
            idempotencyKey = "phone:Q-1")
        assertTrue(again.id == "Q-1", "an idempotent retry returns the first result")
    }
}
