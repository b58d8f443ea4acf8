// What KisApi offers beside the declaration's entries (hand-written; the entries are
// generated in KisApi.swift): the first admin, the clock and policy in force, audit
// anchors (a host secret never crosses the wire), approve/reject/return as named verbs of
// `decide`, and the accessors kis-core has on its records. Each is one line over
// KisEngine, as the same helpers are in Kotlin (Engine.kt) and Python.

import Foundation

public extension KisApi {
    /// Creates the first administrator of an empty store.
    func bootstrapAdmin(id: String, name: String) throws -> User {
        try User.fromJson(try Json.read(try engine().bootstrapAdmin(id: id, name: name)))
    }

    /// Today's business date in the company's time zone (a calendar date, never an instant).
    func today() throws -> Day {
        let text = try engine().today()
        guard let day = Day(iso: text) else { throw JsonError("not a date: \(text)") }
        return day
    }

    /// The content hash of the policy in force on `date`.
    func policyInForce(_ date: Day) throws -> String {
        try engine().policyInForce(date: date.description)
    }

    /// The trail's anchor now, HMAC-signed with `key` when given: keep it outside the store.
    func auditAnchor(key: Data? = nil) throws -> AuditAnchor {
        try AuditAnchor.fromJson(try Json.read(try engine().auditAnchor(key: key)))
    }

    /// `verifyAudit`, and that the trail still holds the anchored entry unchanged.
    func verifyAuditAgainst(_ anchor: AuditAnchor, key: Data? = nil) throws -> AuditReport {
        let text = try engine().verifyAuditAgainst(anchor: try Json.write(anchor.toJson()), key: key)
        return try AuditReport.fromJson(try Json.read(text))
    }

    /// Approves the step of document `id` waiting for `actor` (P3).
    func approve(actor: String, kind: DocKind, id: String, comment: String? = nil, idempotencyKey: String? = nil) throws -> ReviewOutcome {
        try decide(actor: actor, kind: kind, id: id, verdict: "approved", comment: comment, idempotencyKey: idempotencyKey)
    }

    /// Rejects document `id` at the step waiting for `actor`; the reason is the comment (P3).
    func reject(actor: String, kind: DocKind, id: String, reason: String, idempotencyKey: String? = nil) throws -> ReviewOutcome {
        try decide(actor: actor, kind: kind, id: id, verdict: "rejected", comment: reason, idempotencyKey: idempotencyKey)
    }

    /// Returns document `id` to its submitter for revision (P3).
    func returnForRevision(actor: String, kind: DocKind, id: String, reason: String, idempotencyKey: String? = nil) throws -> ReviewOutcome {
        try decide(actor: actor, kind: kind, id: id, verdict: "returned", comment: reason, idempotencyKey: idempotencyKey)
    }
}

public extension Quote {
    /// The latest revision (kis-core's `Quote::current`).
    var current: QuoteRevision? { revisions.last }
}

public extension Contract {
    /// The terms in force: the latest version (kis-core's `Contract::current_terms`).
    var currentTerms: Terms? { terms.last }
}

public extension AuditReport {
    /// The whole trail verifies and every document matches it.
    var intact: Bool { broken == nil && mismatches.isEmpty }
}
