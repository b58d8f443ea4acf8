//! Delegation: an approver names a substitute for a date range.

use std::ops::ControlFlow;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::document::{self, Document};
use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::ids::{UserId, validate_id};
use crate::org::User;
use crate::store::Transaction;

/// A delegation of review authority from one user to another, for a date range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Delegation {
    /// `{from}:{to}:{first day}`.
    pub id: String,
    /// Whose authority.
    pub from: UserId,
    /// Who may use it.
    pub to: UserId,
    /// First day (inclusive).
    pub first_day: NaiveDate,
    /// Last day (inclusive).
    pub last_day: NaiveDate,
    /// When it was granted.
    pub created_at: DateTime<Utc>,
}

impl Document for Delegation {
    const COLLECTION: &'static str = "delegations";
    const KIND: &'static str = "delegation";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

/// The users who delegated to `to` for `day` (active ones only).
pub fn delegators_of(tx: &mut dyn Transaction, to: &UserId, day: NaiveDate) -> Result<Vec<User>> {
    let mut from = Vec::new();
    document::scan::<Delegation>(tx, "", |d| {
        let d = d.value;
        if &d.to == to && d.first_day <= day && day <= d.last_day {
            from.push(d.from);
        }
        ControlFlow::Continue(())
    })?;
    let mut users = Vec::new();
    for id in from {
        if let Some(u) = document::get::<User>(tx, id.as_str())?
            && u.value.active
        {
            users.push(u.value);
        }
    }
    Ok(users)
}

/// Delegates the actor's review authority to `to` from `first_day` to `last_day`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Delegate {
    /// The substitute.
    pub to: UserId,
    /// First day (inclusive).
    pub first_day: NaiveDate,
    /// Last day (inclusive).
    pub last_day: NaiveDate,
}

impl Command for Delegate {
    type Output = Delegation;
    const NAME: &'static str = "approval.delegate";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let actor = ctx.actor()?;
        if !actor.role.can_review() {
            return Err(Error::not_authorized(
                &actor.id,
                "delegate review authority",
                format!("a {} has none to delegate", actor.role),
            ));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Delegation> {
        validate_id("to", self.to.as_str())?;
        let from = ctx.actor()?.id.clone();
        if self.to == from {
            return Err(Error::invalid("to", "a user cannot delegate to themselves"));
        }
        if self.last_day < self.first_day {
            return Err(Error::invalid(
                "last_day",
                format!(
                    "{} is before the first day {}",
                    self.last_day, self.first_day
                ),
            ));
        }
        match ctx.get::<User>(self.to.as_str())? {
            Some(u) if u.value.active => {}
            _ => {
                return Err(Error::invalid(
                    "to",
                    format!("{} is not an active user", self.to),
                ));
            }
        }
        let delegation = Delegation {
            id: format!("{from}:{}:{}", self.to, self.first_day),
            from,
            to: self.to.clone(),
            first_day: self.first_day,
            last_day: self.last_day,
            created_at: ctx.now(),
        };
        Ok(ctx.insert(&delegation)?.value)
    }
}
