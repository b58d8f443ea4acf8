//! Issuing and revoking API tokens (admin; a user may revoke their own).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{ApiToken, ApiTokenInfo, IssuedApiToken, MAX_LIFETIME_DAYS};
use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::org::{Role, User, require_role};

/// Issues an API token for a user (admin only). The answer carries the secret, once:
/// it is not stored, so this command takes no idempotency key (a replay could not
/// show it again).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IssueApiToken {
    /// The user the token will act as.
    pub user: UserId,
    /// What it is for, shown when tokens are listed.
    pub label: String,
    /// When it stops working: after now, at most a year and a day ahead.
    pub expires_at: DateTime<Utc>,
}

impl Command for IssueApiToken {
    type Output = IssuedApiToken;
    const NAME: &'static str = "token.issue";
    const REPLAYABLE: bool = false;

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        require_role(ctx.actor()?, &[Role::Admin], "issue API tokens")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<IssuedApiToken> {
        if self.label.trim().is_empty() || self.label.len() > 200 {
            return Err(Error::invalid("label", "must be 1 to 200 characters"));
        }
        let now = ctx.now();
        if self.expires_at <= now {
            return Err(Error::invalid("expires_at", "must be in the future"));
        }
        let latest = now.checked_add_signed(Duration::days(MAX_LIFETIME_DAYS));
        if latest.is_none_or(|latest| self.expires_at > latest) {
            return Err(Error::invalid(
                "expires_at",
                format!("is more than {MAX_LIFETIME_DAYS} days ahead"),
            ));
        }
        let user = ctx
            .get::<User>(self.user.as_str())?
            .ok_or_else(|| {
                Error::invalid("user", format!("user \"{}\" does not exist", self.user))
            })?
            .value;
        if !user.active {
            return Err(Error::invalid("user", format!("{} is not active", user.id)));
        }
        let (id, secret_sha256, token) = super::fresh()?;
        let record = ApiToken {
            id,
            user: user.id,
            label: self.label.clone(),
            secret_sha256,
            issued_at: now,
            issued_by: ctx.actor()?.id.clone(),
            expires_at: self.expires_at,
            revoked_at: None,
            revoked_by: None,
        };
        ctx.insert(&record)?;
        Ok(IssuedApiToken {
            token,
            info: ApiTokenInfo::from(&record),
        })
    }
}

/// Revokes an API token (an admin, or the user it acts as). Revoking a revoked token
/// changes nothing.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RevokeApiToken {
    /// The token's id (not the secret).
    pub id: String,
}

impl Command for RevokeApiToken {
    type Output = ApiTokenInfo;
    const NAME: &'static str = "token.revoke";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let actor = ctx.actor()?.clone();
        if actor.role == Role::Admin {
            return Ok(());
        }
        match ctx.get::<ApiToken>(&self.id)? {
            Some(t) if t.value.user == actor.id => Ok(()),
            _ => Err(Error::not_authorized(
                &actor.id,
                "revoke this API token",
                "only an admin or the token's own user revokes it",
            )),
        }
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<ApiTokenInfo> {
        let old = ctx.load::<ApiToken>(&self.id)?;
        if old.value.revoked_at.is_some() {
            return Ok(ApiTokenInfo::from(&old.value));
        }
        let mut new = old.value.clone();
        new.revoked_at = Some(ctx.now());
        new.revoked_by = Some(ctx.actor()?.id.clone());
        let saved = ctx.update(&old, new)?;
        Ok(ApiTokenInfo::from(&saved.value))
    }
}
