//! Visits and follow-ups (P3.1b, P3.6), the revisit due list and the care calendar of
//! birthdays and holidays (P8.2).

use std::ops::ControlFlow;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::document::{self, Document};
use crate::engine::{Command, CommandContext, Engine};
use crate::error::{Error, Result};
use crate::ids::{UserId, validate_id};
use crate::org::Actor;
use crate::policy::CrmPolicy;
use crate::sales::{Customer, FactText, SalesFact, may_see, read_segments};

/// How a customer was contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// In person.
    Visit,
    /// By phone.
    Call,
}

/// A logged visit or call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Visit {
    /// Id.
    pub id: String,
    /// The customer.
    pub customer: String,
    /// Who contacted them.
    pub rep: UserId,
    /// When.
    pub date: NaiveDate,
    /// How.
    pub kind: VisitKind,
    /// What came of it (needs, feedback: P2.4, P3.6).
    pub notes: String,
    /// When it was logged.
    pub logged_at: DateTime<Utc>,
}

impl Document for Visit {
    const COLLECTION: &'static str = "visits";
    const KIND: &'static str = "visit";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

/// Logs a visit or call to a customer the actor may see.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LogVisit {
    /// Id.
    pub id: String,
    /// The customer.
    pub customer: String,
    /// When.
    pub date: NaiveDate,
    /// How.
    pub kind: VisitKind,
    /// What came of it.
    pub notes: String,
}

impl Command for LogVisit {
    type Output = Visit;
    const NAME: &'static str = "crm.log_visit";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let actor = ctx.actor()?.clone();
        let owner = ctx.load::<Customer>(&self.customer)?.value.owner;
        if !may_see(ctx.tx(), &actor, &owner)? {
            return Err(Error::not_authorized(
                &actor.id,
                "log a visit to this customer",
                "it belongs to another team (P2)",
            ));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Visit> {
        validate_id("id", &self.id)?;
        if self.date > ctx.today() {
            return Err(Error::invalid(
                "date",
                format!("{} is in the future", self.date),
            ));
        }
        let visit = Visit {
            id: self.id.clone(),
            customer: self.customer.clone(),
            rep: ctx.actor()?.id.clone(),
            date: self.date,
            kind: self.kind,
            notes: self.notes.clone(),
            logged_at: ctx.now(),
        };
        Ok(ctx.insert(&visit)?.value)
    }
}

/// A customer due for a revisit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Due {
    /// The customer.
    pub customer: String,
    /// Its owner.
    pub owner: UserId,
    /// The last visit or call (or when the customer was recorded).
    pub last_contact: NaiveDate,
    /// When the next one is due.
    pub due: NaiveDate,
    /// Days past due (0: due today).
    pub days_overdue: i64,
}

/// A greeting to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Greeting {
    /// The day.
    pub date: NaiveDate,
    /// The customer.
    pub customer: String,
    /// The contact greeted (for birthdays).
    pub contact: Option<String>,
    /// What for.
    pub occasion: String,
    /// The customer's owner, who sends it.
    pub owner: UserId,
}

/// The day a birthday is greeted in `year`: 29 February falls on 28 February in a
/// common year (greeted on the last day of February rather than skipped).
pub fn birthday_in(birthday: NaiveDate, year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, birthday.month(), birthday.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .unwrap_or(birthday)
}

