// The Kotlin test of kis-ffi: walks the admin, manager and rep flows on a local SQLite
// file and the error paths, on the JVM. Exits non-zero on any failure.
import org.kis.*
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

    KisEngine.openWithClock(db.path, policy, clock).use { engine ->
        check("open on SQLite with the policy") {
            expect(engine.backend() == "sqlite", engine.backend())
            expect(engine.policyHash() == validatePolicy(policy), "policy hash")
            expect(engine.today() == LocalDate.of(2026, 11, 27), "today ${engine.today()}")
        }
        check("admin sets up the organisation") {
            engine.bootstrapAdmin("admin", "Ada Admin")
            engine.addUser("admin", "dir", "Dong Director", Role.DIRECTOR, null, null)
            engine.addUser("admin", "m-east", "Meng East", Role.MANAGER, null, null)
            engine.addTeam("admin", "east", "Team East", "m-east", "dir", null)
            val li = engine.addUser("admin", "li", "Li Rep", Role.REP, "east", null)
            expect(li.role == Role.REP && li.team == "east", "$li")
            expect(li.createdAt == Instant.parse("2026-11-27T01:00:00Z"), "${li.createdAt}")
            expect(engine.teams("li").map { it.id } == listOf("east"), "teams")
        }
        check("a manager cannot add users: NotAuthorized with fields and a human message") {
            val e = expectThrows<KisException.NotAuthorized> {
                engine.addUser("m-east", "x", "X", Role.REP, "east", null)
            }
            expect(e.actor == "m-east", e.actor)
            expect(e.message == "m-east may not add users: requires role admin, but the user is manager", "${e.message}")
        }
        check("a rep without a team is refused, naming the field") {
            val e = expectThrows<KisException.InvalidInput> {
                engine.addUser("admin", "x", "X", Role.REP, null, null)
            }
            expect(e.field == "team", e.field)
            expect(e.message!!.startsWith("invalid team: a rep must belong to a team"), "${e.message}")
        }
        check("a retried command with its idempotency key returns the first result") {
            val first = engine.addUser("admin", "fin", "Fan Finance", Role.FINANCE, null, "req-1")
            clock.advanceSeconds(60)
            val again = engine.addUser("admin", "fin", "Fan Finance", Role.FINANCE, null, "req-1")
            expect(first == again, "$first / $again")
            val e = expectThrows<KisException.IdempotencyKeyReused> {
                engine.addUser("admin", "fin2", "Other", Role.FINANCE, null, "req-1")
            }
            expect(e.key == "req-1", e.key)
        }
        check("the audit trail records who changed what") {
            engine.updateUser("admin", "li", "Li Na", null, null, null, null)
            val history = engine.auditTrail("users", "li", 0uL)
            expect(history.map { it.command } == listOf("org.add_user", "org.update_user"), "$history")
            expect(history.last().actor == "admin", history.last().actor)
            expect(history.last().changesJson.contains("\"Li Na\""), history.last().changesJson)
            val report = engine.verifyAudit()
            expect(report.intact && report.entries > 5uL, "$report")
        }
        check("the price system: the director sets prices, a rep cannot") {
            engine.addUser("admin", "wang", "Wang Rep", Role.REP, "east", null)
            engine.addUser("admin", "m-west", "Ma West", Role.MANAGER, null, null)
            engine.addTeam("admin", "west", "Team West", "m-west", "dir", null)
            val pro = Product("KIS-PRO", "KIS Professional", "software>erp", Money(BigDecimal("1000"), "CNY"), Money(BigDecimal("600"), "CNY"))
            engine.putProduct("dir", pro, null)
            engine.putProduct("dir", Product("KIS-SEAT", "Seat", "software>seats", Money(BigDecimal("100"), "CNY"), Money(BigDecimal("40"), "CNY")), null)
            expectThrows<KisException.NotAuthorized> { engine.putProduct("li", pro, null) }
            expect(engine.product("li", "KIS-PRO").listPrice.amount.compareTo(BigDecimal("1000")) == 0, "list price")
            engine.addCustomer("li", Customer("C-LI", "Customer Li", "retail", "li"), null)
            engine.addCustomer("li", Customer("C-KEY", "Key Co", "key-accounts", "li"), null)
            expect(engine.customers("li").map { it.id } == listOf("C-KEY", "C-LI"), "li's customers")
            expect(engine.customers("wang").isEmpty(), "wang sees none of li's customers")
        }
        check("rep: a customer's price today, with the trace of every rule") {
            val p = engine.priceFor("li", "C-KEY", "KIS-PRO", BigDecimal("3"))
            expect(p.unitPrice.compareTo(BigDecimal("900")) == 0 && p.lineTotal == BigDecimal("2700.00"), "$p")
            expect(p.applied == listOf("key-accounts-10"), "${p.applied}")
            val outcomes = p.trace.associate { it.rule to it.outcome }
            expect(outcomes["volume-schedule"] == "outranked" && outcomes["double-eleven"] == "not_matched", "$outcomes")
            expectThrows<KisException.InvalidInput> { engine.priceFor("li", "C-KEY", "KIS-PRO", BigDecimal.ZERO) }
        }
        check("rep: quote, submit; manager: inbox, approve; rep: send") {
            val lines = listOf(LineRequest("KIS-PRO", BigDecimal("2"), null, null), LineRequest("KIS-SEAT", BigDecimal("5"), null, null))
            val q = engine.createQuote("li", "Q-1", "C-LI", lines, LocalDate.of(2026, 12, 31), null)
            expect(q.total.amount == BigDecimal("2500.00") && q.status == "draft", "${q.total} ${q.status}")
            expectThrows<KisException.InvalidState> { engine.sendQuote("li", "Q-1", null) }
            val out = engine.submit("li", DocumentKind.QUOTE, "Q-1", null)
            expect(out.status == "pending" && out.currentRole == Role.MANAGER, "$out")
            val inbox = engine.inbox("m-east")
            expect(inbox.map { it.id } == listOf("Q-1") && inbox[0].submitter == "li", "$inbox")
            expect(engine.inbox("m-west").isEmpty(), "another team's manager sees nothing")
            val approved = engine.approve("m-east", DocumentKind.QUOTE, "Q-1", "ok", null)
            expect(approved.status == "approved", approved.status)
            val review = engine.quote("li", "Q-1").review!!
            expect(review.steps[1].reason == "skipped: total 2500.00 is not over 500000", review.steps[1].reason)
            expect(engine.sendQuote("li", "Q-1", null).status == "sent", "sent")
        }
        check("a refused self-approval and another team's manager") {
            engine.createQuote("wang", "Q-2", "C-WANG".also {
                engine.addCustomer("wang", Customer(it, "Customer Wang", "retail", "wang"), null)
            }, listOf(LineRequest("KIS-SEAT", BigDecimal.ONE, null, null)), LocalDate.of(2026, 12, 31), null)
            engine.submit("wang", DocumentKind.QUOTE, "Q-2", null)
            val own = expectThrows<KisException.NotAuthorized> { engine.approve("wang", DocumentKind.QUOTE, "Q-2", null, null) }
            expect(own.reason.contains("own document"), own.reason)
            val other = expectThrows<KisException.NotAuthorized> { engine.approve("m-west", DocumentKind.QUOTE, "Q-2", null, null) }
            expect(other.reason.contains("team"), other.reason)
            val rejected = engine.reject("m-east", DocumentKind.QUOTE, "Q-2", "wrong product", null)
            expect(rejected.status == "rejected", rejected.status)
        }
        check("a special price waits for its price exception: manager, then director") {
            engine.filePriceException("li", "PE-1", "C-LI", "KIS-PRO", BigDecimal("850"), BigDecimal("10"),
                LocalDate.of(2026, 11, 27), LocalDate.of(2027, 1, 31), "renewal of a key account", null)
            engine.createQuote("li", "Q-3", "C-LI", listOf(LineRequest("KIS-PRO", BigDecimal("4"), BigDecimal("850"), "PE-1")), LocalDate.of(2026, 12, 31), null)
            engine.submit("li", DocumentKind.QUOTE, "Q-3", null)
            val blocked = expectThrows<KisException.InvalidState> { engine.approve("m-east", DocumentKind.QUOTE, "Q-3", null, null) }
            expect(blocked.reason.contains("P4.1c"), blocked.reason)
            engine.submit("li", DocumentKind.PRICE_EXCEPTION, "PE-1", null)
            expectThrows<KisException.NotAuthorized> { engine.approve("dir", DocumentKind.PRICE_EXCEPTION, "PE-1", null, null) }
            engine.approve("m-east", DocumentKind.PRICE_EXCEPTION, "PE-1", null, null)
            engine.approve("dir", DocumentKind.PRICE_EXCEPTION, "PE-1", null, null)
            expect(engine.priceException("li", "PE-1").status == "approved", "exception approved")
            val q = engine.approve("m-east", DocumentKind.QUOTE, "Q-3", null, null)
            expect(q.status == "approved", q.status)
            val line = engine.quote("li", "Q-3").lines[0]
            expect(line.unitPrice.compareTo(BigDecimal("850")) == 0 && line.discountPct == BigDecimal("15.00"), "$line")
        }
        check("a bad quantity from the app is InvalidInput naming the line") {
            val e = expectThrows<KisException.InvalidInput> {
                engine.createQuote("li", "Q-4", "C-LI", listOf(LineRequest("KIS-PRO", BigDecimal("1E+40"), null, null)), LocalDate.of(2026, 12, 31), null)
            }
            expect(e.field == "lines[0].quantity", e.field)
        }
        check("expenses: finance approves the budget; a claim past it is refused; a photo hash travels") {
            clock.set(Instant.parse("2026-11-20T01:00:00Z"))
            val id = engine.proposeBudget("m-east", 2026, "east", "travel", BigDecimal("1000"), null, null, null)
            engine.submit("m-east", DocumentKind.BUDGET, id, null)
            expectThrows<KisException.NotAuthorized> { engine.approve("dir", DocumentKind.BUDGET, id, null, null) }
            engine.approve("fin", DocumentKind.BUDGET, id, null, null)
            val day = LocalDate.of(2026, 11, 10)
            fun flight(n: String, amount: String) = ClaimLine("travel", day, BigDecimal(amount), "flight",
                Receipt("Air China", n, day, BigDecimal(amount), "ab".repeat(32)), null, null)
            engine.fileClaim("li", "EX-1", LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30), listOf(flight("K1", "700")), null)
            engine.submit("li", DocumentKind.EXPENSE_CLAIM, "EX-1", null)
            engine.fileClaim("li", "EX-2", LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30), listOf(flight("K2", "400")), null)
            val refused = expectThrows<KisException.BudgetExceeded> { engine.submit("li", DocumentKind.EXPENSE_CLAIM, "EX-2", null) }
            expect(refused.scope == "annual" && refused.consumed.compareTo(BigDecimal("700")) == 0 && refused.requested.compareTo(BigDecimal("400")) == 0, "$refused")
            expect(refused.message!!.startsWith("budget 2026:east:travel exceeded (annual)"), "${refused.message}")
            val status = engine.budgetStatus("m-east", 2026)[0]
            expect(status.consumed.compareTo(BigDecimal("700")) == 0 && status.remaining.compareTo(BigDecimal("300")) == 0, "$status")
            engine.approve("m-east", DocumentKind.EXPENSE_CLAIM, "EX-1", null, null)
            engine.sanctionClaimLine("fin", "EX-1", 0u, BigDecimal("650"), "economy fare", null)
            engine.approve("fin", DocumentKind.EXPENSE_CLAIM, "EX-1", null, null)
            val paid = engine.markClaimPaid("fin", "EX-1", null)
            expect(paid.status == "paid" && paid.lines[0].receipt!!.fileSha256 == "ab".repeat(32), "$paid")
            expect(engine.budgetStatus("fin", 2026)[0].consumed.compareTo(BigDecimal("650")) == 0, "sanctioned amount counts")
        }
        check("a rep sees their own KPI scorecard, a manager their team's") {
            val mine = engine.scoreboard("li", 2026, 11u)
            expect(mine.map { it.id } == listOf("li"), "${mine.map { it.id }}")
            val revenue = mine[0].lines.first { it.metric == "revenue" }
            expect(revenue.note == "no target set: reported, not scored", "${revenue.note}")
            val team = engine.scoreboard("m-east", 2026, 11u)
            expect(team.any { it.kind == "team" && it.id == "east" }, "${team.map { it.id }}")
            expectThrows<KisException.InvalidInput> { engine.scoreboard("li", 2026, 13u) }
        }
        check("customer care on the phone: log a visit, greetings, a complaint with its deadline") {
            engine.logVisit("li", "V-1", "C-LI", LocalDate.of(2026, 11, 20), false, "demo of the new release", null)
            expect(engine.revisitsDue("li").none { it.customer == "C-LI" }, "just visited")
            val greetings = engine.careCalendar("li", LocalDate.of(2026, 12, 25), LocalDate.of(2027, 1, 2))
            expect(greetings.any { it.customer == "C-LI" && it.occasion == "New Year" && it.date == LocalDate.of(2027, 1, 1) }, "$greetings")
            val c = engine.openComplaint("li", "CP-1", "C-LI", "phone", "high", "late delivery", null)
            expect(c.status == "open" && java.time.Duration.between(clock.now(), c.respondBy) == java.time.Duration.ofHours(4), "$c")
            val bad = expectThrows<KisException.InvalidInput> { engine.openComplaint("li", "CP-2", "C-LI", "phone", "urgent", "x", null) }
            expect(bad.field == "severity", bad.field)
        }
        check("leads: marketing hands one to a rep, who wins it as a customer") {
            engine.addUser("admin", "mkt", "Mei Marketing", Role.MARKETING, null, null)
            expectThrows<KisException.NotAuthorized> { engine.captureLead("li", "L-1", "Silk Works", "fair", null, null, null, null, null) }
            engine.captureLead("mkt", "L-1", "Silk Works", "fair", "autumn", "Hangzhou", null, "li", null)
            engine.logLeadActivity("li", "L-1", "visit", "wants a demo", null)
            expect(engine.leads("li").map { it.id } == listOf("L-1"), "${engine.leads("li")}")
            val won = engine.convertLead("li", "L-1", "C-SILK", "retail", null)
            expect(won.owner == "li" && won.lead == "L-1", "$won")
            val lead = engine.leads("li")[0]
            expect(lead.status == "converted" && lead.activities == listOf("visit: wants a demo"), "$lead")
            expectThrows<KisException.InvalidState> { engine.closeLead("li", "L-1", "late", null) }
        }
        check("the month's sales report: figures, Markdown, and who may read it") {
            val r = engine.salesReport("m-east", 2026, 11u, "east", null)
            expect(r.period == "2026-11" && r.scope == "team east" && r.currency == "CNY", "$r")
            expect(r.markdown.startsWith("# Sales report: team east, 2026-11"), r.markdown.take(80))
            expect(r.completion.map { it.metric } == listOf("revenue", "profit", "new_customers"), "${r.completion}")
            expect(r.openComplaints.any { it.startsWith("CP-1 (high") }, "${r.openComplaints}")
            expectThrows<KisException.NotAuthorized> { engine.salesReport("li", 2026, 11u, null, null) }
            expectThrows<KisException.NotAuthorized> { engine.salesReport("m-west", 2026, 11u, "east", null) }
            expectThrows<KisException.InvalidInput> { engine.salesReport("dir", 2026, 11u, "east", "li") }
        }
        check("a rep's history over the months, and the director's roll-up") {
            val history = engine.repHistory("li", "li", 2026)
            expect(history.map { it.month } == (1u..11u).toList(), "${history.map { it.month }}")
            expectThrows<KisException.NotAuthorized> { engine.repHistory("wang", "li", 2026) }
            expect(engine.scoreboard("dir", 2026, 11u).any { it.kind == "director" && it.id == "dir" }, "director roll-up")
        }
        check("reader threads cap a large read without changing what it reads") {
            engine.setReaderThreads(1u)
            expect(engine.readerThreads() == 1u, "${engine.readerThreads()}")
            val onOne = engine.repHistory("li", "li", 2026)
            engine.setReaderThreads(0u)
            expect(engine.readerThreads() in 1u..8u, "${engine.readerThreads()}")
            expect(engine.repHistory("li", "li", 2026) == onOne, "same history on every core")
        }
        check("unknown records are NotFound") {
            val e = expectThrows<KisException.NotFound> { engine.user("admin", "nobody") }
            expect(e.kind == "user" && e.id == "nobody", "${e.kind} ${e.id}")
        }
        check("policy versions: install and find the one in force") {
            val v2 = policy.replace("revenue = \"0.35\", profit = \"0.25\"", "revenue = \"0.40\", profit = \"0.20\"")
            val version = engine.installPolicy("admin", v2, LocalDate.of(2027, 1, 1))
            expect(version.effectiveFrom == LocalDate.of(2027, 1, 1), "${version.effectiveFrom}")
            expect(engine.policyInForce(LocalDate.of(2027, 2, 1)) == version.hash, "in force 2027")
            expect(engine.policyInForce(LocalDate.of(2026, 12, 1)) != version.hash, "in force 2026")
            expect(engine.policyVersions().size == 2, "versions")
        }
    }

    check("money is exact and BigDecimal crosses without loss") {
        val sum = addMoney(Money(BigDecimal("0.10"), "CNY"), Money(BigDecimal("0.20"), "CNY"))
        expect(sum.amount.compareTo(BigDecimal("0.30")) == 0 && sum.amount.scale() == 2, "${sum.amount}")
        expect(roundAmount(policy, BigDecimal("0.125")) == BigDecimal("0.13"), "rounding half up")
    }
    check("a decimal Rust cannot hold is InvalidInput, not an internal error") {
        val e = expectThrows<KisException.InvalidInput> {
            addMoney(Money(BigDecimal("1E+40"), "CNY"), Money(BigDecimal.ONE, "CNY"))
        }
        expect(e.field == "a.amount", e.field)
        // More places than kis holds: refused, never rounded to zero (#16).
        val tiny = expectThrows<KisException.InvalidInput> {
            addMoney(Money(BigDecimal("0.00000000000000000000000000001"), "CNY"), Money(BigDecimal.ONE, "CNY"))
        }
        expect(tiny.field == "a.amount", tiny.field)
    }
    check("a bad currency is InvalidInput; two currencies are CurrencyMismatch") {
        val bad = expectThrows<KisException.InvalidInput> { addMoney(Money(BigDecimal.ONE, "yuan"), Money(BigDecimal.ONE, "CNY")) }
        expect(bad.field == "a.currency", bad.field)
        val mix = expectThrows<KisException.CurrencyMismatch> { addMoney(Money(BigDecimal.ONE, "CNY"), Money(BigDecimal.ONE, "EUR")) }
        expect(mix.left == "CNY" && mix.right == "EUR", "${mix.left} ${mix.right}")
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
                expect(pg.backend() == "postgres", pg.backend())
                expect(pg.policyVersions().isNotEmpty(), "policy version recorded")
                expect(pg.verifyAudit().intact, "audit chain intact")
                expectThrows<KisException.NotAuthorized> { pg.users("nobody-${System.nanoTime()}") }
            }
        }
    }

    db.delete()
    runScenarios(File(args[0]).absoluteFile.parentFile.parentFile)
    typedSample(File(args[0]).absoluteFile.parentFile.parentFile)
    println("$passed passed, $failed failed")
    if (failed > 0) kotlin.system.exitProcess(1)
}
