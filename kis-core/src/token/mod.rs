//! API tokens: the credential a server (or any host that speaks for users) checks to
//! know who is acting. An admin issues one for a user (P2: authorisation is domain
//! logic, so the credential is too); the secret is shown once, and only its SHA-256 is
//! stored. A token expires, can be revoked, and stops working when its user is
//! deactivated.
//!
//! A token reads `kis_<id>_<secret>`: the id finds the stored record in one read, the
//! secret (32 random bytes, hex) is compared by hash in constant time. The prefix lets
//! secret scanners recognise a leaked token.

mod commands;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::document::{self, Document};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::org::{Actor, User};

pub use commands::{IssueApiToken, RevokeApiToken};

/// The longest a token may live: a year and a day. Tokens are for programs; a person
/// signing in through an identity provider gets short-lived JWTs instead.
pub const MAX_LIFETIME_DAYS: i64 = 366;

const PREFIX: &str = "kis_";
const ID_BYTES: usize = 8;
const SECRET_BYTES: usize = 32;

/// A stored API token: who it acts for and until when; never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApiToken {
    /// The token's id (the part of the token before its secret).
    pub id: String,
    /// The user the token acts as.
    pub user: UserId,
    /// What it is for ("ERP nightly import").
    pub label: String,
    /// Hex SHA-256 of the secret.
    pub secret_sha256: String,
    /// When it was issued, and by whom.
    pub issued_at: DateTime<Utc>,
    /// The admin who issued it.
    pub issued_by: UserId,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Who revoked it.
    pub revoked_by: Option<UserId>,
}

impl Document for ApiToken {
    const COLLECTION: &'static str = "api_tokens";
    const KIND: &'static str = "API token";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

/// What listing tokens shows: the record without its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApiTokenInfo {
    /// The token's id.
    pub id: String,
    /// The user it acts as.
    pub user: UserId,
    /// What it is for.
    pub label: String,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// Who issued it.
    pub issued_by: UserId,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&ApiToken> for ApiTokenInfo {
    fn from(t: &ApiToken) -> Self {
        ApiTokenInfo {
            id: t.id.clone(),
            user: t.user.clone(),
            label: t.label.clone(),
            issued_at: t.issued_at,
            issued_by: t.issued_by.clone(),
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A token just issued: the only time its secret is seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IssuedApiToken {
    /// The whole token, to send as `Authorization: Bearer <token>`. Not stored.
    pub token: String,
    /// The stored record.
    pub info: ApiTokenInfo,
}

/// Why a credential was refused: the server answers 401 with this reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not authenticated: {reason}")]
pub struct Unauthenticated {
    /// What was wrong with the credential (unknown, expired, revoked...).
    pub reason: String,
}

impl Unauthenticated {
    /// A refusal for `reason`.
    pub fn new(reason: impl Into<String>) -> Self {
        Unauthenticated {
            reason: reason.into(),
        }
    }
}

/// Hex SHA-256 of a secret.
fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Equal without an early exit, so the time taken does not tell how much matched.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `bytes` random bytes from the operating system, as hex.
fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| {
        Error::invalid(
            "token",
            format!("the system has no randomness to make one: {e}"),
        )
    })?;
    Ok(hex::encode(buf))
}

/// A fresh token: its id, its secret and the whole text.
pub(crate) fn fresh() -> Result<(String, String, String)> {
    let id = random_hex(ID_BYTES)?;
    let secret = random_hex(SECRET_BYTES)?;
    let token = format!("{PREFIX}{id}_{secret}");
    Ok((id, digest(&secret), token))
}

/// Splits a token into its id and secret, refusing anything not shaped like one.
fn parse(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    // Hex: two digits per byte.
    let hex = |s: &str, bytes: usize| {
        s.len() / 2 == bytes
            && s.len().is_multiple_of(2)
            && s.bytes().all(|b| b.is_ascii_hexdigit())
    };
    (hex(id, ID_BYTES) && hex(secret, SECRET_BYTES)).then_some((id, secret))
}

impl Engine {
    /// Who `token` acts for, now: refused (`Unauthenticated`) when it is malformed,
    /// unknown, of a wrong secret, expired, revoked, or its user is inactive. The outer
    /// error is the store's.
    pub fn authenticate(&self, token: &str) -> Result<std::result::Result<Actor, Unauthenticated>> {
        let Some((id, secret)) = parse(token) else {
            return Ok(Err(Unauthenticated::new("not a kis API token")));
        };
        let (stored, user) = self.read(|tx| {
            let stored = document::get::<ApiToken>(tx, id)?.map(|v| v.value);
            let user = match &stored {
                Some(t) => document::get::<User>(tx, t.user.as_str())?.map(|v| v.value),
                None => None,
            };
            Ok((stored, user))
        })?;
        let Some(stored) = stored else {
            return Ok(Err(Unauthenticated::new("unknown token")));
        };
        if !same(digest(secret).as_bytes(), stored.secret_sha256.as_bytes()) {
            // The same answer as an unknown id: a guess learns nothing.
            return Ok(Err(Unauthenticated::new("unknown token")));
        }
        if stored.revoked_at.is_some() {
            return Ok(Err(Unauthenticated::new("the token was revoked")));
        }
        if self.now() >= stored.expires_at {
            return Ok(Err(Unauthenticated::new(format!(
                "the token expired at {}",
                stored.expires_at.to_rfc3339()
            ))));
        }
        match user {
            Some(u) if u.active => Ok(Ok(Actor::from(&u))),
            _ => Ok(Err(Unauthenticated::new(format!(
                "user {} is not active",
                stored.user
            )))),
        }
    }

    /// The API tokens the actor may list: an admin every token (or one user's), anyone
    /// else their own.
    pub fn api_tokens(&self, actor: &Actor, user: Option<&UserId>) -> Result<Vec<ApiTokenInfo>> {
        let viewer = self.acting_user(actor)?;
        let admin = viewer.role == crate::org::Role::Admin;
        if !admin && user.is_some_and(|u| *u != viewer.id) {
            return Err(Error::not_authorized(
                &viewer.id,
                "list another user's API tokens",
                "only an admin lists tokens of other users",
            ));
        }
        let wanted = if admin {
            user.cloned()
        } else {
            Some(viewer.id)
        };
        let all = self.read(|tx| document::all::<ApiToken>(tx))?;
        Ok(all
            .iter()
            .filter(|t| wanted.as_ref().is_none_or(|u| t.user == *u))
            .map(ApiTokenInfo::from)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_token_parses_and_its_hash_matches() {
        let (id, hash, token) = fresh().unwrap();
        let (pid, secret) = parse(&token).unwrap();
        assert_eq!(pid, id);
        assert!(same(digest(secret).as_bytes(), hash.as_bytes()));
        assert_ne!(fresh().unwrap().2, token, "two tokens never repeat");
    }

    #[test]
    fn malformed_tokens_are_refused_before_any_read() {
        for t in [
            "",
            "kis_",
            "kis_abc_def",
            "Bearer kis_x",
            &format!("kis_{}_{}", "0".repeat(16), "g".repeat(64)),
        ] {
            assert!(parse(t).is_none(), "{t:?}");
        }
        assert!(!same(b"ab", b"abc"));
        assert!(!same(b"ab", b"ac"));
    }
}
