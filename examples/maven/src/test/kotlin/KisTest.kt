// JUnit 5 tests of a JVM app that depends on org.kis:kis-jvm by coordinates: the engine
// opens on a SQLite file, the typed API runs the regulation, errors are KisException.
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import org.kis.KisEngine
import org.kis.KisException
import org.kis.api.KisApi
import org.kis.api.LineRequest
import org.kis.api.Money
import org.kis.api.Product
import org.kis.api.approve
import org.kis.api.bootstrapAdmin
import java.io.File
import java.math.BigDecimal
import java.time.LocalDate

class KisTest {
    private val policy = File(System.getProperty("kis.policy")).readText()

    private fun company(dir: File, body: (KisApi) -> Unit) =
        KisEngine.open(dir.resolve("company.db").path, policy).use { engine ->
            val kis = KisApi(engine)
            kis.bootstrapAdmin("admin", "Ada Admin")
            kis.addUser("admin", "dong", "Dong Wei", "director")
            kis.addUser("admin", "meng", "Meng Li", "manager")
            kis.addTeam("admin", "east", "Team East", "meng", director = "dong")
            kis.addUser("admin", "li", "Li Na", "rep", team = "east")
            val cny = { amount: String -> Money(BigDecimal(amount), "CNY") }
            kis.putProduct("dong", Product("KIS-SEAT", "KIS user seat", "software>seats", cny("800"), cny("300")))
            kis.addCustomer("li", "C-HUA", "Huaxin Trading", "key-accounts", "li")
            body(kis)
        }

    @Test
    fun `a quote is priced by the price book and approved by the rep's manager (P3, P4)`(@TempDir dir: File) = company(dir) { kis ->
        val quote = kis.createQuote("li", "Q-1", "C-HUA", listOf(LineRequest("KIS-SEAT", BigDecimal(15))), LocalDate.now().plusDays(20))
        val line = quote.revisions.last().lines.single()
        assertEquals(BigDecimal("720"), line.unitPrice)          // key accounts: 10 % off software
        assertEquals(BigDecimal("5"), line.freeUnits)            // buy 3, get 1
        assertEquals(BigDecimal("10800.00"), quote.revisions.last().total.amount)
        kis.submit("li", "quote", "Q-1")
        assertEquals(listOf("Q-1"), kis.inbox("meng").map { it.id })
        kis.approve("meng", "quote", "Q-1")
        assertEquals("approved", kis.quote("li", "Q-1").status)
    }

    @Test
    fun `a rep may not change the price system (P4_1b)`(@TempDir dir: File) = company(dir) { kis ->
        val e = assertThrows(KisException.NotAuthorized::class.java) {
            kis.putProduct("li", Product("KIS-X", "X", "services", Money(BigDecimal.ONE, "CNY"), Money(BigDecimal.ONE, "CNY")))
        }
        assertEquals("li", e.actor)
        assertTrue(e.message!!.startsWith("li may not"), e.message)
    }

    @Test
    fun `a value kis cannot hold exactly is refused, naming the field`(@TempDir dir: File) = company(dir) { kis ->
        val e = assertThrows(KisException.InvalidInput::class.java) {
            kis.priceFor("li", "C-HUA", "KIS-SEAT", BigDecimal("1E+40"))
        }
        assertEquals("quantity", e.field)
    }
}
