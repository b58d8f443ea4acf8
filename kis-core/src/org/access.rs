//! The authorisation rules of the organisation (P2) that several domains share: who
//! holds a role, who may read and who may act on a record someone owns, and whose
//! scorecards a user sees (`visibility`). Kept here, once, so that a
//! rule changes in one place.

use super::{Directory, Role, User};
use crate::error::{Error, Result};
use crate::ids::UserId;
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
