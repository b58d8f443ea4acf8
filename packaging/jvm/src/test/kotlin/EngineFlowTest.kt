// kis-jvm's JUnit 5 tests (#20; were kis-ffi/tests/kotlin/Main.kt): the admin, manager
// and rep flows on a local SQLite file and the error paths, on the JVM, through
// org.kis.api.KisApi (the typed API generated from kis-core's declaration), against the
// native library inside this artifact. One engine walks the regulation in order (P1..P9):
// each step builds on the one before, as a company's day does.
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.MethodOrderer
import org.junit.jupiter.api.Order
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.TestMethodOrder
import org.junit.jupiter.api.assertThrows
import org.kis.*
import org.kis.api.*
import java.io.File
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation::class)
class EngineFlowTest {
    private val policy = Repo.policy()
    private val db = File.createTempFile("kis-kotlin", ".db").also { it.delete() }
    private val clock = ManualClock(Instant.parse("2026-11-27T01:00:00Z"))
    private val cny = { amount: String -> Money(BigDecimal(amount), "CNY") }
    private val engine = KisEngine.openWithClock(db.path, policy, clock)
    private val kis = KisApi(engine)

    @AfterAll
    fun close() {
        engine.close()
        db.delete()
    }

    @Test @Order(1)
    fun `open on SQLite with the policy`() {
        assertTrue(engine.backend() == "sqlite", engine.backend())
        assertTrue(engine.policyHash() == validatePolicy(policy), "policy hash")
        assertTrue(kis.today() == LocalDate.of(2026, 11, 27), "today ${kis.today()}")
    }

    @Test @Order(2)
    fun `admin sets up the organisation`() {
        kis.bootstrapAdmin("admin", "Ada Admin")
        kis.addUser("admin", "dir", "Dong Director", "director")
        kis.addUser("admin", "m-east", "Meng East", "manager")
        kis.addTeam("admin", "east", "Team East", "m-east", director = "dir")
        val li = kis.addUser("admin", "li", "Li Rep", "rep", team = "east")
        assertTrue(li.role == "rep" && li.team == "east", "$li")
        assertTrue(li.createdAt == Instant.parse("2026-11-27T01:00:00Z"), "${li.createdAt}")
        assertTrue(kis.teams("li").map { it.id } == listOf("east"), "teams")
    }

    @Test @Order(3)
    fun `a manager cannot add users - NotAuthorized with fields and a human message`() {
        val e = assertThrows<KisException.NotAuthorized> { kis.addUser("m-east", "x", "X", "rep", team = "east") }
        assertTrue(e.actor == "m-east", e.actor)
        assertTrue(e.message == "m-east may not add users: requires role admin, but the user is manager", "${e.message}")
    }

    @Test @Order(4)
    fun `a rep without a team is refused, naming the field`() {
        val e = assertThrows<KisException.InvalidInput> { kis.addUser("admin", "x", "X", "rep") }
        assertTrue(e.field == "team", e.field)
        assertTrue(e.message!!.startsWith("invalid team: a rep must belong to a team"), "${e.message}")
    }

    @Test @Order(5)
    fun `a retried command with its idempotency key returns the first result`() {
        val first = kis.addUser("admin", "fin", "Fan Finance", "finance", idempotencyKey = "req-1")
        clock.advanceSeconds(60)
        val again = kis.addUser("admin", "fin", "Fan Finance", "finance", idempotencyKey = "req-1")
        assertTrue(first == again, "$first / $again")
        val e = assertThrows<KisException.IdempotencyKeyReused> {
            kis.addUser("admin", "fin2", "Other", "finance", idempotencyKey = "req-1")
        }
        assertTrue(e.key == "req-1", e.key)
    }

    @Test @Order(6)
    fun `the audit trail records who changed what`() {
        kis.updateUser("admin", "li", name = "Li Na")
        val history = kis.auditTrail("admin", collection = "users", id = "li")
        assertTrue(history.map { it.command } == listOf("org.add_user", "org.update_user"), "$history")
        assertTrue(history.last().actor == "admin", history.last().actor)
        assertTrue(Json.write(Json.enc(history.last().changes)).contains("\"Li Na\""), "${history.last().changes}")
        val report = kis.verifyAudit("admin")
        assertTrue(report.intact && report.entries > 5, "$report")
        assertThrows<KisException.NotAuthorized> { kis.verifyAudit("li") }
    }

