//! Users, and the actor who performs a command.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Role;
use crate::document::Document;
use crate::ids::{TeamId, UserId};

/// A member of the sales organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct User {
    /// Unique id.
    pub id: UserId,
    /// Display name.
    pub name: String,
    /// Role (P2.1).
    pub role: Role,
    /// The team the user belongs to (every rep has one, P2.1).
    pub team: Option<TeamId>,
    /// Deactivated users keep their history but may not act.
    pub active: bool,
    /// When the user was added.
    pub created_at: DateTime<Utc>,
}

impl Document for User {
    const COLLECTION: &'static str = "users";
    const KIND: &'static str = "user";
    fn doc_id(&self) -> String {
        self.id.0.clone()
    }
}

/// Who performs a command: every command carries one, and authorisation checks it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Actor {
    /// The acting user.
    pub user: UserId,
}

impl Actor {
    /// The actor for user `id`.
    pub fn new(id: impl Into<UserId>) -> Self {
        Actor { user: id.into() }
    }
}

impl From<&User> for Actor {
    fn from(u: &User) -> Self {
        Actor { user: u.id.clone() }
    }
}
