// kis-jvm's JUnit 5 test of offline phones (#18, #20; was kis-ffi/tests/kotlin/Sync.kt): a server engine and a rep's phone replica, each on its
// own SQLite file, in one process. The phone prices and quotes offline; the push runs on
// the server; the manager's inbox there shows the quote; the approval flows back.
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.kis.*
import org.kis.api.*
import java.io.File
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate

class SyncTest {
    @Test
    fun `offline phone - quote offline, sync, approved on the server, back on the phone`() {
        val policy = Repo.policy()
        val serverDb = File.createTempFile("kis-server", ".db").also { it.delete() }
        val phoneDb = File.createTempFile("kis-phone", ".db").also { it.delete() }
        val clock = ManualClock(Instant.parse("2026-11-27T01:00:00Z"))
        KisEngine.openWithClock(serverDb.path, policy, clock).use { serverEngine ->
            val server = KisApi(serverEngine)
            server.bootstrapAdmin("admin", "Ada Admin")
            server.addUser("admin", "dir", "Dong Director", "director")
            server.addUser("admin", "meng", "Meng Li", "manager")
            server.addTeam("admin", "east", "Team East", "meng", director = "dir")
            server.addUser("admin", "li", "Li Na", "rep", team = "east")
            val cny = { a: String -> Money(BigDecimal(a), "CNY") }
            server.putProduct("dir", Product("KIS-PRO", "KIS Professional", "software>erp", cny("1000"), cny("600")))
            server.addCustomer("li", "C-HUA", "Huaxin Trading", "retail", "li")

            // The phone is seeded with what li may see, then goes offline.
            KisReplica.seedWithClock(phoneDb.path, serverEngine.snapshot("li"), clock).use { replica ->
                val phone = KisApi(replica)
                val price = phone.priceFor("li", "C-HUA", "KIS-PRO", BigDecimal("2"))
                assertTrue(price.lineTotal.compareTo(BigDecimal("2000")) == 0, "offline price $price")
                phone.createQuote("li", "Q-PHONE", "C-HUA", listOf(LineRequest("KIS-PRO", BigDecimal("2"))), LocalDate.of(2026, 12, 31))
                assertTrue(phone.submit("li", "quote", "Q-PHONE").status == "pending", "provisional submit")
                assertTrue(server.inbox("meng").isEmpty(), "nothing on the server before the sync")
                val queued = Json.read(replica.outbox()) as List<*>
                assertTrue(queued.size == 2, "outbox $queued")
                assertThrows<KisException.NotAuthorized> { KisApi(replica).quote("meng", "Q-PHONE") }

                // Sync: the push runs on the server as li; the manager sees it there.
                val resolutions = Json.read(replica.receive(serverEngine.serveSync("li", replica.push()))) as List<*>
                assertTrue(resolutions.all { (it as Map<*, *>)["resolution"] == "accepted" }, "$resolutions")
                assertTrue(server.inbox("meng").map { it.id } == listOf("Q-PHONE"), "the manager's inbox on the server")
                server.approve("meng", "quote", "Q-PHONE", "ok")

                // The next sync brings the decision back to the phone.
                replica.receive(serverEngine.serveSync("li", replica.push()))
                assertTrue(phone.quote("li", "Q-PHONE").status == "approved", "approved on the phone")
                assertTrue(Json.read(replica.outbox()) == emptyList<Any>(), "outbox empty")
            }
            // A message of another protocol asks to upgrade.
            val e = assertThrows<KisException.InvalidInput> {
                serverEngine.serveSync("li", """{"protocol": 99, "cursor": 0, "commands": []}""".toByteArray())
            }
            assertTrue(e.field == "protocol" && e.message!!.contains("upgrade kis"), "${e.message}")
        }
        serverDb.delete(); phoneDb.delete()
    }
}
