//! Roles of the sales organisation (P2.1).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, InvalidInput};

/// What a user is in the organisation (P2.1).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sales representative (P2.4): finds customers, prepares quotes and contracts.
    Rep,
    /// Sales manager (P2.3): leads a team, reviews its documents.
    Manager,
    /// Sales director (P2.2): sets strategy and targets, approves exceptions.
    Director,
    /// Marketing specialist (P2.1): feeds leads.
    Marketing,
    /// Finance: reviews budgets, approves expense claims (P6).
    Finance,
    /// Legal: reviews contracts (P3.4c).
    Legal,
    /// Administrator: manages users, teams and the policy; no sales authority.
    Admin,
}

impl Role {
    /// Every role, in order.
    pub const ALL: [Role; 7] = [
        Role::Rep,
        Role::Manager,
        Role::Director,
        Role::Marketing,
        Role::Finance,
        Role::Legal,
        Role::Admin,
    ];

    /// The role's name as written in the policy file and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Rep => "rep",
            Role::Manager => "manager",
            Role::Director => "director",
            Role::Marketing => "marketing",
            Role::Finance => "finance",
            Role::Legal => "legal",
            Role::Admin => "admin",
        }
    }

    /// Whether the role may be a reviewer in an approval chain.
    pub fn can_review(&self) -> bool {
        !matches!(self, Role::Rep | Role::Marketing)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                InvalidInput::new(
                    "role",
                    format!("{s:?} is not a role; expected one of rep, manager, director, marketing, finance, legal, admin"),
                )
                .into()
            })
    }
}