/// The revisits due on `today` (pure): each customer's last contact plus its group's
/// interval; due today or earlier.
pub fn due_list(
    crm: &CrmPolicy,
    customers: &[Customer],
    visits: &[Visit],
    today: NaiveDate,
) -> Vec<Due> {
    let mut out: Vec<Due> = customers
        .iter()
        .filter_map(|c| {
            let last = visits
                .iter()
                .filter(|v| v.customer == c.id)
                .map(|v| v.date)
                .max()
                .unwrap_or(c.created_at.date_naive());
            // A due date past the calendar is never due.
            let due = last
                .checked_add_days(chrono::Days::new(u64::from(crm.revisit_days_for(&c.group))))?;
            (due <= today).then(|| Due {
                customer: c.id.clone(),
                owner: c.owner.clone(),
                last_contact: last,
                due,
                days_overdue: today.signed_duration_since(due).num_days(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then_with(|| a.customer.cmp(&b.customer))
    });
    out
}

/// The greetings due in `from..=to` (pure): contacts' birthdays and the policy's holidays.
pub fn care_calendar(
    crm: &CrmPolicy,
    customers: &[Customer],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Greeting> {
    let mut out = Vec::new();
    for year in from.year()..=to.year() {
        for c in customers {
            for k in &c.contacts {
                if let Some(b) = k.birthday {
                    let day = birthday_in(b, year);
                    if from <= day && day <= to {
                        let note = if b.month() == 2 && b.day() == 29 && day.day() == 28 {
                            " (29 February, greeted on the 28th this year)"
                        } else {
                            ""
                        };
                        out.push(Greeting {
                            date: day,
                            customer: c.id.clone(),
                            contact: Some(k.name.clone()),
                            occasion: format!("birthday{note}"),
                            owner: c.owner.clone(),
                        });
                    }
                }
            }
            for h in &crm.holidays {
                if let Some(day) = h.date_in(year)
                    && from <= day
                    && day <= to
                {
                    out.push(Greeting {
                        date: day,
                        customer: c.id.clone(),
                        contact: None,
                        occasion: h.name.clone(),
                        owner: c.owner.clone(),
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| a.customer.cmp(&b.customer))
            .then_with(|| a.contact.cmp(&b.contact))
    });
    out
}

impl Engine {
    fn visible_customers(&self, actor: &Actor) -> Result<Vec<Customer>> {
        self.customers(actor)
    }

    /// The actor's customers due for a revisit (P3.6, P8.2), most overdue first.
    pub fn revisits_due(&self, actor: &Actor) -> Result<Vec<Due>> {
        let customers = self.visible_customers(actor)?;
        let visits = self.read(|tx| document::all::<Visit>(tx))?;
        Ok(due_list(
            self.policy().crm(),
            &customers,
            &visits,
            self.today(),
        ))
    }

    /// The greetings due in a date range for the actor's customers (P8.2).
    pub fn care_calendar(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Greeting>> {
        if to < from {
            return Err(Error::invalid("to", format!("{to} is before {from}")));
        }
        let customers = self.visible_customers(actor)?;
        Ok(care_calendar(self.policy().crm(), &customers, from, to))
    }

    /// A customer's purchase history, derived from delivered orders (P8.1): never typed
    /// in twice.
    pub fn purchase_history(&self, actor: &Actor, customer: &str) -> Result<Vec<SalesFact>> {
        let viewer = self.acting_user(actor)?;
        self.read(|tx| {
            let c = document::load::<Customer>(tx, customer)?.value;
            if !may_see(tx, &viewer, &c.owner)? {
                return Err(Error::not_authorized(
                    &viewer.id,
                    format!("read customer {customer}"),
                    "it belongs to another team (P2)",
                ));
            }
            // Only the customer column is read for the facts of other customers.
            let mut out = Vec::new();
            read_segments(tx, NaiveDate::MIN, NaiveDate::MAX, |d| {
                for i in d.rows.clone() {
                    if d.segment.text(FactText::Customer, i) == c.id {
                        out.push(d.segment.fact(i)?);
                    }
                }
                Ok(ControlFlow::Continue(()))
            })?;
            Ok(out)
        })
    }

    /// One customer's record, if the actor may see it (P2).
    pub fn customer(&self, actor: &Actor, id: &str) -> Result<Customer> {
        let viewer = self.acting_user(actor)?;
        self.read(|tx| {
            let c = document::load::<Customer>(tx, id)?.value;
            if !may_see(tx, &viewer, &c.owner)? {
                return Err(Error::not_authorized(
                    &viewer.id,
                    format!("read customer {id}"),
                    "it belongs to another team (P2)",
                ));
            }
            Ok(c)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_29_february_birthday_is_greeted_on_the_28th_in_a_common_year() {
        let b = NaiveDate::from_ymd_opt(1992, 2, 29).unwrap();
        assert_eq!(
            birthday_in(b, 2027),
            NaiveDate::from_ymd_opt(2027, 2, 28).unwrap()
        );
        assert_eq!(
            birthday_in(b, 2028),
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
        );
    }
}
