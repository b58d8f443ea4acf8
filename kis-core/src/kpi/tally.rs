//! A year of sales, tallied per rep and month, exactly and fast: the KPI actuals of
//! P5.3a for millions of facts. Sums are kept as scaled integers (`amount x share_pct` at
//! [`TALLY_SCALE`] decimals), so adding a fact is two integer additions and nothing is
//! ever rounded until a total is read.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::data::Targets;
use super::score::{Metrics, Scorecard, score};
use crate::error::{Error, Result};
use crate::policy::Policy;

/// Decimals of the tally's integer sums. An amount with `a` decimals times a share with
/// `s` decimals needs `a + s <= TALLY_SCALE`.
pub const TALLY_SCALE: u32 = 12;

/// One rep's sums for one month, at [`TALLY_SCALE`], still multiplied by the share in
/// percent (divided by 100 when read).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    /// Sum of `amount x share_pct`.
    pub revenue: i128,
    /// Sum of `(amount - cost) x share_pct`.
    pub profit: i128,
}

/// Per rep and month sums of share-weighted revenue and profit for one year.
#[derive(Debug, Clone)]
pub struct SalesTally {
    year: i32,
    slots: HashMap<String, usize>,
    reps: Vec<String>,
    cells: Vec<[Cell; 12]>,
}

/// `value` as an integer at [`TALLY_SCALE`] decimals.
fn scaled(value: Decimal, field: &str) -> Result<i128> {
    let v = if value.scale() > TALLY_SCALE {
        value.round_dp(TALLY_SCALE)
    } else {
        value
    };
    let up = 10i128.pow(TALLY_SCALE - v.scale());
    v.mantissa()
        .checked_mul(up)
        .ok_or_else(|| Error::invalid(field, format!("{value} is too large to tally exactly")))
}

/// Reads a tally sum back: `sum / 10^TALLY_SCALE / 100`.
fn unscale(sum: i128) -> Decimal {
    // `sum` fits a Decimal for any realistic year (96 bits: 7.9e28 at scale 12+2).
    Decimal::try_from_i128_with_scale(sum, TALLY_SCALE + 2)
        .unwrap_or_else(|_| Decimal::from_i128_with_scale(sum / 10i128.pow(8), TALLY_SCALE - 6))
        .normalize()
}

impl SalesTally {
    /// An empty tally of `year`.
    pub fn new(year: i32) -> Self {
        SalesTally {
            year,
            slots: HashMap::new(),
            reps: Vec::new(),
            cells: Vec::new(),
        }
    }

    /// The year tallied.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The rep's slot, created on first use.
    pub fn slot(&mut self, rep: &str) -> usize {
        if let Some(&s) = self.slots.get(rep) {
            return s;
        }
        let s = self.reps.len();
        self.slots.insert(rep.to_string(), s);
        self.reps.push(rep.to_string());
        self.cells.push([Cell::default(); 12]);
        s
    }

    /// Adds pre-scaled sums to a slot's month (0 = January): the fast path of columnar
    /// inputs, which scale a whole column at once.
    #[inline]
    pub fn add_scaled(&mut self, slot: usize, month0: usize, revenue: i128, profit: i128) {
        let cell = &mut self.cells[slot][month0];
        cell.revenue += revenue;
        cell.profit += profit;
    }

    /// Adds one credited sale: `share_pct` of `amount` and of `amount - cost` to `rep`'s
    /// month of `date`. Sales of other years are ignored.
    pub fn add(
        &mut self,
        rep: &str,
        date: NaiveDate,
        amount: Decimal,
        cost: Decimal,
        share_pct: Decimal,
    ) -> Result<()> {
        if date.year() != self.year {
            return Ok(());
        }
        let revenue = scaled(amount * share_pct, "amount")?;
        let profit = scaled((amount - cost) * share_pct, "cost")?;
        let slot = self.slot(rep);
        self.add_scaled(slot, date.month0() as usize, revenue, profit);
        Ok(())
    }

    /// Adds another tally of the same year (a partial tally of another thread).
    pub fn merge(&mut self, other: SalesTally) -> Result<()> {
        if other.year != self.year {
            return Err(Error::invalid(
                "year",
                format!("cannot merge {} into {}", other.year, self.year),
            ));
        }
        for (rep, months) in other.reps.iter().zip(other.cells) {
            let slot = self.slot(rep);
            for (m, c) in months.iter().enumerate() {
                self.add_scaled(slot, m, c.revenue, c.profit);
            }
        }
        Ok(())
    }

    /// The reps tallied, in the order first seen.
    pub fn reps(&self) -> &[String] {
        &self.reps
    }

    /// Revenue and profit of `rep` in `month` (1-12), or the whole year for `None`.
    /// Exact; the caller rounds by policy.
    pub fn totals(&self, rep: &str, month: Option<u32>) -> (Decimal, Decimal) {
        let Some(&slot) = self.slots.get(rep) else {
            return (Decimal::ZERO, Decimal::ZERO);
        };
        let cells = &self.cells[slot];
        let (r, p) = match month {
            Some(m) if (1..=12).contains(&m) => {
                let c = cells[m as usize - 1];
                (c.revenue, c.profit)
            }
            Some(_) => (0, 0),
            None => cells
                .iter()
                .fold((0, 0), |(r, p), c| (r + c.revenue, p + c.profit)),
        };
        (unscale(r), unscale(p))
    }
}

