// The Kotlin test of kis-ffi: walks the admin, manager and rep flows on a local SQLite
// file and the error paths, on the JVM, through org.kis.api.KisApi (the typed API
// generated from kis-core's declaration). Exits non-zero on any failure.
import org.kis.*
import org.kis.api.*
import java.io.File
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate

var passed = 0
var failed = 0

fun check(name: String, body: () -> Unit) {
    try {
        body()
        passed++
        println("ok    $name")
    } catch (e: Throwable) {
        failed++
        println("FAIL  $name: $e")
    }
}

fun expect(cond: Boolean, what: String) {
    if (!cond) throw AssertionError(what)
}

inline fun <reified E : Throwable> expectThrows(body: () -> Unit): E {
    try {
        body()
    } catch (e: Throwable) {
        if (e is E) return e
        throw AssertionError("expected ${E::class.simpleName}, got $e")
    }
    throw AssertionError("expected ${E::class.simpleName}, nothing was thrown")
}

fun main(args: Array<String>) {
    val policy = File(args[0]).readText()
    val db = File.createTempFile("kis-kotlin", ".db").also { it.delete() }
    val clock = ManualClock(Instant.parse("2026-11-27T01:00:00Z"))
    val cny = { amount: String -> Money(BigDecimal(amount), "CNY") }

    KisEngine.openWithClock(db.path, policy, clock).use { engine ->
        val kis = KisApi(engine)
        check("open on SQLite with the policy") {
            expect(engine.backend() == "sqlite", engine.backend())
            expect(engine.policyHash() == validatePolicy(policy), "policy hash")
            expect(kis.today() == LocalDate.of(2026, 11, 27), "today ${kis.today()}")
        }
        check("admin sets up the organisation") {
            kis.bootstrapAdmin("admin", "Ada Admin")
            kis.addUser("admin", "dir", "Dong Director", "director")
            kis.addUser("admin", "m-east", "Meng East", "manager")
            kis.addTeam("admin", "east", "Team East", "m-east", director = "dir")
            val li = kis.addUser("admin", "li", "Li Rep", "rep", team = "east")
            expect(li.role == "rep" && li.team == "east", "$li")
            expect(li.createdAt == Instant.parse("2026-11-27T01:00:00Z"), "${li.createdAt}")
            expect(kis.teams("li").map { it.id } == listOf("east"), "teams")
        }
        check("a manager cannot add users: NotAuthorized with fields and a human message") {
            val e = expectThrows<KisException.NotAuthorized> { kis.addUser("m-east", "x", "X", "rep", team = "east") }
            expect(e.actor == "m-east", e.actor)
            expect(e.message == "m-east may not add users: requires role admin, but the user is manager", "${e.message}")
        }
        check("a rep without a team is refused, naming the field") {
            val e = expectThrows<KisException.InvalidInput> { kis.addUser("admin", "x", "X", "rep") }
            expect(e.field == "team", e.field)
            expect(e.message!!.startsWith("invalid team: a rep must belong to a team"), "${e.message}")
        }
        check("a retried command with its idempotency key returns the first result") {
            val first = kis.addUser("admin", "fin", "Fan Finance", "finance", idempotencyKey = "req-1")
            clock.advanceSeconds(60)
            val again = kis.addUser("admin", "fin", "Fan Finance", "finance", idempotencyKey = "req-1")
            expect(first == again, "$first / $again")
            val e = expectThrows<KisException.IdempotencyKeyReused> {
                kis.addUser("admin", "fin2", "Other", "finance", idempotencyKey = "req-1")
            }
            expect(e.key == "req-1", e.key)
        }
        check("the audit trail records who changed what") {
            kis.updateUser("admin", "li", name = "Li Na")
            val history = kis.auditTrail("admin", collection = "users", id = "li")
            expect(history.map { it.command } == listOf("org.add_user", "org.update_user"), "$history")
            expect(history.last().actor == "admin", history.last().actor)
            expect(Json.write(Json.enc(history.last().changes)).contains("\"Li Na\""), "${history.last().changes}")
            val report = kis.verifyAudit("admin")
            expect(report.intact && report.entries > 5, "$report")
            expectThrows<KisException.NotAuthorized> { kis.verifyAudit("li") }
        }
        check("the price system: the director sets prices, a rep cannot") {
            kis.addUser("admin", "wang", "Wang Rep", "rep", team = "east")
            kis.addUser("admin", "m-west", "Ma West", "manager")
            kis.addTeam("admin", "west", "Team West", "m-west", director = "dir")
            val pro = Product("KIS-PRO", "KIS Professional", "software>erp", cny("1000"), cny("600"))
            kis.putProduct("dir", pro)
            kis.putProduct("dir", Product("KIS-SEAT", "Seat", "software>seats", cny("100"), cny("40")))
            expectThrows<KisException.NotAuthorized> { kis.putProduct("li", pro) }
            expect(kis.product("li", "KIS-PRO").listPrice.amount.compareTo(BigDecimal("1000")) == 0, "list price")
            kis.addCustomer("li", "C-LI", "Customer Li", "retail", "li")
            kis.addCustomer("li", "C-KEY", "Key Co", "key-accounts", "li")
            expect(kis.customers("li").map { it.id } == listOf("C-KEY", "C-LI"), "li's customers")
            expect(kis.customers("wang").isEmpty(), "wang sees none of li's customers")
        }
        check("rep: a customer's price today, with the trace of every rule") {
            val p = kis.priceFor("li", "C-KEY", "KIS-PRO", BigDecimal("3"))
            expect(p.unitPrice.compareTo(BigDecimal("900")) == 0 && p.lineTotal == BigDecimal("2700.00"), "$p")
            expect(p.applied == listOf("key-accounts-10"), "${p.applied}")
            val outcomes = p.trace.associate { it.rule to it.outcome }
            expect(outcomes["volume-schedule"] == "outranked" && outcomes["double-eleven"] == "not_matched", "$outcomes")
            expectThrows<KisException.InvalidInput> { kis.priceFor("li", "C-KEY", "KIS-PRO", BigDecimal.ZERO) }
        }
        check("rep: quote, submit; manager: inbox, approve; rep: send") {
            val lines = listOf(LineRequest("KIS-PRO", BigDecimal("2")), LineRequest("KIS-SEAT", BigDecimal("5")))
            val q = kis.createQuote("li", "Q-1", "C-LI", lines, LocalDate.of(2026, 12, 31))
            expect(q.current.total.amount == BigDecimal("2500.00") && q.status == "draft", "${q.current.total} ${q.status}")
            expectThrows<KisException.InvalidState> { kis.sendQuote("li", "Q-1") }
            val out = kis.submit("li", "quote", "Q-1")
            expect(out.status == "pending" && out.currentRole == "manager", "$out")
            val inbox = kis.inbox("m-east")
            expect(inbox.map { it.id } == listOf("Q-1") && inbox[0].submitter == "li", "$inbox")
            expect(kis.inbox("m-west").isEmpty(), "another team's manager sees nothing")
            val approved = kis.approve("m-east", "quote", "Q-1", "ok")
            expect(approved.status == "approved", approved.status)
            val step = kis.quote("li", "Q-1").current.approval!!.steps[1].planned
            expect(!step.applies && step.reason == "skipped: total 2500.00 is not over 500000", step.reason)
            expect(kis.sendQuote("li", "Q-1").status == "sent", "sent")
        }
        check("the change feed: the manager's decision flows back to the rep, typed (#18)") {
            val events = mutableListOf<ChangeEvent>()
            var cursor = 0L
            do {
                val batch = kis.changesSince("li", after = cursor, limit = 7)
                events += batch.events
                cursor = batch.cursor
            } while (batch.more)
            val decided = events.last { it.collection == "quotes" && it.command == "approval.decide" }
            val quote = decided.document() as Quote
            expect(decided.actor == "m-east" && quote.id == "Q-1" && quote.status == "approved", "$decided")
            expect(kis.changesSince("m-west", limit = 1000).events.none { it.id == "Q-1" }, "another team's manager sees none of it")
            val e = expectThrows<KisException.InvalidInput> { kis.changesSince("li", after = cursor + 1) }
            expect(e.field == "after", e.field)
        }
        check("a refused self-approval and another team's manager") {
            kis.addCustomer("wang", "C-WANG", "Customer Wang", "retail", "wang")
            kis.createQuote("wang", "Q-2", "C-WANG", listOf(LineRequest("KIS-SEAT", BigDecimal.ONE)), LocalDate.of(2026, 12, 31))
            kis.submit("wang", "quote", "Q-2")
            val own = expectThrows<KisException.NotAuthorized> { kis.approve("wang", "quote", "Q-2") }
            expect(own.reason.contains("own document"), own.reason)
            val other = expectThrows<KisException.NotAuthorized> { kis.approve("m-west", "quote", "Q-2") }
            expect(other.reason.contains("team"), other.reason)
            val rejected = kis.reject("m-east", "quote", "Q-2", "wrong product")
            expect(rejected.status == "rejected", rejected.status)
        }
        check("a special price waits for its price exception: manager, then director") {
            kis.filePriceException("li", "PE-1", "C-LI", "KIS-PRO", BigDecimal("850"), BigDecimal("10"),
                LocalDate.of(2026, 11, 27), LocalDate.of(2027, 1, 31), "renewal of a key account")
            kis.createQuote("li", "Q-3", "C-LI", listOf(LineRequest("KIS-PRO", BigDecimal("4"), priceException = "PE-1", specialPrice = BigDecimal("850"))),
                LocalDate.of(2026, 12, 31))
            kis.submit("li", "quote", "Q-3")
            val blocked = expectThrows<KisException.InvalidState> { kis.approve("m-east", "quote", "Q-3") }
            expect(blocked.reason.contains("P4.1c"), blocked.reason)
            kis.submit("li", "price_exception", "PE-1")
            expectThrows<KisException.NotAuthorized> { kis.approve("dir", "price_exception", "PE-1") }
            kis.approve("m-east", "price_exception", "PE-1")
            kis.approve("dir", "price_exception", "PE-1")
            expect(kis.priceException("li", "PE-1").status == "approved", "exception approved")
            val q = kis.approve("m-east", "quote", "Q-3")
            expect(q.status == "approved", q.status)
            val line = kis.quote("li", "Q-3").current.lines[0]
            expect(line.unitPrice.compareTo(BigDecimal("850")) == 0 && line.discountPct == BigDecimal("15.00"), "$line")
        }
        check("a bad quantity from the app is InvalidInput naming the line") {
            val e = expectThrows<KisException.InvalidInput> {
                kis.createQuote("li", "Q-4", "C-LI", listOf(LineRequest("KIS-PRO", BigDecimal("1E+40"))), LocalDate.of(2026, 12, 31))
            }
            expect(e.field == "lines[0].quantity", e.field)
        }
        check("expenses: finance approves the budget; a claim past it is refused; a photo hash travels") {
            clock.set(Instant.parse("2026-11-20T01:00:00Z"))
            val id = kis.proposeBudget("m-east", 2026, "east", "travel", BigDecimal("1000")).id
            kis.submit("m-east", "budget", id)
            expectThrows<KisException.NotAuthorized> { kis.approve("dir", "budget", id) }
            kis.approve("fin", "budget", id)
            val day = LocalDate.of(2026, 11, 10)
            fun flight(n: String, amount: String) = ClaimLine("travel", day, BigDecimal(amount), "flight",
                receipt = Receipt("Air China", n, day, BigDecimal(amount), "ab".repeat(32)))
            kis.fileClaim("li", "EX-1", LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30), listOf(flight("K1", "700")))
            kis.submit("li", "expense_claim", "EX-1")
            kis.fileClaim("li", "EX-2", LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30), listOf(flight("K2", "400")))
            val refused = expectThrows<KisException.BudgetExceeded> { kis.submit("li", "expense_claim", "EX-2") }
            expect(refused.scope == "annual" && refused.consumed.compareTo(BigDecimal("700")) == 0 && refused.requested.compareTo(BigDecimal("400")) == 0, "$refused")
            expect(refused.message!!.startsWith("budget 2026:east:travel exceeded (annual)"), "${refused.message}")
            val status = kis.budgetStatus("m-east", 2026)[0]
            expect(status.consumed.compareTo(BigDecimal("700")) == 0 && status.remaining.compareTo(BigDecimal("300")) == 0, "$status")
            kis.approve("m-east", "expense_claim", "EX-1")
            kis.sanctionClaimLine("fin", "EX-1", 0, BigDecimal("650"), "economy fare")
            kis.approve("fin", "expense_claim", "EX-1")
            val paid = kis.markClaimPaid("fin", "EX-1")
            expect(paid.status == "paid" && paid.lines[0].receipt!!.fileSha256 == "ab".repeat(32), "$paid")
            expect(kis.budgetStatus("fin", 2026)[0].consumed.compareTo(BigDecimal("650")) == 0, "sanctioned amount counts")
        }
        check("a rep sees their own KPI scorecard, a manager their team's") {
            val mine = kis.scoreboard("li", 2026, 11)
            expect(mine.reps.map { it.rep } == listOf("li"), "${mine.reps.map { it.rep }}")
            val revenue = mine.reps[0].card.lines.first { it.metric == "revenue" }
            expect(revenue.note == "no target set: reported, not scored", "${revenue.note}")
            val team = kis.scoreboard("m-east", 2026, 11)
            expect(team.teams.any { it.team == "east" }, "${team.teams.map { it.team }}")
            expectThrows<KisException.InvalidInput> { kis.scoreboard("li", 2026, 13) }
        }
        check("customer care on the phone: log a visit, greetings, a complaint with its deadline") {
            kis.logVisit("li", "V-1", "C-LI", LocalDate.of(2026, 11, 20), "visit", "demo of the new release")
            expect(kis.revisitsDue("li").none { it.customer == "C-LI" }, "just visited")
            val greetings = kis.careCalendar("li", LocalDate.of(2026, 12, 25), LocalDate.of(2027, 1, 2))
            expect(greetings.any { it.customer == "C-LI" && it.occasion == "New Year" && it.date == LocalDate.of(2027, 1, 1) }, "$greetings")
            val c = kis.openComplaint("li", "CP-1", "C-LI", "phone", "high", "late delivery")
            expect(c.status == "open" && java.time.Duration.between(clock.now(), c.respondBy) == java.time.Duration.ofHours(4), "$c")
            val bad = expectThrows<KisException.InvalidInput> { kis.openComplaint("li", "CP-2", "C-LI", "phone", "urgent", "x") }
            expect(bad.field == "severity", bad.field)
        }
        check("leads: marketing hands one to a rep, who wins it as a customer") {
            kis.addUser("admin", "mkt", "Mei Marketing", "marketing")
            expectThrows<KisException.NotAuthorized> { kis.captureLead("li", "L-1", "Silk Works", "fair") }
            kis.captureLead("mkt", "L-1", "Silk Works", "fair", campaign = "autumn", region = "Hangzhou", assignTo = "li")
            kis.logLeadActivity("li", "L-1", "visit", "wants a demo")
            expect(kis.leads("li").map { it.id } == listOf("L-1"), "${kis.leads("li")}")
            val won = kis.convertLead("li", "L-1", "C-SILK", "retail")
            expect(won.owner == "li" && won.lead == "L-1", "$won")
            val lead = kis.leads("li")[0]
            expect(lead.status == "converted" && lead.activities.map { "${it.kind}: ${it.note}" } == listOf("visit: wants a demo"), "$lead")
            expectThrows<KisException.InvalidState> { kis.closeLead("li", "L-1", "late") }
        }
        check("the month's sales report: figures, and who may read it") {
            val r = kis.salesReport("m-east", 2026, 11, team = "east")
            expect(r.currency == "CNY" && r.preparedBy == "m-east", "$r")
            expect(r.completion.map { it.metric } == listOf("revenue", "profit", "new_customers"), "${r.completion}")
            expect(r.openComplaints.any { it.id == "CP-1" && it.severity == "high" }, "${r.openComplaints}")
            expectThrows<KisException.NotAuthorized> { kis.salesReport("li", 2026, 11) }
            expectThrows<KisException.NotAuthorized> { kis.salesReport("m-west", 2026, 11, team = "east") }
            expectThrows<KisException.InvalidInput> { kis.salesReport("dir", 2026, 11, team = "east", rep = "li") }
        }
        check("a rep's history over the months, and the director's roll-up") {
            val history = kis.repHistory("li", "li", 2026)
            expect(history.map { it.month } == (1L..11L).toList(), "${history.map { it.month }}")
            expectThrows<KisException.NotAuthorized> { kis.repHistory("wang", "li", 2026) }
            expect(kis.scoreboard("dir", 2026, 11).directors.isNotEmpty(), "director roll-up")
        }
        check("reader threads cap a large read without changing what it reads") {
            engine.setReaderThreads(1u)
            expect(engine.readerThreads() == 1u, "${engine.readerThreads()}")
            val onOne = kis.repHistory("li", "li", 2026)
            engine.setReaderThreads(0u)
            expect(engine.readerThreads() in 1u..8u, "${engine.readerThreads()}")
            expect(kis.repHistory("li", "li", 2026) == onOne, "same history on every core")
        }
        check("unknown records are NotFound") {
            val e = expectThrows<KisException.NotFound> { kis.user("admin", "nobody") }
            expect(e.kind == "user" && e.id == "nobody", "${e.kind} ${e.id}")
        }
        check("policy versions: install and find the one in force") {
            val v2 = policy.replace("revenue = \"0.35\", profit = \"0.25\"", "revenue = \"0.40\", profit = \"0.20\"")
            val version = kis.installPolicy("admin", v2, effectiveFrom = LocalDate.of(2027, 1, 1))
            expect(version.effectiveFrom == LocalDate.of(2027, 1, 1), "${version.effectiveFrom}")
            expect(kis.policyInForce(LocalDate.of(2027, 2, 1)) == version.hash, "in force 2027")
            expect(kis.policyInForce(LocalDate.of(2026, 12, 1)) != version.hash, "in force 2026")
            expect(kis.policyVersions("admin").size == 2, "versions")
        }
        check("audit anchors: kept outside the store, signed with the host's key") {
            val key = "host secret".toByteArray()
            val anchor = kis.auditAnchor(key)
            expect(anchor.mac != null && anchor.seq > 0, "$anchor")
            expect(kis.verifyAuditAgainst(anchor, key).intact, "anchored trail intact")
            expectThrows<KisException> { kis.verifyAuditAgainst(anchor, "another key".toByteArray()) }
        }
        check("a decimal Rust cannot hold is InvalidInput naming the field, never rounded") {
            val big = expectThrows<KisException.InvalidInput> { kis.priceFor("li", "C-LI", "KIS-PRO", BigDecimal("1E+40")) }
            expect(big.field == "quantity", big.field)
            // More places than kis holds: refused, never rounded to zero (#16).
            val tiny = expectThrows<KisException.InvalidInput> {
                kis.priceFor("li", "C-LI", "KIS-PRO", BigDecimal("0.00000000000000000000000000001"))
            }
            expect(tiny.field == "quantity", tiny.field)
            expect(roundAmount(policy, BigDecimal("0.125")) == BigDecimal("0.13"), "rounding half up")
        }
        check("a bad currency is InvalidInput naming the field") {
            val bad = expectThrows<KisException.InvalidInput> {
                kis.putProduct("dir", Product("KIS-X", "X", "software>erp", Money(BigDecimal.ONE, "yuan"), cny("1")))
            }
            expect(bad.field == "product.list_price.currency", bad.field)
        }
    }

    check("a bad policy lists its problems with key and line") {
        val bad = policy.replace("supervisor = \"0.10\"", "supervisor = \"0.20\"")
        val e = expectThrows<KisException.Policy> { validatePolicy(bad) }
        expect(e.problems.size == 1 && e.problems[0].key == "kpi.weights", "${e.problems}")
        val line = bad.lines().indexOfFirst { it.startsWith("weights = {") } + 1
        expect(e.problems[0].line == line.toUInt(), "line ${e.problems[0].line} != $line")
        expect(e.message!!.contains("weights sum to 1.10"), "${e.message}")
    }
    check("an unreadable location is a Store error") {
        val e = expectThrows<KisException.Store> { KisEngine.open("/nonexistent/dir/kis.db", policy) }
        expect(e.backend == "sqlite" && !e.retryable, "${e.backend} ${e.retryable}")
    }

    check("the same API on PostgreSQL: only the location changes") {
        val url = System.getenv("KIS_TEST_POSTGRES_URL")
        if (url == null) {
            if (System.getenv("KIS_SKIP_POSTGRES") != "1") throw AssertionError("KIS_TEST_POSTGRES_URL is not set: run scripts/test.sh")
            println("SKIPPED: PostgreSQL (KIS_SKIP_POSTGRES=1)")
        } else {
            KisEngine.open(url, policy).use { pg ->
                val kis = KisApi(pg)
                expect(pg.backend() == "postgres", pg.backend())
                expect(kis.verifyAuditAgainst(kis.auditAnchor()).intact, "audit chain intact")
                expectThrows<KisException.NotAuthorized> { kis.users("nobody-${System.nanoTime()}") }
            }
        }
    }

    db.delete()
    runScenarios(File(args[0]).absoluteFile.parentFile.parentFile)
    typedSample(File(args[0]).absoluteFile.parentFile.parentFile)
    runSync(File(args[0]))
    println("$passed passed, $failed failed")
    if (failed > 0) kotlin.system.exitProcess(1)
}
