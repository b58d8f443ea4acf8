//! Questions about the organisation that authorisation asks, in one place (P2).

use crate::document;
use crate::error::Result;
use crate::ids::{TeamId, UserId};
use crate::store::Transaction;

use super::{Team, User};

/// Read access to users and teams within a transaction.
pub struct Directory<'a> {
    tx: &'a mut dyn Transaction,
}

impl<'a> Directory<'a> {
    /// A directory over `tx`.
    pub fn new(tx: &'a mut dyn Transaction) -> Self {
        Directory { tx }
    }

    /// A user that must exist.
    pub fn user(&mut self, id: &UserId) -> Result<User> {
        Ok(document::load::<User>(self.tx, id.as_str())?.value)
    }

    /// A team that must exist.
    pub fn team(&mut self, id: &TeamId) -> Result<Team> {
        Ok(document::load::<Team>(self.tx, id.as_str())?.value)
    }

    /// The team of `user`, if they have one.
    pub fn team_of(&mut self, user: &UserId) -> Result<Option<Team>> {
        match self.user(user)?.team {
            Some(team) => Ok(Some(self.team(&team)?)),
            None => Ok(None),
        }
    }

    /// Whether `manager` leads the team `member` belongs to (P2.3).
    pub fn leads_team_of(&mut self, manager: &UserId, member: &UserId) -> Result<bool> {
        Ok(self.team_of(member)?.is_some_and(|t| &t.manager == manager))
    }

    /// Whether `director` is the director of `member`'s team (P2.2).
    pub fn directs_team_of(&mut self, director: &UserId, member: &UserId) -> Result<bool> {
        Ok(self
            .team_of(member)?
            .is_some_and(|t| t.director.as_ref() == Some(director)))
    }

    /// Every team, in id order.
    pub fn teams(&mut self) -> Result<Vec<Team>> {
        document::all::<Team>(self.tx)
    }

    /// Every user, in id order.
    pub fn users(&mut self) -> Result<Vec<User>> {
        document::all::<User>(self.tx)
    }

    /// The members of a team (active or not), in id order.
    pub fn members(&mut self, team: &TeamId) -> Result<Vec<User>> {
        Ok(self
            .users()?
            .into_iter()
            .filter(|u| u.team.as_ref() == Some(team))
            .collect())
    }
}
