//! The engine's organisation commands and queries, as methods.

use super::BootstrapAdmin;
use crate::document;
use crate::engine::Engine;
use crate::error::Result;
use crate::ids::{TeamId, UserId};
use crate::org::{Actor, Team, User};

impl Engine {
    /// Creates the first administrator of an empty store. Refused once any user exists,
    /// so that it cannot be used to take over a running installation.
    pub fn bootstrap_admin(&self, id: impl Into<UserId>, name: &str) -> Result<User> {
        let cmd = BootstrapAdmin {
            id: id.into(),
            name: name.to_string(),
        };
        self.run_as(None, None, "org.bootstrap_admin", &cmd, |ctx| {
            cmd.apply(ctx)
        })
    }

    /// Every user (any active user may read the directory).
    pub fn users(&self, actor: &Actor) -> Result<Vec<User>> {
        self.acting_user(actor)?;
        self.read(|tx| document::all::<User>(tx))
    }

    /// One user.
    pub fn user(&self, actor: &Actor, id: &UserId) -> Result<User> {
        self.acting_user(actor)?;
        self.read(|tx| Ok(document::load::<User>(tx, id.as_str())?.value))
    }

    /// Every team.
    pub fn teams(&self, actor: &Actor) -> Result<Vec<Team>> {
        self.acting_user(actor)?;
        self.read(|tx| document::all::<Team>(tx))
    }

    /// One team.
    pub fn team(&self, actor: &Actor, id: &TeamId) -> Result<Team> {
        self.acting_user(actor)?;
        self.read(|tx| Ok(document::load::<Team>(tx, id.as_str())?.value))
    }
}