    @Test @Order(7)
    fun `the price system - the director sets prices, a rep cannot`() {
        kis.addUser("admin", "wang", "Wang Rep", "rep", team = "east")
        kis.addUser("admin", "m-west", "Ma West", "manager")
        kis.addTeam("admin", "west", "Team West", "m-west", director = "dir")
        val pro = Product("KIS-PRO", "KIS Professional", "software>erp", cny("1000"), cny("600"))
        kis.putProduct("dir", pro)
        kis.putProduct("dir", Product("KIS-SEAT", "Seat", "software>seats", cny("100"), cny("40")))
        assertThrows<KisException.NotAuthorized> { kis.putProduct("li", pro) }
        assertTrue(kis.product("li", "KIS-PRO").listPrice.amount.compareTo(BigDecimal("1000")) == 0, "list price")
        kis.addCustomer("li", "C-LI", "Customer Li", "retail", "li")
        kis.addCustomer("li", "C-KEY", "Key Co", "key-accounts", "li")
        assertTrue(kis.customers("li").map { it.id } == listOf("C-KEY", "C-LI"), "li's customers")
        assertTrue(kis.customers("wang").isEmpty(), "wang sees none of li's customers")
    }

    @Test @Order(8)
    fun `rep - a customer's price today, with the trace of every rule`() {
        val p = kis.priceFor("li", "C-KEY", "KIS-PRO", BigDecimal("3"))
        assertTrue(p.unitPrice.compareTo(BigDecimal("900")) == 0 && p.lineTotal == BigDecimal("2700.00"), "$p")
        assertTrue(p.applied == listOf("key-accounts-10"), "${p.applied}")
        val outcomes = p.trace.associate { it.rule to it.outcome }
        assertTrue(outcomes["volume-schedule"] == "outranked" && outcomes["double-eleven"] == "not_matched", "$outcomes")
        assertThrows<KisException.InvalidInput> { kis.priceFor("li", "C-KEY", "KIS-PRO", BigDecimal.ZERO) }
    }

    @Test @Order(9)
    fun `rep - quote, submit, manager - inbox, approve, rep - send`() {
        val lines = listOf(LineRequest("KIS-PRO", BigDecimal("2")), LineRequest("KIS-SEAT", BigDecimal("5")))
        val q = kis.createQuote("li", "Q-1", "C-LI", lines, LocalDate.of(2026, 12, 31))
        assertTrue(q.current.total.amount == BigDecimal("2500.00") && q.status == "draft", "${q.current.total} ${q.status}")
        assertThrows<KisException.InvalidState> { kis.sendQuote("li", "Q-1") }
        val out = kis.submit("li", "quote", "Q-1")
        assertTrue(out.status == "pending" && out.currentRole == "manager", "$out")
        val inbox = kis.inbox("m-east")
        assertTrue(inbox.map { it.id } == listOf("Q-1") && inbox[0].submitter == "li", "$inbox")
        assertTrue(kis.inbox("m-west").isEmpty(), "another team's manager sees nothing")
        val approved = kis.approve("m-east", "quote", "Q-1", "ok")
        assertTrue(approved.status == "approved", approved.status)
        val step = kis.quote("li", "Q-1").current.approval!!.steps[1].planned
        assertTrue(!step.applies && step.reason == "skipped: total 2500.00 is not over 500000", step.reason)
        assertTrue(kis.sendQuote("li", "Q-1").status == "sent", "sent")
    }

    @Test @Order(10)
    fun `the change feed - the manager's decision flows back to the rep, typed (#18)`() {
        val events = mutableListOf<ChangeEvent>()
        var cursor = 0L
        do {
            val batch = kis.changesSince("li", after = cursor, limit = 7)
            events += batch.events
            cursor = batch.cursor
        } while (batch.more)
        val decided = events.last { it.collection == "quotes" && it.command == "approval.decide" }
        val quote = decided.document() as Quote
        assertTrue(decided.actor == "m-east" && quote.id == "Q-1" && quote.status == "approved", "$decided")
        assertTrue(kis.changesSince("m-west", limit = 1000).events.none { it.id == "Q-1" }, "another team's manager sees none of it")
        val e = assertThrows<KisException.InvalidInput> { kis.changesSince("li", after = cursor + 1) }
        assertTrue(e.field == "after", e.field)
    }

    @Test @Order(11)
    fun `a refused self-approval and another team's manager`() {
        kis.addCustomer("wang", "C-WANG", "Customer Wang", "retail", "wang")
        kis.createQuote("wang", "Q-2", "C-WANG", listOf(LineRequest("KIS-SEAT", BigDecimal.ONE)), LocalDate.of(2026, 12, 31))
        kis.submit("wang", "quote", "Q-2")
        val own = assertThrows<KisException.NotAuthorized> { kis.approve("wang", "quote", "Q-2") }
        assertTrue(own.reason.contains("own document"), own.reason)
        val other = assertThrows<KisException.NotAuthorized> { kis.approve("m-west", "quote", "Q-2") }
        assertTrue(other.reason.contains("team"), other.reason)
        val rejected = kis.reject("m-east", "quote", "Q-2", "wrong product")
        assertTrue(rejected.status == "rejected", rejected.status)
    }

