//! The authorisation rules of the organisation (P2) that several domains share: who
//! holds a role, who may read and who may act on a record someone owns, and whose
//! scorecards a user sees (`visibility`). Kept here, once, so that a
//! rule changes in one place.

use super::{Directory, Role, User};
use crate::error::{Error, Result};
use crate::ids::{TeamId, UserId};
use crate::store::Transaction;

/// Refuses unless `user` has one of `roles`.
pub fn require_role(user: &User, roles: &[Role], action: &str) -> Result<()> {
    if roles.contains(&user.role) {
        return Ok(());
    }
    let names: Vec<&str> = roles.iter().map(Role::as_str).collect();
    Err(Error::not_authorized(
        &user.id,
        action,
        format!(
            "requires role {}, but the user is {}",
            names.join(" or "),
            user.role
        ),
    ))
}

/// Refuses unless the actor is `owner`, or the manager of the owner's team (P2.3).
pub fn owner_or_manager(
    tx: &mut dyn Transaction,
    actor: &User,
    owner: &UserId,
    action: &str,
) -> Result<()> {
    if &actor.id == owner
        || (actor.role == Role::Manager && Directory::new(tx).leads_team_of(&actor.id, owner)?)
    {
        return Ok(());
    }
    Err(Error::not_authorized(
        &actor.id,
        action,
        format!("it belongs to {owner}; only they or their manager may (P2.3)"),
    ))
}

/// Whether `viewer` may read a document owned by `owner` (P2).
pub fn may_see(tx: &mut dyn Transaction, viewer: &User, owner: &UserId) -> Result<bool> {
    Ok(match viewer.role {
        Role::Rep | Role::Marketing => &viewer.id == owner,
        Role::Manager => {
            &viewer.id == owner || Directory::new(tx).leads_team_of(&viewer.id, owner)?
        }
        Role::Director | Role::Finance | Role::Legal | Role::Admin => true,
    })
}

/// Whose a record is, as far as reading it goes (P2). Each stored document says which
/// (see [`Owned`]); [`may_read`] decides, for every query and the change feed alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose<'a> {
    /// Every active user's: the directory, the price book, the policy (P2, P4.1).
    Everyone,
    /// One user's (a rep's customer, quote, claim, targets...): theirs and their
    /// manager's to read, and the company-wide roles'.
    User(&'a UserId),
    /// Credited to several reps (a sales fact): readable by whoever may read any one's.
    Users(Vec<&'a UserId>),
    /// A team's (a budget): its manager's, the director's, finance's and admins' (P6).
    Team(&'a TeamId),
    /// A lead: the rep it is handed to (and their manager), or, while in the pool,
    /// marketing's and the managers'; the company-wide roles always (P8).
    Lead(Option<&'a UserId>),
    /// A delegation of reviews between two users: theirs, the director's and admins'.
    Between(&'a UserId, &'a UserId),
}

/// A stored record that says whose it is, for [`may_read`].
pub trait Owned {
    /// Whose the record is.
    fn whose(&self) -> Whose<'_>;
}

/// Whether `viewer` may read a record that is `whose` (P2): the one read rule of kis.
pub fn may_read(tx: &mut dyn Transaction, viewer: &User, whose: &Whose<'_>) -> Result<bool> {
    let company_wide = matches!(viewer.role, Role::Director | Role::Finance | Role::Admin);
    Ok(match whose {
        Whose::Everyone => true,
        Whose::User(owner) => may_see(tx, viewer, owner)?,
        Whose::Users(owners) => {
            let mut any = false;
            for owner in owners {
                if may_see(tx, viewer, owner)? {
                    any = true;
                    break;
                }
            }
            any
        }
        Whose::Team(team) => {
            company_wide
                || (viewer.role == Role::Manager
                    && Directory::new(tx).team(team)?.manager == viewer.id)
        }
        Whose::Lead(assigned) => match (assigned, viewer.role) {
            (_, Role::Marketing | Role::Director | Role::Admin | Role::Finance | Role::Legal) => {
                true
            }
            (None, Role::Manager) => true,
            (None, _) => false,
            (Some(rep), _) => may_see(tx, viewer, rep)?,
        },
        Whose::Between(from, to) => {
            &viewer.id == *from
                || &viewer.id == *to
                || matches!(viewer.role, Role::Director | Role::Admin)
        }
    })
}
