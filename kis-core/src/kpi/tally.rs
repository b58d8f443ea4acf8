//! A year of sales, tallied per rep and month, exactly and fast: the KPI actuals of
//! P5.3a for millions of facts. Sums are kept as scaled integers (`amount x share_pct` at
//! [`TALLY_SCALE`] decimals), so adding a fact is two integer additions and nothing is
//! ever rounded until a total is read.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::calendar::YearCalendar;
use super::data::Targets;
use super::rep_hash::RepHash;
use super::score::{CardFigures, Metrics, Scorecard, score, score_figures, scorecard};
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
    slots: HashMap<String, usize, RepHash>,
    reps: Vec<String>,
    cells: Vec<[Cell; 12]>,
}

/// A sum that no longer fits the tally's 128-bit integers (far beyond any company's
/// sales: about 1.7e22 in money units at 12 decimals, times shares in percent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TallyOverflow;

/// `value` as an integer at [`TALLY_SCALE`] decimals: exactly, or refused (a value with
/// more decimals than the tally keeps is not rounded away).
fn scaled(value: Decimal, field: &str) -> Result<i128> {
    let too_large = || Error::invalid(field, format!("{value} is too large to tally exactly"));
    let v = value.normalize();
    let Some(places) = TALLY_SCALE.checked_sub(v.scale()) else {
        return Err(Error::invalid(
            field,
            format!("{value} has more than {TALLY_SCALE} decimals, which an exact tally keeps"),
        ));
    };
    let up = 10i128.checked_pow(places).ok_or_else(too_large)?;
    v.mantissa().checked_mul(up).ok_or_else(too_large)
}

/// `10^(TALLY_SCALE - scale)`, for a value of `scale` decimals: `None` past the tally's.
fn up_to_tally(scale: u32) -> Option<i128> {
    crate::checked::pow10(TALLY_SCALE.checked_sub(scale)?)
}

/// The tally's (revenue, profit) sums of a credit in integer parts, exactly as
/// [`SalesTally::add`] computes them with decimals: `None` where that would need more
/// than a decimal's 96 bits or the tally's decimals, for `add` to decide.
fn credited(amount: (i128, u32), cost: (i128, u32), share: (i128, u32)) -> Option<(i128, i128)> {
    // What a decimal's mantissa holds: beyond it `add` would fail or round, never this.
    const DECIMAL: u128 = 1 << 96;
    let fits = |v: i128| (v.unsigned_abs() < DECIMAL).then_some(v);
    let ((am, a), (cm, c), (sm, s)) = (amount, cost, share);
    let revenue = fits(am.checked_mul(sm)?)?.checked_mul(up_to_tally(a.checked_add(s)?)?)?;
    // amount - cost, both at the larger of their scales.
    let m = a.max(c);
    let align = |v: i128, scale: u32| -> Option<i128> {
        v.checked_mul(crate::checked::pow10(m.checked_sub(scale)?)?)
    };
    let margin = fits(align(am, a)?.checked_sub(align(cm, c)?)?)?;
    let profit = fits(margin.checked_mul(sm)?)?.checked_mul(up_to_tally(m.checked_add(s)?)?)?;
    Some((revenue, profit))
}

/// Reads a tally sum back: `sum / 10^TALLY_SCALE / 100`, exactly, or an error naming
/// the rep when it does not fit a decimal (28 digits).
fn unscale(sum: i128, rep: &str) -> Result<Decimal> {
    Decimal::try_from_i128_with_scale(sum, TALLY_SCALE + 2)
        .map(|d| d.normalize())
        .map_err(|_| too_many_digits(rep))
}

/// The error of a rep's sum that no decimal holds.
fn too_many_digits(rep: &str) -> Error {
    Error::invalid(
        "facts",
        format!("the sales credited to {rep} sum past 28 significant digits"),
    )
}

