//! Users and teams from an HR list (P2.1, P2.2), through the organisation's own
//! commands: a new id is added, a changed one updated, the same one left alone.

use super::outcome::Outcome;
use super::rows::{TeamRow, UserRow};
use crate::admin::{AddTeam, AddUser, UpdateTeam, UpdateUser};
use crate::engine::{Command, CommandContext};
use crate::error::Result;
use crate::org::{Team, User};

/// Runs `command` as its own caller would: authorised, then executed.
pub(super) fn run<C: Command>(ctx: &mut CommandContext<'_>, command: &C) -> Result<C::Output> {
    command.authorize(ctx)?;
    command.execute(ctx)
}

impl UserRow {
    pub(super) fn apply(&self, ctx: &mut CommandContext<'_>) -> Result<Outcome> {
        let Some(old) = ctx.get::<User>(self.id.as_str())? else {
            run(
                ctx,
                &AddUser {
                    id: self.id.clone(),
                    name: self.name.clone(),
                    role: self.role,
                    team: self.team.clone(),
                },
            )?;
            return Ok(Outcome::Created);
        };
        let old = old.value;
        let update = UpdateUser {
            id: self.id.clone(),
            name: (old.name != self.name).then(|| self.name.clone()),
            role: (old.role != self.role).then_some(self.role),
            team: self.team.clone().filter(|t| old.team.as_ref() != Some(t)),
            remove_team: self.team.is_none() && old.team.is_some(),
            active: None,
        };
        // The same authority decides an unchanged row, so a rerun answers as the first run.
        update.authorize(ctx)?;
        if update.name.is_none()
            && update.role.is_none()
            && update.team.is_none()
            && !update.remove_team
        {
            return Ok(Outcome::Unchanged);
        }
        update.execute(ctx)?;
        Ok(Outcome::Updated)
    }
}

impl TeamRow {
    pub(super) fn apply(&self, ctx: &mut CommandContext<'_>) -> Result<Outcome> {
        let Some(old) = ctx.get::<Team>(self.id.as_str())? else {
            run(
                ctx,
                &AddTeam {
                    id: self.id.clone(),
                    name: self.name.clone(),
                    manager: self.manager.clone(),
                    director: self.director.clone(),
                },
            )?;
            return Ok(Outcome::Created);
        };
        let old = old.value;
        let update = UpdateTeam {
            id: self.id.clone(),
            name: (old.name != self.name).then(|| self.name.clone()),
            manager: (old.manager != self.manager).then(|| self.manager.clone()),
            director: self
                .director
                .clone()
                .filter(|d| old.director.as_ref() != Some(d)),
            remove_director: self.director.is_none() && old.director.is_some(),
        };
        update.authorize(ctx)?;
        if update.name.is_none()
            && update.manager.is_none()
            && update.director.is_none()
            && !update.remove_director
        {
            return Ok(Outcome::Unchanged);
        }
        update.execute(ctx)?;
        Ok(Outcome::Updated)
    }
}
