// A rep's day on the phone, as a mobile developer would write it with kis:
// look up a price, build a quote for a customer, submit it, and see where it stands.
// Build: see the README ("Kotlin: first five minutes"); run with the policy file and a
// database path: RepFlowKt <policy.toml> <sales.db>
import org.kis.*
import java.io.File
import java.math.BigDecimal
import java.time.LocalDate

fun main(args: Array<String>) {
    val policy = File(args[0]).readText()
    KisEngine.open(args[1], policy).use { engine ->
        // Set-up an ERP backend would normally have done.
        try {
            engine.bootstrapAdmin("admin", "Ada Admin")
        } catch (e: KisException.NotAuthorized) {
            // Not an empty store: the administrator exists already.
        }
        engine.addUser("admin", "meng", "Meng Li", Role.MANAGER, null, "setup:meng")
        engine.addTeam("admin", "east", "Team East", "meng", null, "setup:east")
        engine.addUser("admin", "li", "Li Na", Role.REP, "east", "setup:li")
        engine.addUser("admin", "dong", "Dong Wei", Role.DIRECTOR, null, "setup:dong")
        engine.putProduct("dong", Product("KIS-PRO", "KIS Professional", "software>erp",
            Money(BigDecimal("12000"), "CNY"), Money(BigDecimal("7000"), "CNY")), "setup:kis-pro")
        engine.addCustomer("li", Customer("C-HUA", "Huaxin Trading", "key-accounts", "li"), "setup:c-hua")

        // The rep looks up the price: reps never set prices themselves (P4.1b).
        val pro = engine.product("li", "KIS-PRO")
        println("KIS-PRO lists at ${pro.listPrice.amount} ${pro.listPrice.currency}")

        // A quote, submitted for the manager's review. The idempotency key makes a retry
        // after a lost connection safe: it returns the first result.
        val quote = engine.createQuote("li", "Q-PHONE-1", "C-HUA",
            listOf(LineRequest("KIS-PRO", BigDecimal("2"), null, null)), LocalDate.now().plusDays(30), "phone:q-phone-1")
        println("quote ${quote.id}: ${quote.total.amount} ${quote.total.currency}, ${quote.status}")
        try {
            val outcome = engine.submit("li", DocumentKind.QUOTE, quote.id, "phone:submit:q-phone-1")
            println("submitted: waiting for the ${outcome.currentRole?.name?.lowercase()}")
        } catch (e: KisException.InvalidState) {
            println("already submitted: ${e.message}")
        }
        // The manager's phone shows the inbox.
        for (item in engine.inbox("meng")) println("meng's inbox: ${item.kind} ${item.id} from ${item.submitter}: ${item.summary}")
    }
}