    @Test @Order(12)
    fun `a special price waits for its price exception - manager, then director`() {
        kis.filePriceException("li", "PE-1", "C-LI", "KIS-PRO", BigDecimal("850"), BigDecimal("10"),
            LocalDate.of(2026, 11, 27), LocalDate.of(2027, 1, 31), "renewal of a key account")
        kis.createQuote("li", "Q-3", "C-LI", listOf(LineRequest("KIS-PRO", BigDecimal("4"), priceException = "PE-1", specialPrice = BigDecimal("850"))),
            LocalDate.of(2026, 12, 31))
        kis.submit("li", "quote", "Q-3")
        val blocked = assertThrows<KisException.InvalidState> { kis.approve("m-east", "quote", "Q-3") }
        assertTrue(blocked.reason.contains("P4.1c"), blocked.reason)
        kis.submit("li", "price_exception", "PE-1")
        assertThrows<KisException.NotAuthorized> { kis.approve("dir", "price_exception", "PE-1") }
        kis.approve("m-east", "price_exception", "PE-1")
        kis.approve("dir", "price_exception", "PE-1")
        assertTrue(kis.priceException("li", "PE-1").status == "approved", "exception approved")
        val q = kis.approve("m-east", "quote", "Q-3")
        assertTrue(q.status == "approved", q.status)
        val line = kis.quote("li", "Q-3").current.lines[0]
        assertTrue(line.unitPrice.compareTo(BigDecimal("850")) == 0 && line.discountPct == BigDecimal("15.00"), "$line")
    }

    @Test @Order(13)
    fun `a bad quantity from the app is InvalidInput naming the line`() {
        val e = assertThrows<KisException.InvalidInput> {
            kis.createQuote("li", "Q-4", "C-LI", listOf(LineRequest("KIS-PRO", BigDecimal("1E+40"))), LocalDate.of(2026, 12, 31))
        }
        assertTrue(e.field == "lines[0].quantity", e.field)
    }

