//! Every policy version the engine has been opened with or given, kept in the store, so
//! that a past period can be judged by the policy then in force.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::command::Command;
use super::context::CommandContext;
use super::document::Document;
use crate::error::{Error, Result};
use crate::org::Role;
use crate::policy::Policy;

/// A stored policy version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    /// Content hash of the text (the version id).
    pub hash: String,
    /// The first day it applies to.
    pub effective_from: NaiveDate,
    /// When it was installed.
    pub installed_at: DateTime<Utc>,
    /// Who installed it (`system` when an engine was opened with it).
    pub installed_by: String,
    /// The policy text.
    pub source: String,
}

impl Document for PolicyVersion {
    const COLLECTION: &'static str = "policy_versions";
    const KIND: &'static str = "policy version";
    fn doc_id(&self) -> String {
        self.hash.clone()
    }
}

impl PolicyVersion {
    /// Whether this version was in force on `date` rather than `other` (the later
    /// effective date wins; on the same date, the later installation).
    pub fn supersedes(&self, other: &PolicyVersion) -> bool {
        (self.effective_from, self.installed_at) > (other.effective_from, other.installed_at)
    }
}

/// Registers a policy version (admin only). Installing the same text again keeps the
/// first record.
#[derive(Debug, Clone, Serialize)]
pub struct InstallPolicy {
    /// The policy text (already validated by the engine).
    #[serde(skip)]
    pub policy: Policy,
    /// The version's hash (what the audit trail shows instead of the whole text).
    pub hash: String,
    /// The first day it applies to.
    pub effective_from: NaiveDate,
}

impl Command for InstallPolicy {
    type Output = PolicyVersion;
    const NAME: &'static str = "policy.install";
    // The policy file is checked by its own parser, however long it is.
    const TEXT_LIMIT: Option<usize> = None;

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let actor = ctx.actor()?;
        if actor.role != Role::Admin {
            return Err(Error::not_authorized(
                &actor.id,
                "install a policy",
                "only an admin installs policies",
            ));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<PolicyVersion> {
        let by = ctx.actor()?.id.to_string();
        register(ctx, &self.policy, self.effective_from, &by)
    }
}

/// Stores `policy` as a version unless it is already stored.
pub(crate) fn register(
    ctx: &mut CommandContext<'_>,
    policy: &Policy,
    effective_from: NaiveDate,
    installed_by: &str,
) -> Result<PolicyVersion> {
    if let Some(existing) = ctx.get::<PolicyVersion>(policy.hash())? {
        return Ok(existing.value);
    }
    let version = PolicyVersion {
        hash: policy.hash().to_string(),
        effective_from,
        installed_at: ctx.now(),
        installed_by: installed_by.to_string(),
        source: policy.source().to_string(),
    };
    ctx.insert(&version)?;
    Ok(version)
}
