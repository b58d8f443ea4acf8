//! Every policy version the engine has been opened with or given, kept in the store, so
//! that a past period can be judged by the policy then in force.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::command::Command;
use super::context::CommandContext;
use crate::document::Document;
use crate::error::{Error, Result};
use crate::org::Role;
use crate::policy::Policy;

/// A stored policy version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
/// first record. On the wire `policy` is the policy's TOML text, checked as it is
/// decoded; the audit trail records that text, so the trail itself shows what was
/// installed.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InstallPolicy {
    /// The policy text.
    #[serde(serialize_with = "policy_text", deserialize_with = "parse_policy")]
    #[schemars(with = "String")]
    pub policy: Policy,
    /// The version's hash (hex SHA-256 of the text); computed when absent, refused when
    /// it is not the text's.
    #[serde(default)]
    pub hash: String,
    /// The first day it applies to; absent: the policy's own `general.effective_from`,
    /// else the day it is installed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<NaiveDate>,
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
        if !self.hash.is_empty() && self.hash != self.policy.hash() {
            return Err(Error::invalid(
                "hash",
                format!(
                    "{} is not the hash of the policy text ({})",
                    self.hash,
                    self.policy.hash()
                ),
            ));
        }
        let by = ctx.actor()?.id.to_string();
        let effective_from = self
            .effective_from
            .or(self.policy.general().effective_from)
            .unwrap_or_else(|| ctx.today());
        register(ctx, &self.policy, effective_from, &by)
    }

    fn committed(&self, engine: &super::Engine) {
        engine.adopt(self.policy.clone());
    }
}

fn policy_text<S: serde::Serializer>(
    policy: &Policy,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(policy.source())
}

fn parse_policy<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Policy, D::Error> {
    let text = String::deserialize(d)?;
    Policy::from_toml(&text).map_err(serde::de::Error::custom)
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
