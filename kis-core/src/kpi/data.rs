//! KPI inputs: annual targets per rep (P2.2), satisfaction surveys (P5.3b) and the
//! manager's rating (P5.3c).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::score::Metrics;
use crate::document::Document;
use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::expense::BudgetPlan;
use crate::ids::{UserId, validate_id};
use crate::org::{Directory, Role, User};
use crate::sales::Customer;

/// A rep's annual targets, with the monthly distribution of the summed indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Targets {
    /// `{year}:{rep}`.
    pub id: String,
    /// The rep.
    pub rep: UserId,
    /// The year.
    pub year: i32,
    /// Annual targets: revenue, profit and new customers are totals; satisfaction and
    /// supervisor are levels (the same every month).
    pub annual: Metrics,
    /// Percent of the year per month for the totals (`None`: even).
    pub distribution: Option<Vec<Decimal>>,
    /// Who set them.
    pub set_by: UserId,
}

impl Document for Targets {
    const COLLECTION: &'static str = "kpi_targets";
    const KIND: &'static str = "targets";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

impl Targets {
    /// The targets of each month, January first: [`month`](Self::month) of 1..=12 at
    /// once (a year's scoring asks for all twelve of every rep).
    pub fn months(&self, rounding: crate::money::RoundingPolicy) -> [Metrics; 12] {
        let spread = |annual: Option<Decimal>| {
            annual
                .and_then(|a| BudgetPlan::new(a, self.distribution.clone()).ok())
                .map(|p| p.months(rounding))
        };
        let (revenue, profit, new_customers) = (
            spread(self.annual.revenue),
            spread(self.annual.profit),
            spread(self.annual.new_customers),
        );
        std::array::from_fn(|i| Metrics {
            revenue: revenue.and_then(|m| m.get(i).copied()),
            profit: profit.and_then(|m| m.get(i).copied()),
            new_customers: new_customers.and_then(|m| m.get(i).copied()),
            satisfaction: self.annual.satisfaction,
            supervisor: self.annual.supervisor,
        })
    }

    /// The targets of one month (1-12), by the distribution, rounded by `rounding`.
    pub fn month(&self, month: u32, rounding: crate::money::RoundingPolicy) -> Metrics {
        let share = |annual: Option<Decimal>| {
            annual
                .and_then(|a| BudgetPlan::new(a, self.distribution.clone()).ok())
                .map(|p| p.month(month, rounding))
        };
        Metrics {
            revenue: share(self.annual.revenue),
            profit: share(self.annual.profit),
            new_customers: share(self.annual.new_customers),
            satisfaction: self.annual.satisfaction,
            supervisor: self.annual.supervisor,
        }
    }
}

/// Sets a rep's annual targets: the director (P2.2) or the rep's manager.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SetTargets {
    /// The rep.
    pub rep: UserId,
    /// The year.
    pub year: i32,
    /// The annual targets.
    pub annual: Metrics,
    /// Percent per month, January first (`None`: even).
    pub distribution: Option<Vec<Decimal>>,
}

impl Command for SetTargets {
    type Output = Targets;
    const NAME: &'static str = "kpi.set_targets";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let actor = ctx.actor()?.clone();
        let allowed = match actor.role {
            Role::Director => true,
            Role::Manager => Directory::new(ctx.tx()).leads_team_of(&actor.id, &self.rep)?,
            _ => false,
        };
        if !allowed {
            return Err(Error::not_authorized(
                &actor.id,
                "set targets",
                "the director or the rep's own manager sets targets (P2.2, P2.3)",
            ));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Targets> {
        crate::input::year("year", self.year.into())?;
        match ctx.get::<User>(self.rep.as_str())? {
            Some(u) if u.value.role == Role::Rep => {}
            _ => return Err(Error::invalid("rep", format!("{} is not a rep", self.rep))),
        }
        for (name, v) in [
            ("revenue", self.annual.revenue),
            ("profit", self.annual.profit),
            ("new_customers", self.annual.new_customers),
            ("satisfaction", self.annual.satisfaction),
            ("supervisor", self.annual.supervisor),
        ] {
            if v.is_some_and(|v| v < Decimal::ZERO) {
                return Err(Error::invalid(
                    format!("annual.{name}"),
                    "must not be negative",
                ));
            }
        }
        // The distribution is checked like a budget's: twelve months summing to 100.
        BudgetPlan::new(Decimal::ONE, self.distribution.clone())?;
        let targets = Targets {
            id: format!("{}:{}", self.year, self.rep),
            rep: self.rep.clone(),
            year: self.year,
            annual: self.annual.clone(),
            distribution: self.distribution.clone(),
            set_by: ctx.actor()?.id.clone(),
        };
        match ctx.get::<Targets>(&targets.id)? {
            Some(old) => Ok(ctx.update(&old, targets)?.value),
            None => Ok(ctx.insert(&targets)?.value),
        }
    }
}

/// How a survey was taken (P5.3b).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SurveyChannel {
    /// A questionnaire.
    Questionnaire,
    /// A phone visit.
    Phone,
}

