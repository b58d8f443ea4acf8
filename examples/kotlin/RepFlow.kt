// A rep's day on the phone, as a mobile developer would write it with kis: the phone
// holds a replica of what the rep may see, works offline, and syncs with the company's
// engine. Here both run in one process, each on its own SQLite file; in an app the
// phone carries `replica.push()` to the company's kis-server over HTTPS and the reply back.
// It uses org.kis.api.KisApi, the typed API generated from kis-core's declaration, on the
// server's engine and on the phone's replica alike.
// Build: see the README ("Kotlin: first five minutes"); run with the policy file and two
// database paths: RepFlowKt <policy.toml> <server.db> <phone.db>
import org.kis.KisEngine
import org.kis.KisException
import org.kis.KisReplica
import org.kis.api.KisApi
import org.kis.api.LineRequest
import org.kis.api.Money
import org.kis.api.Product
import org.kis.api.approve
import org.kis.api.bootstrapAdmin
import java.io.File
import java.math.BigDecimal
import java.time.LocalDate

fun main(args: Array<String>) {
    val policy = File(args[0]).readText()
    KisEngine.open(args[1], policy).use { serverEngine ->
        val server = KisApi(serverEngine)
        // Set-up an ERP backend would normally have done; the keys make a rerun a no-op.
        try {
            server.bootstrapAdmin("admin", "Ada Admin")
        } catch (e: KisException.NotAuthorized) {
            // Not an empty store: the administrator exists already.
        }
        server.addUser("admin", "meng", "Meng Li", "manager", idempotencyKey = "setup:meng")
        server.addTeam("admin", "east", "Team East", "meng", idempotencyKey = "setup:east")
        server.addUser("admin", "li", "Li Na", "rep", team = "east", idempotencyKey = "setup:li")
        server.addUser("admin", "dong", "Dong Wei", "director", idempotencyKey = "setup:dong")
        val cny = { amount: String -> Money(BigDecimal(amount), "CNY") }
        server.putProduct("dong", Product("KIS-PRO", "KIS Professional", "software>erp", cny("12000"), cny("7000")),
            idempotencyKey = "setup:kis-pro")
        server.addCustomer("li", "C-HUA", "Huaxin Trading", "key-accounts", "li", idempotencyKey = "setup:c-hua")

        // The phone: seeded once from what li may see, opened as it is afterwards.
        val phoneDb = File(args[2])
        val replica = if (phoneDb.exists()) KisReplica.open(phoneDb.path)
                      else KisReplica.seed(phoneDb.path, serverEngine.snapshot("li"))
        replica.use {
            val phone = KisApi(replica)
            // Offline: the rep looks up the price (reps never set prices themselves, P4.1b)...
            val pro = phone.product("li", "KIS-PRO")
            println("KIS-PRO lists at ${pro.listPrice.amount} ${pro.listPrice.currency}")
            // ...makes the quote and submits it, provisionally, on the phone.
            try {
                val quote = phone.createQuote("li", "Q-PHONE-1", "C-HUA", listOf(LineRequest("KIS-PRO", BigDecimal("2"))),
                    LocalDate.now().plusDays(30))
                val total = quote.revisions.last().total
                println("offline quote ${quote.id}: ${total.amount} ${total.currency}")
                phone.submit("li", "quote", quote.id)
            } catch (e: KisException.AlreadyExists) {
                println("quote Q-PHONE-1 is on the phone already")
            }

            // Back online: the push runs on the company's engine, as li.
            replica.receive(serverEngine.serveSync("li", replica.push()))
            for (item in server.inbox("meng")) {
                println("meng's inbox: ${item.kind} ${item.id} from ${item.submitter}: ${item.summary}")
                server.approve("meng", item.kind, item.id, "ok")
            }
            // The next sync brings the manager's decision to the phone.
            replica.receive(serverEngine.serveSync("li", replica.push()))
            println("on the phone: quote Q-PHONE-1 is ${phone.quote("li", "Q-PHONE-1").status}")
        }
    }
}
