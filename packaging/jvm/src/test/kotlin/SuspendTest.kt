// kis-jvm's JUnit 5 tests of KisSuspendApi (#20): KisApi's methods as `suspend fun`
// over uniffi's async `callAsync`, for coroutines that must not block their thread (an
// Android app's Dispatchers.Main). Same answers, same errors, and the caller's thread
// stays free while kis works.
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.kis.KisEngine
import org.kis.KisException
import org.kis.KisReplica
import org.kis.ManualClock
import org.kis.api.*
import java.io.File
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import java.util.Collections

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SuspendTest {
    private val policy = Repo.policy()
    private val db = File.createTempFile("kis-suspend", ".db").also { it.delete() }
    private val clock = ManualClock(Instant.parse("2026-11-27T01:00:00Z"))
    private val engine = KisEngine.openWithClock(db.path, policy, clock)
    private val kis = KisApi(engine)
    private val coroutines = KisSuspendApi(engine)
    private val cny = { a: String -> Money(BigDecimal(a), "CNY") }

    /** A team, a product, and li's quotes turned into delivered sales for the KPI (P5). */
    @BeforeAll
    fun company() {
        runBlocking {
            kis.bootstrapAdmin("admin", "Ada Admin")
            coroutines.addUser("admin", "dir", "Dong Director", "director")
            coroutines.addUser("admin", "meng", "Meng Li", "manager")
            coroutines.addTeam("admin", "east", "Team East", "meng", director = "dir")
            coroutines.addUser("admin", "li", "Li Na", "rep", team = "east")
            coroutines.putProduct("dir", Product("KIS-PRO", "KIS Professional", "software>erp", cny("1000"), cny("600")))
            coroutines.addCustomer("li", "C-HUA", "Huaxin Trading", "retail", "li")
            for (n in 1..3) {
                val id = "Q-$n"
                coroutines.createQuote("li", id, "C-HUA", listOf(LineRequest("KIS-PRO", BigDecimal(n))), LocalDate.of(2026, 12, 31))
                coroutines.submit("li", "quote", id)
                coroutines.approve("meng", "quote", id, "ok")
            }
        }
    }

    @AfterAll
    fun close() {
        engine.close()
        db.delete()
    }

    @Test
    fun `the suspending API answers what KisApi answers - a year's scoring and the month's report`() {
        runBlocking {
            assertEquals(kis.scoreYear("meng", 2026), coroutines.scoreYear("meng", 2026))
            assertEquals(kis.salesReport("meng", 2026, 11, team = "east"), coroutines.salesReport("meng", 2026, 11, team = "east"))
            assertEquals(kis.quote("li", "Q-2"), coroutines.quote("li", "Q-2"))
            assertEquals("approved", coroutines.quote("li", "Q-3").status)
        }
    }

    @Test
    fun `errors arrive as the same KisException, with its fields`() {
        val refused = assertThrows<KisException.NotAuthorized> { runBlocking { coroutines.addUser("li", "x", "X", "rep", team = "east") } }
        assertEquals("li", refused.actor)
        val blocking = assertThrows<KisException.NotAuthorized> { kis.addUser("li", "x", "X", "rep", team = "east") }
        assertEquals(blocking.message, refused.message)
        val bad = assertThrows<KisException.InvalidInput> { runBlocking { coroutines.scoreboard("li", 2026, 13) } }
        assertEquals("month", bad.field)
    }

    @Test
    fun `a suspended call leaves its thread to other coroutines`() {
        // runBlocking runs every coroutine here on this one thread. A blocking call would
        // hold it until every year was scored; a suspending one hands it back at once, so
        // the coroutine launched after eight calls runs before the last of them completes
        // (each call is milliseconds of store reads on a thread of kis's own).
        val order = Collections.synchronizedList(mutableListOf<String>())
        runBlocking {
            val years = (1..8).map { async { coroutines.scoreYear("meng", 2026).also { order += "scored" } } }
            launch { order += "ran meanwhile" }
            years.awaitAll()
        }
        assertEquals(9, order.size)
        assertTrue(order.indexOf("ran meanwhile") < order.lastIndexOf("scored"), "$order")
    }

    @Test
    fun `a phone's replica suspends too - offline quote, sync, decision back`() {
        runBlocking {
            val phoneDb = File.createTempFile("kis-suspend-phone", ".db").also { it.delete() }
            KisReplica.seedWithClock(phoneDb.path, engine.snapshotAsync("li"), clock).use { replica ->
                val phone = KisSuspendApi(replica)
                phone.createQuote("li", "Q-PHONE", "C-HUA", listOf(LineRequest("KIS-PRO", BigDecimal("2"))), LocalDate.of(2026, 12, 31))
                phone.submit("li", "quote", "Q-PHONE")
                val settled = Json.read(replica.receiveAsync(engine.serveSyncAsync("li", replica.push()))) as List<*>
                assertTrue(settled.all { (it as Map<*, *>)["resolution"] == "accepted" }, "$settled")
                coroutines.approve("meng", "quote", "Q-PHONE")
                replica.receiveAsync(engine.serveSyncAsync("li", replica.push()))
                assertEquals("approved", phone.quote("li", "Q-PHONE").status)
                assertEquals(kis.scoreYear("li", 2026), phone.scoreYear("li", 2026))
            }
            phoneDb.delete()
        }
    }
}