    @Test @Order(14)
    fun `expenses - finance approves the budget, a claim past it is refused, a photo hash travels`() {
        clock.set(Instant.parse("2026-11-20T01:00:00Z"))
        val id = kis.proposeBudget("m-east", 2026, "east", "travel", BigDecimal("1000")).id
        kis.submit("m-east", "budget", id)
        assertThrows<KisException.NotAuthorized> { kis.approve("dir", "budget", id) }
        kis.approve("fin", "budget", id)
        val day = LocalDate.of(2026, 11, 10)
        fun flight(n: String, amount: String) = ClaimLine("travel", day, BigDecimal(amount), "flight",
            receipt = Receipt("Air China", n, day, BigDecimal(amount), "ab".repeat(32)))
        kis.fileClaim("li", "EX-1", LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30), listOf(flight("K1", "700")))
        kis.submit("li", "expense_claim", "EX-1")
        kis.fileClaim("li", "EX-2", LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30), listOf(flight("K2", "400")))
        val refused = assertThrows<KisException.BudgetExceeded> { kis.submit("li", "expense_claim", "EX-2") }
        assertTrue(refused.scope == "annual" && refused.consumed.compareTo(BigDecimal("700")) == 0 && refused.requested.compareTo(BigDecimal("400")) == 0, "$refused")
        assertTrue(refused.message!!.startsWith("budget 2026:east:travel exceeded (annual)"), "${refused.message}")
        val status = kis.budgetStatus("m-east", 2026)[0]
        assertTrue(status.consumed.compareTo(BigDecimal("700")) == 0 && status.remaining.compareTo(BigDecimal("300")) == 0, "$status")
        kis.approve("m-east", "expense_claim", "EX-1")
        kis.sanctionClaimLine("fin", "EX-1", 0, BigDecimal("650"), "economy fare")
        kis.approve("fin", "expense_claim", "EX-1")
        val paid = kis.markClaimPaid("fin", "EX-1")
        assertTrue(paid.status == "paid" && paid.lines[0].receipt!!.fileSha256 == "ab".repeat(32), "$paid")
        assertTrue(kis.budgetStatus("fin", 2026)[0].consumed.compareTo(BigDecimal("650")) == 0, "sanctioned amount counts")
    }

    @Test @Order(15)
    fun `a rep sees their own KPI scorecard, a manager their team's`() {
        val mine = kis.scoreboard("li", 2026, 11)
        assertTrue(mine.reps.map { it.rep } == listOf("li"), "${mine.reps.map { it.rep }}")
        val revenue = mine.reps[0].card.lines.first { it.metric == "revenue" }
        assertTrue(revenue.note == "no target set: reported, not scored", "${revenue.note}")
        val team = kis.scoreboard("m-east", 2026, 11)
        assertTrue(team.teams.any { it.team == "east" }, "${team.teams.map { it.team }}")
        assertThrows<KisException.InvalidInput> { kis.scoreboard("li", 2026, 13) }
    }

    @Test @Order(16)
    fun `customer care on the phone - log a visit, greetings, a complaint with its deadline`() {
        kis.logVisit("li", "V-1", "C-LI", LocalDate.of(2026, 11, 20), "visit", "demo of the new release")
        assertTrue(kis.revisitsDue("li").none { it.customer == "C-LI" }, "just visited")
        val greetings = kis.careCalendar("li", LocalDate.of(2026, 12, 25), LocalDate.of(2027, 1, 2))
        assertTrue(greetings.any { it.customer == "C-LI" && it.occasion == "New Year" && it.date == LocalDate.of(2027, 1, 1) }, "$greetings")
        val c = kis.openComplaint("li", "CP-1", "C-LI", "phone", "high", "late delivery")
        assertTrue(c.status == "open" && java.time.Duration.between(clock.now(), c.respondBy) == java.time.Duration.ofHours(4), "$c")
        val bad = assertThrows<KisException.InvalidInput> { kis.openComplaint("li", "CP-2", "C-LI", "phone", "urgent", "x") }
        assertTrue(bad.field == "severity", bad.field)
    }

    @Test @Order(17)
    fun `leads - marketing hands one to a rep, who wins it as a customer`() {
        kis.addUser("admin", "mkt", "Mei Marketing", "marketing")
        assertThrows<KisException.NotAuthorized> { kis.captureLead("li", "L-1", "Silk Works", "fair") }
        kis.captureLead("mkt", "L-1", "Silk Works", "fair", campaign = "autumn", region = "Hangzhou", assignTo = "li")
        kis.logLeadActivity("li", "L-1", "visit", "wants a demo")
        assertTrue(kis.leads("li").map { it.id } == listOf("L-1"), "${kis.leads("li")}")
        val won = kis.convertLead("li", "L-1", "C-SILK", "retail")
        assertTrue(won.owner == "li" && won.lead == "L-1", "$won")
        val lead = kis.leads("li")[0]
        assertTrue(lead.status == "converted" && lead.activities.map { "${it.kind}: ${it.note}" } == listOf("visit: wants a demo"), "$lead")
        assertThrows<KisException.InvalidState> { kis.closeLead("li", "L-1", "late") }
    }

    @Test @Order(18)
    fun `the month's sales report - figures, and who may read it`() {
        val r = kis.salesReport("m-east", 2026, 11, team = "east")
        assertTrue(r.currency == "CNY" && r.preparedBy == "m-east", "$r")
        assertTrue(r.completion.map { it.metric } == listOf("revenue", "profit", "new_customers"), "${r.completion}")
        assertTrue(r.openComplaints.any { it.id == "CP-1" && it.severity == "high" }, "${r.openComplaints}")
        assertThrows<KisException.NotAuthorized> { kis.salesReport("li", 2026, 11) }
        assertThrows<KisException.NotAuthorized> { kis.salesReport("m-west", 2026, 11, team = "east") }
        assertThrows<KisException.InvalidInput> { kis.salesReport("dir", 2026, 11, team = "east", rep = "li") }
    }

    @Test @Order(19)
    fun `a rep's history over the months, and the director's roll-up`() {
        val history = kis.repHistory("li", "li", 2026)
        assertTrue(history.map { it.month } == (1L..11L).toList(), "${history.map { it.month }}")
        assertThrows<KisException.NotAuthorized> { kis.repHistory("wang", "li", 2026) }
        assertTrue(kis.scoreboard("dir", 2026, 11).directors.isNotEmpty(), "director roll-up")
    }

    @Test @Order(20)
    fun `reader threads cap a large read without changing what it reads`() {
        engine.setReaderThreads(1u)
        assertTrue(engine.readerThreads() == 1u, "${engine.readerThreads()}")
        val onOne = kis.repHistory("li", "li", 2026)
        engine.setReaderThreads(0u)
        assertTrue(engine.readerThreads() in 1u..8u, "${engine.readerThreads()}")
        assertTrue(kis.repHistory("li", "li", 2026) == onOne, "same history on every core")
    }

    @Test @Order(21)
    fun `unknown records are NotFound`() {
        val e = assertThrows<KisException.NotFound> { kis.user("admin", "nobody") }
        assertTrue(e.kind == "user" && e.id == "nobody", "${e.kind} ${e.id}")
    }

    @Test @Order(22)
    fun `policy versions - install and find the one in force`() {
        val v2 = policy.replace("revenue = \"0.35\", profit = \"0.25\"", "revenue = \"0.40\", profit = \"0.20\"")
        val version = kis.installPolicy("admin", v2, effectiveFrom = LocalDate.of(2027, 1, 1))
        assertTrue(version.effectiveFrom == LocalDate.of(2027, 1, 1), "${version.effectiveFrom}")
        assertTrue(kis.policyInForce(LocalDate.of(2027, 2, 1)) == version.hash, "in force 2027")
        assertTrue(kis.policyInForce(LocalDate.of(2026, 12, 1)) != version.hash, "in force 2026")
        assertTrue(kis.policyVersions("admin").size == 2, "versions")
    }

    @Test @Order(23)
    fun `audit anchors - kept outside the store, signed with the host's key`() {
        val key = "host secret".toByteArray()
        val anchor = kis.auditAnchor(key)
        assertTrue(anchor.mac != null && anchor.seq > 0, "$anchor")
        assertTrue(kis.verifyAuditAgainst(anchor, key).intact, "anchored trail intact")
        assertThrows<KisException> { kis.verifyAuditAgainst(anchor, "another key".toByteArray()) }
    }

    @Test @Order(24)
    fun `a decimal Rust cannot hold is InvalidInput naming the field, never rounded`() {
        val big = assertThrows<KisException.InvalidInput> { kis.priceFor("li", "C-LI", "KIS-PRO", BigDecimal("1E+40")) }
        assertTrue(big.field == "quantity", big.field)
        // More places than kis holds: refused, never rounded to zero (#16).
        val tiny = assertThrows<KisException.InvalidInput> {
            kis.priceFor("li", "C-LI", "KIS-PRO", BigDecimal("0.00000000000000000000000000001"))
        }
        assertTrue(tiny.field == "quantity", tiny.field)
        assertTrue(roundAmount(policy, BigDecimal("0.125")) == BigDecimal("0.13"), "rounding half up")
    }

    @Test @Order(25)
    fun `a bad currency is InvalidInput naming the field`() {
        val bad = assertThrows<KisException.InvalidInput> {
            kis.putProduct("dir", Product("KIS-X", "X", "software>erp", Money(BigDecimal.ONE, "yuan"), cny("1")))
        }
        assertTrue(bad.field == "product.list_price.currency", bad.field)
    }
}

