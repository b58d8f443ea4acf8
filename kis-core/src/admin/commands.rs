//! Commands that add and change users and teams (admin only, P2).

use serde::{Deserialize, Serialize};

use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::ids::{TeamId, UserId, validate_id};
use crate::org::{Directory, Role, Team, User, require_role};

fn validate_name(field: &'static str, name: &str) -> Result<()> {
    if name.trim().is_empty() || name.len() > 200 {
        return Err(Error::invalid(field, "must be 1 to 200 characters"));
    }
    Ok(())
}

fn admin_only(ctx: &mut CommandContext<'_>, action: &str) -> Result<()> {
    require_role(ctx.actor()?, &[Role::Admin], action)
}

/// Checks that `team` exists and returns it.
fn existing_team(ctx: &mut CommandContext<'_>, team: &TeamId) -> Result<Team> {
    ctx.get::<Team>(team.as_str())?
        .map(|t| t.value)
        .ok_or_else(|| Error::invalid("team", format!("team \"{team}\" does not exist")))
}

/// Checks that `id` is an active user with `role`, to lead or direct a team.
fn leader(
    ctx: &mut CommandContext<'_>,
    field: &'static str,
    id: &UserId,
    role: Role,
) -> Result<()> {
    let user = ctx
        .get::<User>(id.as_str())?
        .ok_or_else(|| Error::invalid(field, format!("user \"{id}\" does not exist")))?
        .value;
    if user.role != role || !user.active {
        return Err(Error::invalid(
            field,
            format!(
                "{id} is an {} {}; a team's {field} must be an active {role} (P2.1)",
                if user.active { "active" } else { "inactive" },
                user.role
            ),
        ));
    }
    Ok(())
}

/// Creates the first administrator of an empty store (run by the engine itself).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BootstrapAdmin {
    /// The administrator's id.
    pub id: UserId,
    /// Their name.
    pub name: String,
}

impl BootstrapAdmin {
    pub(crate) fn apply(&self, ctx: &mut CommandContext<'_>) -> Result<User> {
        validate_id("id", self.id.as_str())?;
        validate_name("name", &self.name)?;
        let mut any = false;
        ctx.scan::<User>("", |_| {
            any = true;
            std::ops::ControlFlow::Break(())
        })?;
        if any {
            return Err(Error::not_authorized(
                "system",
                "bootstrap an administrator",
                "the store already has users; an admin adds further users",
            ));
        }
        let user = User {
            id: self.id.clone(),
            name: self.name.clone(),
            role: Role::Admin,
            team: None,
            active: true,
            created_at: ctx.now(),
        };
        ctx.insert(&user)?;
        Ok(user)
    }
}

/// Adds a user (admin only).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AddUser {
    /// New user's id.
    pub id: UserId,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// Their team; required for reps (P2.1).
    pub team: Option<TeamId>,
}

impl Command for AddUser {
    type Output = User;
    const NAME: &'static str = "org.add_user";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        admin_only(ctx, "add users")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<User> {
        validate_id("id", self.id.as_str())?;
        validate_name("name", &self.name)?;
        match &self.team {
            Some(team) => {
                existing_team(ctx, team)?;
            }
            None if self.role == Role::Rep => {
                return Err(Error::invalid(
                    "team",
                    "a rep must belong to a team led by a manager (P2.1)",
                ));
            }
            None => {}
        }
        let user = User {
            id: self.id.clone(),
            name: self.name.clone(),
            role: self.role,
            team: self.team.clone(),
            active: true,
            created_at: ctx.now(),
        };
        Ok(ctx.insert(&user)?.value)
    }
}

/// Changes a user (admin only). Absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UpdateUser {
    /// The user to change.
    pub id: UserId,
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// New team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<TeamId>,
    /// Takes the user out of their team (not with `team`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remove_team: bool,
    /// Activate or deactivate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