impl SalesTally {
    /// An empty tally of `year`.
    pub fn new(year: i32) -> Self {
        SalesTally {
            year,
            slots: HashMap::default(),
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
    /// An unknown slot or month, or a sum past 128 bits, is a [`TallyOverflow`] (the
    /// caller names the row); nothing is added then.
    #[inline]
    pub fn add_scaled(
        &mut self,
        slot: usize,
        month0: usize,
        revenue: i128,
        profit: i128,
    ) -> Result<(), TallyOverflow> {
        let cell = self
            .cells
            .get_mut(slot)
            .and_then(|months| months.get_mut(month0))
            .ok_or(TallyOverflow)?;
        let r = cell.revenue.checked_add(revenue).ok_or(TallyOverflow)?;
        let p = cell.profit.checked_add(profit).ok_or(TallyOverflow)?;
        *cell = Cell {
            revenue: r,
            profit: p,
        };
        Ok(())
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
        let revenue = scaled(crate::checked::mul("amount", amount, share_pct)?, "amount")?;
        let margin = crate::checked::sub("cost", amount, cost)?;
        let profit = scaled(crate::checked::mul("cost", margin, share_pct)?, "cost")?;
        let slot = self.slot(rep);
        self.add_scaled(slot, date.month0() as usize, revenue, profit)
            .map_err(|_| overflowed(rep))
    }

    /// [`add`](Self::add) of a credit read from a stored segment as integer parts
    /// (mantissa, scale): on day number `day`, `share` percent of `amount` and of
    /// `amount - cost` to `rep`. The same sums as `add`, in integers, where every value
    /// and product fits what a decimal holds and the scales fit the tally's; otherwise
    /// `add` itself decides (#21: a year of 10 million facts from the store).
    pub(crate) fn add_parts(
        &mut self,
        cal: &YearCalendar,
        rep: &str,
        day: i32,
        amount: (i128, u32),
        cost: (i128, u32),
        share: (i128, u32),
    ) -> Result<()> {
        let Some(month0) = cal.month0(day) else {
            // Sales of other years are ignored, as by `add`.
            return Ok(());
        };
        match credited(amount, cost, share) {
            Some((revenue, profit)) => {
                let slot = self.slot(rep);
                self.add_scaled(slot, month0, revenue, profit)
                    .map_err(|_| overflowed(rep))
            }
            None => {
                let decimal = |(m, s): (i128, u32)| {
                    Decimal::try_from_i128_with_scale(m, s).map_err(|_| {
                        Error::invalid("facts", format!("{m} at scale {s} is not a decimal"))
                    })
                };
                let date = crate::clock::date_of_day(day)
                    .ok_or_else(|| Error::invalid("facts", format!("day {day} is not a date")))?;
                self.add(rep, date, decimal(amount)?, decimal(cost)?, decimal(share)?)
            }
        }
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
                self.add_scaled(slot, m, c.revenue, c.profit)
                    .map_err(|_| overflowed(rep))?;
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
    pub fn totals(&self, rep: &str, month: Option<u32>) -> Result<(Decimal, Decimal)> {
        let Some(cells) = self.slots.get(rep).and_then(|&s| self.cells.get(s)) else {
            return Ok((Decimal::ZERO, Decimal::ZERO));
        };
        let (r, p) = match month {
            Some(m) => cells
                .get(month_index(m))
                .map_or((0, 0), |c| (c.revenue, c.profit)),
            None => cells
                .iter()
                .try_fold((0i128, 0i128), |(r, p), c| {
                    Some((r.checked_add(c.revenue)?, p.checked_add(c.profit)?))
                })
                .ok_or_else(|| overflowed(rep))?,
        };
        Ok((unscale(r, rep)?, unscale(p, rep)?))
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
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
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

/// The error of a rep's tally that passes what 128-bit sums hold.
fn overflowed(rep: &str) -> Error {
    Error::invalid(
        "facts",
        format!("the sales credited to {rep} are too large to tally exactly"),
    )
}

/// The index of month `m` (1-12) in a year's array; past the array for anything else, so
/// that a `get` finds nothing.
fn month_index(m: u32) -> usize {
    (m as usize).wrapping_sub(1)
}

/// The average of scores (surveys, ratings) at 4 decimals, or `None` for no scores.
fn average<'a>(field: &str, scores: impl Iterator<Item = &'a Decimal>) -> Result<Option<Decimal>> {
    let mut n = 0u32;
    let mut sum = Decimal::ZERO;
    for v in scores {
        sum = crate::checked::add(field, sum, *v)?;
        n = n.saturating_add(1);
    }
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(
        crate::checked::div(field, sum, Decimal::from(n))?.round_dp(4),
    ))
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
) -> Result<YearScore> {
    let targets = match (inputs.targets.get(rep), month) {
        (None, _) => Metrics::default(),
        (Some(t), Some(mo)) => t.month(mo, policy.rounding()),
        (Some(t), None) => t.annual.clone(),
    };
    let actuals = actuals_of(policy, tally, inputs, rep, month)?;
    let card = score(policy.kpi(), &actuals, &targets);
    Ok(YearScore {
        rep: rep.to_string(),
        month,
        actuals,
        targets,
        card,
    })
}

/// What `rep` achieved in `month` (`None`: the year): revenue and profit from the tally,
/// rounded by policy, new customers, and the average survey and rating (P5.3).
fn actuals_of(
    policy: &Policy,
    tally: &SalesTally,
    inputs: &YearInputs,
    rep: &str,
    month: Option<u32>,
) -> Result<Metrics> {
    RepData::of(tally, inputs, rep).actuals(policy, rep, month)
}

/// One rep's rows of the tally and of the inputs, looked up once for its 13 cards.
struct RepData<'a> {
    cells: Option<&'a [Cell; 12]>,
    new_customers: Option<&'a [u32; 12]>,
    surveys: Option<&'a [Vec<Decimal>; 12]>,
    ratings: Option<&'a [Vec<Decimal>; 12]>,
}

impl<'a> RepData<'a> {
    fn of(tally: &'a SalesTally, inputs: &'a YearInputs, rep: &str) -> Self {
        RepData {
            cells: tally.slots.get(rep).and_then(|&s| tally.cells.get(s)),
            new_customers: inputs.new_customers.get(rep),
            surveys: inputs.surveys.get(rep),
            ratings: inputs.ratings.get(rep),
        }
    }

    /// The rep's actuals of `month` (`None`: the year).
    fn actuals(&self, policy: &Policy, rep: &str, month: Option<u32>) -> Result<Metrics> {
        let rounding = policy.rounding();
        let (r, p) = match (self.cells, month) {
            (None, _) => (0, 0),
            (Some(cells), Some(m)) => cells
                .get(month_index(m))
                .map_or((0, 0), |c| (c.revenue, c.profit)),
            (Some(cells), None) => cells
                .iter()
                .try_fold((0i128, 0i128), |(r, p), c| {
                    Some((r.checked_add(c.revenue)?, p.checked_add(c.profit)?))
                })
                .ok_or_else(|| overflowed(rep))?,
        };
        // Rounded to the policy's scale, which it then has: no need to normalise first.
        let money = |sum: i128| -> Result<Decimal> {
            Ok(rounding.round_decimal(
                Decimal::try_from_i128_with_scale(sum, TALLY_SCALE + 2)
                    .map_err(|_| too_many_digits(rep))?,
            ))
        };
        let pick = |field: &str, per_month: Option<&[Vec<Decimal>; 12]>| match (per_month, month) {
            (None, _) => Ok(None),
            (Some(m), Some(mo)) => average(field, m.get(month_index(mo)).into_iter().flatten()),
            (Some(m), None) => average(field, m.iter().flatten()),
        };
        let new_count = self.new_customers.map_or(0u64, |n| match month {
            Some(mo) => n.get(month_index(mo)).map_or(0, |&c| u64::from(c)),
            None => n.iter().map(|&c| u64::from(c)).sum(),
        });
        Ok(Metrics {
            revenue: Some(money(r)?),
            profit: Some(money(p)?),
            new_customers: Some(Decimal::from(new_count)),
            satisfaction: pick("surveys.score", self.surveys)?,
            supervisor: pick("ratings.score", self.ratings)?,
        })
    }
}

/// Where a year's scorecards go as they are scored: a list of [`YearScore`] (the API), or
/// the columns of a table (`kis::columnar`), which need no card's words.
pub trait CardSink: Send {
    /// Takes `rep`'s card for `month` (`None`: the year), `rep` being the
    /// `rep_index`-th of the year's reps in name order.
    fn card(
        &mut self,
        rep_index: usize,
        rep: &str,
        month: Option<u32>,
        actuals: &Metrics,
        targets: &Metrics,
        figures: &CardFigures<'_>,
    ) -> Result<()>;
}

impl CardSink for Vec<YearScore> {
    fn card(
        &mut self,
        _: usize,
        rep: &str,
        month: Option<u32>,
        actuals: &Metrics,
        targets: &Metrics,
        figures: &CardFigures<'_>,
    ) -> Result<()> {
        self.push(YearScore {
            rep: rep.to_string(),
            month,
            actuals: actuals.clone(),
            targets: targets.clone(),
            card: scorecard(figures, actuals, targets),
        });
        Ok(())
    }
}

/// Scores every rep of the tally and of `inputs` for each month of the year and for the
/// year as a whole (the annual card uses annual actuals and targets, not an average of
/// months, P5.2b). Reps in name order, months 1-12 then the year. On every core.
pub fn score_year(
    policy: &Policy,
    tally: &SalesTally,
    inputs: &YearInputs,
) -> Result<Vec<YearScore>> {
    score_year_on(policy, tally, inputs, 0)
}

/// [`score_year`] on at most `threads` threads (0: one per core). The cards do not depend
/// on the number of threads: each rep is scored whole by one of them, in rep order.
pub fn score_year_on(
    policy: &Policy,
    tally: &SalesTally,
    inputs: &YearInputs,
    threads: usize,
) -> Result<Vec<YearScore>> {
    let parts = score_cards(policy, tally, inputs, threads, Vec::with_capacity)?;
    let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        all.extend(part);
    }
    Ok(all)
}

/// The year's reps in name order: those with sales and those with targets.
pub(crate) fn year_reps<'a>(tally: &'a SalesTally, inputs: &'a YearInputs) -> Vec<&'a str> {
    let mut reps: Vec<&str> = tally
        .reps()
        .iter()
        .map(String::as_str)
        .chain(inputs.targets.keys().map(String::as_str))
        .collect();
    reps.sort_unstable();
    reps.dedup();
    reps
}

/// Reps per thread below which another thread costs more than it saves (13 cards each,
/// a few microseconds a card).
const REPS_PER_THREAD: usize = 200;

/// Scores the year's cards (see [`score_year`]) into sinks made by `sink` (given the
/// number of cards it will take), on at most `threads` threads (0: one per core): one
/// sink per thread, each for a run of reps, returned in rep order.
pub fn score_cards<S: CardSink>(
    policy: &Policy,
    tally: &SalesTally,
    inputs: &YearInputs,
    threads: usize,
    sink: impl Fn(usize) -> S + Sync,
) -> Result<Vec<S>> {
    let reps = year_reps(tally, inputs);
    let cores = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let threads = cores.min(reps.len() / REPS_PER_THREAD).max(1);
    let per = reps.len().div_ceil(threads).max(1);
    let kpi = policy.kpi();
    let score_part = |first: usize, part: &[&str]| -> Result<S> {
        let mut out = sink(part.len().saturating_mul(13));
        for (n, &rep) in part.iter().enumerate() {
            let rep_index = first.saturating_add(n);
            let set = inputs.targets.get(rep);
            // Each rep's targets spread over the months once, not once a card.
            let spread = set.map(|t| t.months(policy.rounding()));
            let data = RepData::of(tally, inputs, rep);
            for month in (1..=12).map(Some).chain([None]) {
                let targets = match (set, &spread, month) {
                    (Some(_), Some(months), Some(mo)) => {
                        months.get(month_index(mo)).cloned().unwrap_or_default()
                    }
                    (Some(t), _, None) => t.annual.clone(),
                    _ => Metrics::default(),
                };
                let actuals = data.actuals(policy, rep, month)?;
                let figures = score_figures(kpi, &actuals, &targets);
                out.card(rep_index, rep, month, &actuals, &targets, &figures)?;
            }
        }
        Ok(out)
    };
    if threads == 1 {
        return Ok(vec![score_part(0, &reps)?]);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = reps
            .chunks(per)
            .enumerate()
            .map(|(n, part)| {
                let score_part = &score_part;
                scope.spawn(move || score_part(n.saturating_mul(per), part))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::invalid("facts", "a scoring thread failed")))
            })
            .collect()
    })
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
        let totals = |rep, month| t.totals(rep, month).unwrap();
        assert_eq!(totals("a", Some(3)), (d("6000.003333"), d("2400.003333")));
        assert_eq!(totals("b", Some(3)), (d("4000"), d("1600")));
        assert_eq!(totals("a", None).0, d("6001.003333"));
        assert_eq!(totals("nobody", Some(3)), (Decimal::ZERO, Decimal::ZERO));
        assert_eq!(totals("a", Some(13)), (Decimal::ZERO, Decimal::ZERO));
        let mut other = SalesTally::new(2026);
        other.add("b", day(3, 2), d("1"), d("1"), d("100")).unwrap();
        other
            .add("c", day(12, 31), d("2"), d("1"), d("100"))
            .unwrap();
        t.merge(other).unwrap();
        assert_eq!(t.totals("b", Some(3)).unwrap().0, d("4001"));
        assert_eq!(t.totals("c", Some(12)).unwrap(), (d("2"), d("1")));
        assert!(t.merge(SalesTally::new(2025)).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        /// A credit added from a segment's integer parts gives the sums, or the error,
        /// that adding it as decimals gives (#21).
        #[test]
        fn a_credit_from_parts_is_the_credit_from_decimals(
            am in -10i128.pow(20)..10i128.pow(20),
            a in 0u32..9,
            cm in -10i128.pow(20)..10i128.pow(20),
            c in 0u32..9,
            sm in 0i128..100_000,
            sc in 0u32..9,
            day in 0i32..400,
            big in proptest::bool::ANY,
        ) {
            // Now and then a mantissa near a decimal's limit, where the fallback decides.
            let am = if big { am.signum() * ((1i128 << 96) - 1 - am.abs() % 1000) } else { am };
            let year = 2026;
            let cal = YearCalendar::new(year).unwrap();
            let first = crate::clock::day_number(NaiveDate::from_ymd_opt(2025, 12, 15).unwrap());
            let day = first + day;
            let mut parts = SalesTally::new(year);
            let by_parts = parts.add_parts(&cal, "r", day, (am, a), (cm, c), (sm, sc));
            let mut decimals = SalesTally::new(year);
            let dec = |m: i128, s: u32| Decimal::try_from_i128_with_scale(m, s).unwrap();
            let date = crate::clock::date_of_day(day).unwrap();
            let by_decimals = decimals.add("r", date, dec(am, a), dec(cm, c), dec(sm, sc));
            proptest::prop_assert_eq!(by_parts.is_ok(), by_decimals.is_ok(), "{:?} / {:?}", by_parts, by_decimals);
            if by_parts.is_ok() {
                for month in (1..=12).map(Some).chain([None]) {
                    proptest::prop_assert_eq!(parts.totals("r", month).ok(), decimals.totals("r", month).ok());
                }
            }
        }
    }

    #[test]
    fn overflow_and_excess_decimals_are_errors() {
        let mut t = SalesTally::new(2026);
        let huge = Decimal::MAX;
        assert!(t.add("a", day(1, 1), huge, d("0"), d("100")).is_err());
        assert!(
            t.add("a", day(1, 1), d("0.0000000000000001"), d("0"), d("100"))
                .is_err()
        );
        let s = t.slot("a");
        assert!(t.add_scaled(s, 0, i128::MAX, 0).is_ok());
        assert_eq!(t.add_scaled(s, 0, 1, 0), Err(TallyOverflow));
        assert_eq!(t.add_scaled(s, 12, 1, 0), Err(TallyOverflow));
        assert!(t.totals("a", Some(1)).is_err());
    }
}