/** What needs no engine of the flow: policy validation, stores that cannot open, PostgreSQL. */
class PolicyAndStoreTest {
    private val policy = Repo.policy()

    @Test
    fun `a bad policy lists its problems with key and line`() {
        val bad = policy.replace("supervisor = \"0.10\"", "supervisor = \"0.20\"")
        val e = assertThrows<KisException.Policy> { validatePolicy(bad) }
        assertTrue(e.problems.size == 1 && e.problems[0].key == "kpi.weights", "${e.problems}")
        val line = bad.lines().indexOfFirst { it.startsWith("weights = {") } + 1
        assertTrue(e.problems[0].line == line.toUInt(), "line ${e.problems[0].line} != $line")
        assertTrue(e.message!!.contains("weights sum to 1.10"), "${e.message}")
    }

    @Test
    fun `an unreadable location is a Store error`() {
        val e = assertThrows<KisException.Store> { KisEngine.open("/nonexistent/dir/kis.db", policy) }
        assertTrue(e.backend == "sqlite" && !e.retryable, "${e.backend} ${e.retryable}")
    }

    @Test
    fun `the same API on PostgreSQL - only the location changes`() {
        val url = System.getenv("KIS_TEST_POSTGRES_URL")
        if (url == null) {
            if (System.getenv("KIS_SKIP_POSTGRES") != "1") throw AssertionError("KIS_TEST_POSTGRES_URL is not set: run scripts/test.sh")
            assumeTrue(false, "PostgreSQL skipped (KIS_SKIP_POSTGRES=1)")
        } else {
            KisEngine.open(url, policy).use { pg ->
                val kis = KisApi(pg)
                assertTrue(pg.backend() == "postgres", pg.backend())
                assertTrue(kis.verifyAuditAgainst(kis.auditAnchor()).intact, "audit chain intact")
                assertThrows<KisException.NotAuthorized> { kis.users("nobody-${System.nanoTime()}") }
            }
        }
    }
}
