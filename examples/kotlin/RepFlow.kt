// A rep's day on the phone, as a mobile developer would write it with kis:
// look up a price, build a quote for a customer, submit it, and see where it stands.
// It uses org.kis.api.KisApi, the typed API generated from kis-core's declaration (every
// command and query, the same names and checks as in Rust and Python).
// Build: see the README ("Kotlin: first five minutes"); run with the policy file and a
// database path: RepFlowKt <policy.toml> <sales.db>
import org.kis.KisEngine
import org.kis.KisException
import org.kis.api.KisApi
import org.kis.api.LineRequest
import org.kis.api.Money
import org.kis.api.Product
import java.io.File
import java.math.BigDecimal
import java.time.LocalDate

fun main(args: Array<String>) {
    val policy = File(args[0]).readText()
    KisEngine.open(args[1], policy).use { engine ->
        val kis = KisApi(engine)
        // Set-up an ERP backend would normally have done; the keys make a rerun a no-op.
        try {
            engine.bootstrapAdmin("admin", "Ada Admin")
        } catch (e: KisException.NotAuthorized) {
            // Not an empty store: the administrator exists already.
        }
        kis.addUser("admin", "meng", "Meng Li", "manager", idempotencyKey = "setup:meng")
        kis.addTeam("admin", "east", "Team East", "meng", idempotencyKey = "setup:east")
        kis.addUser("admin", "li", "Li Na", "rep", team = "east", idempotencyKey = "setup:li")
        kis.addUser("admin", "dong", "Dong Wei", "director", idempotencyKey = "setup:dong")
        val cny = { amount: String -> Money(BigDecimal(amount), "CNY") }
        kis.putProduct("dong", Product("KIS-PRO", "KIS Professional", "software>erp", cny("12000"), cny("7000")),
            idempotencyKey = "setup:kis-pro")
        kis.addCustomer("li", "C-HUA", "Huaxin Trading", "key-accounts", "li", idempotencyKey = "setup:c-hua")

        // The rep looks up the price: reps never set prices themselves (P4.1b).
        val pro = kis.product("li", "KIS-PRO")
        println("KIS-PRO lists at ${pro.listPrice.amount} ${pro.listPrice.currency}")

        // A quote, submitted for the manager's review. The idempotency key makes a retry
        // after a lost connection safe: it returns the first result.
        val quote = kis.createQuote("li", "Q-PHONE-1", "C-HUA", listOf(LineRequest("KIS-PRO", BigDecimal("2"))),
            LocalDate.now().plusDays(30), idempotencyKey = "phone:q-phone-1")
        val total = quote.revisions.last().total
        println("quote ${quote.id}: ${total.amount} ${total.currency}, ${quote.status}")
        try {
            val outcome = kis.submit("li", "quote", quote.id, idempotencyKey = "phone:submit:q-phone-1")
            println("submitted: waiting for the ${outcome.currentRole}")
        } catch (e: KisException.InvalidState) {
            println("already submitted: ${e.message}")
        }
        // The manager's phone shows the inbox.
        for (item in kis.inbox("meng")) println("meng's inbox: ${item.kind} ${item.id} from ${item.submitter}: ${item.summary}")
    }
}