/// A customer's satisfaction score for a rep (P5.3b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Survey {
    /// Id.
    pub id: String,
    /// The customer.
    pub customer: String,
    /// The rep rated.
    pub rep: UserId,
    /// When.
    pub date: NaiveDate,
    /// The score (0-100 scale, or the company's own scale used consistently).
    pub score: Decimal,
    /// How it was taken.
    pub channel: SurveyChannel,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl Document for Survey {
    const COLLECTION: &'static str = "surveys";
    const KIND: &'static str = "survey";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

/// Records a survey. Marketing, the director, an admin or the rep's manager records
/// it; never the rep it rates.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecordSurvey {
    /// Id.
    pub id: String,
    /// The customer.
    pub customer: String,
    /// When.
    pub date: NaiveDate,
    /// The score (0-100).
    pub score: Decimal,
    /// How.
    pub channel: SurveyChannel,
}

impl Command for RecordSurvey {
    type Output = Survey;
    const NAME: &'static str = "kpi.record_survey";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let actor = ctx.actor()?.clone();
        let owner = ctx.load::<Customer>(&self.customer)?.value.owner;
        let allowed = match actor.role {
            Role::Marketing | Role::Director | Role::Admin => true,
            Role::Manager => Directory::new(ctx.tx()).leads_team_of(&actor.id, &owner)?,
            _ => false,
        };
        if !allowed {
            return Err(Error::not_authorized(
                &actor.id,
                "record a survey",
                "surveys are recorded by marketing, the rep's manager or the director, not by the rep rated (P5.3b)",
            ));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Survey> {
        validate_id("id", &self.id)?;
        if self.score < Decimal::ZERO || self.score > Decimal::ONE_HUNDRED {
            return Err(Error::invalid(
                "score",
                format!("{} is not in 0..100", self.score),
            ));
        }
        let customer = ctx.load::<Customer>(&self.customer)?.value;
        let survey = Survey {
            id: self.id.clone(),
            customer: customer.id,
            rep: customer.owner,
            date: self.date,
            score: self.score,
            channel: self.channel,
            recorded_by: ctx.actor()?.id.clone(),
            recorded_at: ctx.now(),
        };
        Ok(ctx.insert(&survey)?.value)
    }
}

/// The manager's rating of a rep's month (P5.3c).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rating {
    /// `{year}-{month}:{rep}`.
    pub id: String,
    /// The rep.
    pub rep: UserId,
    /// The year.
    pub year: i32,
    /// The month (1-12).
    pub month: u32,
    /// The score (0-100).
    pub score: Decimal,
    /// The rating manager.
    pub by: UserId,
}

impl Document for Rating {
    const COLLECTION: &'static str = "ratings";
    const KIND: &'static str = "rating";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

/// The rep's own manager rates a month of daily work (P5.3c).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RateRep {
    /// The rep.
    pub rep: UserId,
    /// The year.
    pub year: i32,
    /// The month (1-12).
    pub month: u32,
    /// The score (0-100).
    pub score: Decimal,
}

impl Command for RateRep {
    type Output = Rating;
    const NAME: &'static str = "kpi.rate_rep";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let actor = ctx.actor()?.clone();
        if !(actor.role == Role::Manager
            && Directory::new(ctx.tx()).leads_team_of(&actor.id, &self.rep)?)
        {
            return Err(Error::not_authorized(
                &actor.id,
                format!("rate {}", self.rep),
                "only the rep's own manager rates their work (P5.3c)",
            ));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Rating> {
        crate::input::year("year", self.year.into())?;
        if !(1..=12).contains(&self.month) {
            return Err(Error::invalid(
                "month",
                format!("{} is not a month", self.month),
            ));
        }
        if self.score < Decimal::ZERO || self.score > Decimal::ONE_HUNDRED {
            return Err(Error::invalid(
                "score",
                format!("{} is not in 0..100", self.score),
            ));
        }
        let rating = Rating {
            id: format!("{}-{:02}:{}", self.year, self.month, self.rep),
            rep: self.rep.clone(),
            year: self.year,
            month: self.month,
            score: self.score,
            by: ctx.actor()?.id.clone(),
        };
        match ctx.get::<Rating>(&rating.id)? {
            Some(old) => Ok(ctx.update(&old, rating)?.value),
            None => Ok(ctx.insert(&rating)?.value),
        }
    }
}