/// The other inputs of a year's scoring, per rep: new customers per month (P5.3a),
/// survey scores (P5.3b) and supervisor ratings (P5.3c) per month.
#[derive(Debug, Clone, Default)]
pub struct YearInputs {
    /// Annual targets by rep.
    pub targets: HashMap<String, Targets>,
    /// New customers won, by rep, per month (index 0 = January).
    pub new_customers: HashMap<String, [u32; 12]>,
    /// Survey scores, by rep, per month.
    pub surveys: HashMap<String, [Vec<Decimal>; 12]>,
    /// Supervisor ratings, by rep, per month.
    pub ratings: HashMap<String, [Vec<Decimal>; 12]>,
}

/// One rep's scorecard for a month or for the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearScore {
    /// The rep.
    pub rep: String,
    /// The month (1-12), or `None` for the annual scorecard.
    pub month: Option<u32>,
    /// What they achieved.
    pub actuals: Metrics,
    /// Their targets.
    pub targets: Metrics,
    /// The score and its breakdown.
    pub card: Scorecard,
}

fn average<'a>(scores: impl Iterator<Item = &'a Decimal>) -> Option<Decimal> {
    let (sum, n) = scores.fold((Decimal::ZERO, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| (sum / Decimal::from(n)).round_dp(4))
}

/// One rep's scorecard for a month (1-12) or, for `None`, the year: actuals from the
/// tally and the inputs (P5.3), targets by the distribution, scored by the policy. The
/// scoreboard, the store's year and the tables' year all score through here.
pub fn score_rep(
    policy: &Policy,
    tally: &SalesTally,
    inputs: &YearInputs,
    rep: &str,
    month: Option<u32>,
) -> YearScore {
    let rounding = policy.rounding();
    let (revenue, profit) = tally.totals(rep, month);
    let pick = |per_month: Option<&[Vec<Decimal>; 12]>| {
        per_month.and_then(|m| match month {
            Some(mo) => average(m[mo as usize - 1].iter()),
            None => average(m.iter().flatten()),
        })
    };
    let new_count = inputs.new_customers.get(rep).map_or(0, |n| match month {
        Some(mo) => n[mo as usize - 1],
        None => n.iter().sum(),
    });
    let actuals = Metrics {
        revenue: Some(rounding.round_decimal(revenue)),
        profit: Some(rounding.round_decimal(profit)),
        new_customers: Some(Decimal::from(new_count)),
        satisfaction: pick(inputs.surveys.get(rep)),
        supervisor: pick(inputs.ratings.get(rep)),
    };
    let targets = match (inputs.targets.get(rep), month) {
        (None, _) => Metrics::default(),
        (Some(t), Some(mo)) => t.month(mo, rounding),
        (Some(t), None) => t.annual.clone(),
    };
    let card = score(policy.kpi(), &actuals, &targets);
    YearScore {
        rep: rep.to_string(),
        month,
        actuals,
        targets,
        card,
    }
}

/// Scores every rep of the tally and of `inputs` for each month of the year and for the
/// year as a whole (the annual card uses annual actuals and targets, not an average of
/// months, P5.2b). Reps in name order, months 1-12 then the year.
pub fn score_year(policy: &Policy, tally: &SalesTally, inputs: &YearInputs) -> Vec<YearScore> {
    let mut reps: Vec<&str> = tally
        .reps()
        .iter()
        .map(String::as_str)
        .chain(inputs.targets.keys().map(String::as_str))
        .collect();
    reps.sort_unstable();
    reps.dedup();
    reps.iter()
        .flat_map(|rep| {
            (1..=12)
                .map(Some)
                .chain([None])
                .map(move |month| score_rep(policy, tally, inputs, rep, month))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn day(m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, dd).unwrap()
    }

    #[test]
    fn a_split_sale_is_credited_by_share_exactly() {
        let mut t = SalesTally::new(2026);
        t.add("a", day(3, 1), d("10000"), d("6000"), d("60"))
            .unwrap();
        t.add("b", day(3, 1), d("10000"), d("6000"), d("40"))
            .unwrap();
        t.add("a", day(3, 9), d("0.01"), d("0"), d("33.33"))
            .unwrap();
        t.add("a", day(4, 1), d("1"), d("0"), d("100")).unwrap();
        t.add(
            "a",
            NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            d("5"),
            d("0"),
            d("100"),
        )
        .unwrap();
        assert_eq!(t.totals("a", Some(3)), (d("6000.003333"), d("2400.003333")));
        assert_eq!(t.totals("b", Some(3)), (d("4000"), d("1600")));
        assert_eq!(t.totals("a", None).0, d("6001.003333"));
        assert_eq!(t.totals("nobody", Some(3)), (Decimal::ZERO, Decimal::ZERO));
        let mut other = SalesTally::new(2026);
        other.add("b", day(3, 2), d("1"), d("1"), d("100")).unwrap();
        other
            .add("c", day(12, 31), d("2"), d("1"), d("100"))
            .unwrap();
        t.merge(other).unwrap();
        assert_eq!(t.totals("b", Some(3)).0, d("4001"));
        assert_eq!(t.totals("c", Some(12)), (d("2"), d("1")));
        assert!(t.merge(SalesTally::new(2025)).is_err());
    }
}
