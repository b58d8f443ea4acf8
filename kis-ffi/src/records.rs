//! Plain records crossing the boundary.

use std::time::SystemTime;

use crate::error::KisError;
use crate::values::{Amount, Day};

/// A role in the sales organisation (P2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Role {
    /// Sales representative.
    Rep,
    /// Sales manager (leads a team).
    Manager,
    /// Sales director.
    Director,
    /// Marketing specialist.
    Marketing,
    /// Finance.
    Finance,
    /// Legal.
    Legal,
    /// Administrator.
    Admin,
}

impl From<Role> for kis::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Rep => kis::Role::Rep,
            Role::Manager => kis::Role::Manager,
            Role::Director => kis::Role::Director,
            Role::Marketing => kis::Role::Marketing,
            Role::Finance => kis::Role::Finance,
            Role::Legal => kis::Role::Legal,
            Role::Admin => kis::Role::Admin,
        }
    }
}

impl From<kis::Role> for Role {
    fn from(r: kis::Role) -> Self {
        match r {
            kis::Role::Rep => Role::Rep,
            kis::Role::Manager => Role::Manager,
            kis::Role::Director => Role::Director,
            kis::Role::Marketing => Role::Marketing,
            kis::Role::Finance => Role::Finance,
            kis::Role::Legal => Role::Legal,
            kis::Role::Admin => Role::Admin,
        }
    }
}

/// An amount of money in one currency.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Money {
    /// The exact amount.
    pub amount: Amount,
    /// Currency code ("CNY").
    pub currency: String,
}

impl Money {
    pub(crate) fn to_core(&self, field: &str) -> Result<kis::Money, KisError> {
        let currency = kis::Currency::new(&self.currency)
            .map_err(|e| KisError::invalid(&format!("{field}.currency"), e.to_string()))?;
        Ok(kis::Money::new(
            self.amount.parse(&format!("{field}.amount"))?,
            currency,
        ))
    }

    pub(crate) fn from_core(m: kis::Money) -> Self {
        Money {
            amount: Amount::from_decimal(m.amount),
            currency: m.currency.to_string(),
        }
    }
}

/// A member of the sales organisation.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct User {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Team id, if any.
    pub team: Option<String>,
    /// Whether the user may act.
    pub active: bool,
    /// When the user was added.
    pub created_at: SystemTime,
}

impl From<kis::User> for User {
    fn from(u: kis::User) -> Self {
        User {
            id: u.id.0,
            name: u.name,
            role: u.role.into(),
            team: u.team.map(|t| t.0),
            active: u.active,
            created_at: u.created_at.into(),
        }
    }
}

/// A sales team.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Team {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The leading manager's id.
    pub manager: String,
    /// The director's id, if any.
    pub director: Option<String>,
}

impl From<kis::Team> for Team {
    fn from(t: kis::Team) -> Self {
        Team {
            id: t.id.0,
            name: t.name,
            manager: t.manager.0,
            director: t.director.map(|d| d.0),
        }
    }
}

/// One entry of the audit trail.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AuditEntry {
    /// Position in the trail, from 1.
    pub seq: u64,
    /// When.
    pub at: SystemTime,
    /// Who (user id or "system").
    pub actor: String,
    /// Which command.
    pub command: String,
    /// The command's input, as JSON.
    pub input_json: String,
    /// What changed (collection, id, version, before, after), as JSON.
    pub changes_json: String,
    /// The policy version it was decided under.
    pub policy_version: String,
    /// The idempotency key, if any.
    pub idempotency_key: Option<String>,
    /// This entry's hash.
    pub hash: String,
}

impl From<kis::audit::AuditEntry> for AuditEntry {
    fn from(e: kis::audit::AuditEntry) -> Self {
        AuditEntry {
            seq: e.seq,
            at: e.at.into(),
            actor: e.actor,
            command: e.command,
            input_json: e.input.to_string(),
            changes_json: serde_json_text(&e.changes),
            policy_version: e.policy_version,
            idempotency_key: e.idempotency_key,
            hash: e.hash,
        }
    }
}

fn serde_json_text(changes: &[kis::audit::Change]) -> String {
    // Changes are plain JSON values; serialising them cannot fail.
    serde_json::to_string(changes).unwrap_or_else(|_| "[]".to_string())
}

/// The result of verifying the audit chain.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AuditReport {
    /// Entries checked.
    pub entries: u64,
    /// True when the chain verifies and every document matches it.
    pub intact: bool,
    /// The hash of the last entry.
    pub head_hash: Option<String>,
    /// The first broken entry, if any.
    pub broken_seq: Option<u64>,
    /// Why it is broken, if it is.
    pub broken_reason: Option<String>,
    /// Documents not stored as their last audit entry recorded.
    pub mismatches: Vec<DocumentMismatch>,
}

/// A document not stored as its last audit entry recorded it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DocumentMismatch {
    /// The collection.
    pub collection: String,
    /// The document id.
    pub id: String,
    /// The last entry that changed it (0: none did).
    pub seq: u64,
    /// What differs.
    pub reason: String,
}

impl From<kis::audit::AuditReport> for AuditReport {
    fn from(r: kis::audit::AuditReport) -> Self {
        AuditReport {
            entries: r.entries,
            intact: r.is_intact(),
            head_hash: r.head_hash,
            broken_seq: r.broken.as_ref().map(|b| b.seq),
            broken_reason: r.broken.map(|b| b.reason),
            mismatches: r
                .mismatches
                .into_iter()
                .map(|m| DocumentMismatch {
                    collection: m.collection,
                    id: m.id,
                    seq: m.seq,
                    reason: m.reason,
                })
                .collect(),
        }
    }
}

/// The audit trail's position and head hash at a moment, optionally HMAC-signed.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AuditAnchor {
    /// The last entry's sequence number when it was taken.
    pub seq: u64,
    /// That entry's hash.
    pub head_hash: String,
    /// HMAC-SHA256 (hex) under the host's key, if signed.
    pub mac: Option<String>,
}

impl From<kis::audit::AuditAnchor> for AuditAnchor {
    fn from(a: kis::audit::AuditAnchor) -> Self {
        AuditAnchor {
            seq: a.seq,
            head_hash: a.head_hash,
            mac: a.mac,
        }
    }
}

impl From<AuditAnchor> for kis::audit::AuditAnchor {
    fn from(a: AuditAnchor) -> Self {
        kis::audit::AuditAnchor {
            seq: a.seq,
            head_hash: a.head_hash,
            mac: a.mac,
        }
    }
}

/// A stored policy version.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PolicyVersion {
    /// Content hash.
    pub hash: String,
    /// First day it applies to.
    pub effective_from: Day,
    /// Who installed it.
    pub installed_by: String,
}

impl From<kis::PolicyVersion> for PolicyVersion {
    fn from(v: kis::PolicyVersion) -> Self {
        PolicyVersion {
            hash: v.hash,
            effective_from: Day::from_date(v.effective_from),
            installed_by: v.installed_by,
        }
    }
}
