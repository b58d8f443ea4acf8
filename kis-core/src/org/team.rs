//! Teams: a manager and their reps, under a director (P2.1).

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::ids::{TeamId, UserId};

/// A sales team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Team {
    /// Unique id.
    pub id: TeamId,
    /// Display name.
    pub name: String,
    /// The leading manager (P2.3).
    pub manager: UserId,
    /// The director the team rolls up to (P2.2).
    pub director: Option<UserId>,
}

impl Document for Team {
    const COLLECTION: &'static str = "teams";
    const KIND: &'static str = "team";
    fn doc_id(&self) -> String {
        self.id.0.clone()
    }
}
