//! A whole year scored from the store in one pass (P5.2): the facts of the year tallied
//! once, then every rep's twelve monthly cards and the annual card, as the table path
//! scores them.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use chrono::{Datelike, NaiveDate};

use super::Period;
use super::calendar::YearCalendar;
use super::data::{Rating, Survey, Targets};
use super::tally::{SalesTally, YearInputs, YearScore, score_year_on};
use crate::document;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::org::visibility::Visibility;
use crate::org::{Actor, Role, Team, User};
use crate::sales::{Customer, DatedSegment, FactDecimal, fold_fact_chunks};
use crate::store::Transaction;

/// When each customer first signed a contract: the month it counts as new (P5.3a).
pub(crate) fn first_signings(tx: &mut dyn Transaction) -> Result<HashMap<String, NaiveDate>> {
    let mut first: HashMap<String, NaiveDate> = HashMap::new();
    for c in document::all::<crate::sales::Contract>(tx)? {
        if let Some(s) = &c.signing {
            let e = first.entry(c.customer.clone()).or_insert(s.signed_on);
            *e = (*e).min(s.signed_on);
        }
    }
    Ok(first)
}

pub(crate) fn read_inputs(tx: &mut dyn Transaction, year: i32) -> Result<YearInputs> {
    let mut inputs = YearInputs::default();
    document::scan::<Targets>(tx, &format!("{year}:"), |t| {
        inputs.targets.insert(t.value.rep.to_string(), t.value);
        ControlFlow::Continue(())
    })?;
    let owners: HashMap<String, UserId> = document::all::<Customer>(tx)?
        .into_iter()
        .map(|c| (c.id, c.owner))
        .collect();
    for (customer, signed) in first_signings(tx)? {
        if signed.year() == year
            && let Some(owner) = owners.get(&customer)
            && let Some(n) = inputs
                .new_customers
                .entry(owner.to_string())
                .or_default()
                .get_mut(signed.month0() as usize)
        {
            *n = n.saturating_add(1);
        }
    }
    for s in document::all::<Survey>(tx)? {
        if s.date.year() == year
            && let Some(month) = inputs
                .surveys
                .entry(s.rep.to_string())
                .or_default()
                .get_mut(s.date.month0() as usize)
        {
            month.push(s.score);
        }
    }
    document::scan::<Rating>(tx, &format!("{year}-"), |r| {
        let r = r.value;
        if r.year == year
            && (1..=12).contains(&r.month)
            && let Some(month) = inputs
                .ratings
                .entry(r.rep.to_string())
                .or_default()
                .get_mut((r.month as usize).saturating_sub(1))
        {
            month.push(r.score);
        }
        ControlFlow::Continue(())
    })?;
    Ok(inputs)
}

/// Adds the segments' facts to the tally, credit by credit, from the segments' integer
/// parts (no decimal is built per fact).
fn tally_segments(
    tally: &mut SalesTally,
    cal: &YearCalendar,
    segments: &[DatedSegment<'_>],
) -> Result<()> {
    for DatedSegment { segment, rows } in segments {
        for i in rows.clone() {
            let (day, amount, cost) = (
                segment.day(i),
                segment.decimal_parts(FactDecimal::Amount, i),
                segment.decimal_parts(FactDecimal::Cost, i),
            );
            for k in segment.credits(i) {
                tally.add_parts(
                    cal,
                    segment.credit_rep(k),
                    day,
                    amount,
                    cost,
                    segment.credit_share_parts(k),
                )?;
            }
        }
    }
    Ok(())
}

/// Tallies a period's facts from the store (a month, or a year), decoding on `workers`
/// threads; the partial tallies are merged (integer sums: the order does not matter).
pub(crate) fn tally_period(
    tx: &mut dyn Transaction,
    period: Period,
    workers: usize,
) -> Result<SalesTally> {
    let year = period.first().year();
    let cal = YearCalendar::new(year)?;
    let parts = fold_fact_chunks(
        tx,
        period.first(),
        period.last(),
        workers,
        || SalesTally::new(year),
        |tally, _, chunk| tally_segments(tally, &cal, &chunk.segments()?),
    )?;
    let mut tally = SalesTally::new(year);
    for part in parts {
        tally.merge(part)?;
    }
    Ok(tally)
}

impl Engine {
    /// Every rep's scorecards of `year`, months 1-12 and the year, from one scan of the
    /// year's facts, under the policy in force at the end of the year. A rep sees their
    /// own, a manager their team's, the director and back office everyone's (P2).
    pub fn score_year(&self, actor: &Actor, year: i32) -> Result<Vec<YearScore>> {
        let viewer = self.acting_user(actor)?;
        let period = Period::Year(year);
        let policy = self.policy_for_period(period)?;
        let (mut tally, inputs, users, teams) = self.read(|tx| {
            Ok::<_, Error>((
                tally_period(tx, period, self.reader_threads())?,
                read_inputs(tx, year)?,
                document::all::<User>(tx)?,
                document::all::<Team>(tx)?,
            ))
        })?;
        let reps: HashSet<&str> = users
            .iter()
            .filter(|u| u.role == Role::Rep)
            .map(|u| u.id.as_str())
            .collect();
        // Every rep gets cards, with or without sales, as on the scoreboard.
        for rep in &reps {
            tally.slot(rep);
        }
        let visible = Visibility::of(&viewer, &users, &teams);
        let mut scores = score_year_on(&policy, &tally, &inputs, self.reader_threads())?;
        scores.retain(|s| {
            reps.contains(s.rep.as_str()) && visible.rep(&UserId::from(s.rep.as_str()))
        });
        Ok(scores)
    }
}
