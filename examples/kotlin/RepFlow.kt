// A rep's day on the phone, as a mobile developer would write it with kis: the phone
// holds a replica of what the rep may see, works offline, and syncs with the company.
// The company is either an engine in this process (each on its own SQLite file), or a
// kis-server over HTTP(S), reached with API tokens: the app code is the same.
// It uses org.kis.api.KisApi, the typed API generated from kis-core's declaration, on
// the company's engine, over HTTP, and on the phone's replica alike.
// Build: see the README ("Kotlin: first five minutes"). Run with the policy file, the
// company, and the phone's database:
//   RepFlowKt <policy.toml> <server.db> <phone.db>               (in process)
//   RepFlowKt <policy.toml> <http://host:port> <phone.db> <admin token>   (kis-server)
import org.kis.KisEngine
import org.kis.KisException
import org.kis.KisReplica
import org.kis.api.KisApi
import org.kis.api.KisHttp
import org.kis.api.LineRequest
import org.kis.api.Money
import org.kis.api.Product
import org.kis.api.approve
import org.kis.api.bootstrapAdmin
import java.io.File
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import java.time.temporal.ChronoUnit

/** Where the company's kis is, as the phone and the back office see it. */
interface Company : AutoCloseable {
    /** The typed API acting as [user]. */
    fun api(user: String): KisApi
    /** A snapshot of what [user] may see, to seed their phone. */
    fun snapshot(user: String): ByteArray
    /** One sync round trip for [user]'s phone. */
    fun sync(user: String, push: ByteArray): ByteArray
}

/** The company's engine in this process (a back office that embeds kis). */
class InProcess(path: String, policy: String) : Company {
    private val engine = KisEngine.open(path, policy)
    private val api = KisApi(engine)
    init {
        try {
            api.bootstrapAdmin("admin", "Ada Admin")
        } catch (e: KisException.NotAuthorized) {
            // Not an empty store: the administrator exists already.
        }
    }
    override fun api(user: String) = api
    override fun snapshot(user: String) = engine.snapshot(user)
    override fun sync(user: String, push: ByteArray) = engine.serveSync(user, push)
    override fun close() = engine.close()
}

/** The company's kis-server: each user acts with their own API token. */
class OverHttp(private val url: String, adminToken: String) : Company {
    private val connections = mutableMapOf("admin" to KisHttp(url, adminToken))
    private fun connection(user: String) = connections.getOrPut(user) {
        // An admin issues each user's token (stored hashed by the server, shown once).
        val admin = connections.getValue("admin")
        val issued = admin.api.issueApiToken("admin", user, "RepFlow $user", Instant.now().plus(1, ChronoUnit.DAYS))
        KisHttp(url, issued.token)
    }
    override fun api(user: String) = connection(user).api
    override fun snapshot(user: String) = connection(user).snapshot()
    override fun sync(user: String, push: ByteArray) = connection(user).sync(push)
    override fun close() {}
}

fun main(args: Array<String>) {
    val company: Company = if (args[1].startsWith("http")) OverHttp(args[1], args[3])
                           else InProcess(args[1], File(args[0]).readText())
    company.use {
        // Set-up an ERP backend would normally have done; the keys make a rerun a no-op.
        val admin = company.api("admin")
        admin.addUser("admin", "meng", "Meng Li", "manager", idempotencyKey = "setup:meng")
        admin.addTeam("admin", "east", "Team East", "meng", idempotencyKey = "setup:east")
        admin.addUser("admin", "li", "Li Na", "rep", team = "east", idempotencyKey = "setup:li")
        admin.addUser("admin", "dong", "Dong Wei", "director", idempotencyKey = "setup:dong")
        val cny = { amount: String -> Money(BigDecimal(amount), "CNY") }
        company.api("dong").putProduct("dong", Product("KIS-PRO", "KIS Professional", "software>erp", cny("12000"), cny("7000")),
            idempotencyKey = "setup:kis-pro")
        company.api("li").addCustomer("li", "C-HUA", "Huaxin Trading", "key-accounts", "li", idempotencyKey = "setup:c-hua")

        // The phone: seeded once from what li may see, opened as it is afterwards.
        val phoneDb = File(args[2])
        val replica = if (phoneDb.exists()) KisReplica.open(phoneDb.path)
                      else KisReplica.seed(phoneDb.path, company.snapshot("li"))
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
            replica.receive(company.sync("li", replica.push()))
            val meng = company.api("meng")
            for (item in meng.inbox("meng")) {
                println("meng's inbox: ${item.kind} ${item.id} from ${item.submitter}: ${item.summary}")
                meng.approve("meng", item.kind, item.id, "ok")
            }
            // The next sync brings the manager's decision to the phone.
            replica.receive(company.sync("li", replica.push()))
            println("on the phone: quote Q-PHONE-1 is ${phone.quote("li", "Q-PHONE-1").status}")
            // Over HTTP, a rep acting beyond their role gets the domain's NotAuthorized.
            try {
                company.api("li").addUser("li", "x", "X", "admin")
            } catch (e: KisException.NotAuthorized) {
                println("li may not add users: ${e.reason}")
            }
        }
    }
}
