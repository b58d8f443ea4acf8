// What KisApi offers beside the declaration's entries (hand-written; the entries are
// generated in Api.kt): the first admin, the clock and policy in force, audit anchors
// (a host secret never crosses the wire), and approve/reject/return as named verbs of
// `decide`. Each is one line over KisEngine, as the same helpers are in Python.
package org.kis.api

import java.time.LocalDate

/** Creates the first administrator of an empty store. */
fun KisApi.bootstrapAdmin(id: String, name: String): User =
    User.fromJson(Json.read(engine.bootstrapAdmin(id, name)))

/** Today's business date in the company's time zone (a calendar date, never an instant). */
fun KisApi.today(): LocalDate = LocalDate.parse(engine.today())

/** The content hash of the policy in force on [date]. */
fun KisApi.policyInForce(date: LocalDate): String = engine.policyInForce(date.toString())

/** The trail's anchor now, HMAC-signed with [key] when given: keep it outside the store. */
fun KisApi.auditAnchor(key: ByteArray? = null): AuditAnchor =
    AuditAnchor.fromJson(Json.read(engine.auditAnchor(key)))

/** `verifyAudit`, and that the trail still holds the anchored entry unchanged. */
fun KisApi.verifyAuditAgainst(anchor: AuditAnchor, key: ByteArray? = null): AuditReport =
    AuditReport.fromJson(Json.read(engine.verifyAuditAgainst(Json.write(Json.enc(anchor)), key)))

/** Approves the step of document [id] waiting for [actor] (P3). */
fun KisApi.approve(actor: String, kind: DocKind, id: String, comment: String? = null, idempotencyKey: String? = null): ReviewOutcome =
    decide(actor, kind, id, "approved", comment, idempotencyKey)

/** Rejects document [id] at the step waiting for [actor]; the reason is the comment (P3). */
fun KisApi.reject(actor: String, kind: DocKind, id: String, reason: String, idempotencyKey: String? = null): ReviewOutcome =
    decide(actor, kind, id, "rejected", reason, idempotencyKey)

/** Returns document [id] to its submitter for revision (P3). */
fun KisApi.returnForRevision(actor: String, kind: DocKind, id: String, reason: String, idempotencyKey: String? = null): ReviewOutcome =
    decide(actor, kind, id, "returned", reason, idempotencyKey)

/** [approve] for coroutines. */
suspend fun KisSuspendApi.approve(actor: String, kind: DocKind, id: String, comment: String? = null, idempotencyKey: String? = null): ReviewOutcome =
    decide(actor, kind, id, "approved", comment, idempotencyKey)

/** [reject] for coroutines. */
suspend fun KisSuspendApi.reject(actor: String, kind: DocKind, id: String, reason: String, idempotencyKey: String? = null): ReviewOutcome =
    decide(actor, kind, id, "rejected", reason, idempotencyKey)

/** [returnForRevision] for coroutines. */
suspend fun KisSuspendApi.returnForRevision(actor: String, kind: DocKind, id: String, reason: String, idempotencyKey: String? = null): ReviewOutcome =
    decide(actor, kind, id, "returned", reason, idempotencyKey)

/** The latest revision (kis-core's `Quote::current`). */
val Quote.current: QuoteRevision get() = revisions.last()

/** The terms in force: the latest version (kis-core's `Contract::current_terms`). */
val Contract.currentTerms: Terms get() = terms.last()

/** The whole trail verifies and every document matches it. */
val AuditReport.intact: Boolean get() = broken == null && mismatches.isEmpty()