impl Command for UpdateUser {
    type Output = User;
    const NAME: &'static str = "org.update_user";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        admin_only(ctx, "change users")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<User> {
        let old = ctx.load::<User>(self.id.as_str())?;
        let mut user = old.value.clone();
        if let Some(name) = &self.name {
            validate_name("name", name)?;
            user.name = name.clone();
        }
        if let Some(role) = self.role {
            user.role = role;
        }
        match (&self.team, self.remove_team) {
            (Some(_), true) => {
                return Err(Error::invalid(
                    "remove_team",
                    "give a new team or remove the team, not both",
                ));
            }
            (Some(t), false) => {
                existing_team(ctx, t)?;
                user.team = Some(t.clone());
            }
            (None, true) => user.team = None,
            (None, false) => {}
        }
        if let Some(active) = self.active {
            user.active = active;
        }
        if user.role == Role::Rep && user.team.is_none() {
            return Err(Error::invalid(
                "team",
                "a rep must belong to a team led by a manager (P2.1)",
            ));
        }
        let acting = ctx.actor()?.id.clone();
        if acting == user.id && (user.role != Role::Admin || !user.active) {
            return Err(Error::invalid(
                "id",
                "an admin cannot demote or deactivate themselves; another admin must",
            ));
        }
        // A team's leader must stay an active manager (or director) while they lead it.
        if user.role == old.value.role && user.active == old.value.active {
            return Ok(ctx.update(&old, user)?.value);
        }
        let leads: Vec<Team> = Directory::new(ctx.tx())
            .teams()?
            .into_iter()
            .filter(|t| t.manager == user.id || t.director.as_ref() == Some(&user.id))
            .collect();
        for team in leads {
            let needed = if team.manager == user.id {
                Role::Manager
            } else {
                Role::Director
            };
            if user.role != needed || !user.active {
                return Err(Error::InvalidState {
                    kind: "user",
                    id: user.id.to_string(),
                    reason: format!(
                        "leads team {} as its {needed}; give the team a new {needed} first",
                        team.id
                    ),
                });
            }
        }
        Ok(ctx.update(&old, user)?.value)
    }
}

/// Adds a team (admin only).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AddTeam {
    /// New team's id.
    pub id: TeamId,
    /// Its name.
    pub name: String,
    /// The leading manager (an active manager).
    pub manager: UserId,
    /// The director it rolls up to (an active director).
    pub director: Option<UserId>,
}

impl Command for AddTeam {
    type Output = Team;
    const NAME: &'static str = "org.add_team";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        admin_only(ctx, "add teams")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Team> {
        validate_id("id", self.id.as_str())?;
        validate_name("name", &self.name)?;
        leader(ctx, "manager", &self.manager, Role::Manager)?;
        if let Some(d) = &self.director {
            leader(ctx, "director", d, Role::Director)?;
        }
        let team = Team {
            id: self.id.clone(),
            name: self.name.clone(),
            manager: self.manager.clone(),
            director: self.director.clone(),
        };
        Ok(ctx.insert(&team)?.value)
    }
}

/// Changes a team (admin only). Absent fields stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UpdateTeam {
    /// The team to change.
    pub id: TeamId,
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New leading manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<UserId>,
    /// New director.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub director: Option<UserId>,
    /// Takes the director off the team (not with `director`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remove_director: bool,
}

impl Command for UpdateTeam {
    type Output = Team;
    const NAME: &'static str = "org.update_team";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        admin_only(ctx, "change teams")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Team> {
        let old = ctx.load::<Team>(self.id.as_str())?;
        let mut team = old.value.clone();
        if let Some(name) = &self.name {
            validate_name("name", name)?;
            team.name = name.clone();
        }
        if let Some(m) = &self.manager {
            leader(ctx, "manager", m, Role::Manager)?;
            team.manager = m.clone();
        }
        match (&self.director, self.remove_director) {
            (Some(_), true) => {
                return Err(Error::invalid(
                    "remove_director",
                    "give a new director or remove the director, not both",
                ));
            }
            (Some(d), false) => {
                leader(ctx, "director", d, Role::Director)?;
                team.director = Some(d.clone());
            }
            (None, true) => team.director = None,
            (None, false) => {}
        }
        Ok(ctx.update(&old, team)?.value)
    }
}
