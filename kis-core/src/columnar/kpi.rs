//! KPI scoring from Arrow tables (P5): a year of sales facts tallied exactly on every
//! core, the other inputs read from small tables, every rep scored per month and for the
//! year by the same [`score`](crate::kpi::score) as the engine.
//!
//! Tables (column names; types):
//! - facts: `date` date32, `rep` string, `amount` and `cost` decimal128, optional
//!   `share_pct` decimal128 (a sale credited to several reps is one row per rep, P5.3a;
//!   absent = 100).
//! - targets: `rep`, optional `revenue`, `profit`, `new_customers`, `satisfaction`,
//!   `supervisor` (decimal or integer; null = no target), optional `distribution` (a list
//!   of twelve monthly percentages summing to 100; absent or null = even).
//! - customers (optional): `customer`, `owner` string, `first_signed` date32.
//! - surveys (optional): `rep` string, `date` date32, `score` decimal/integer.
//! - ratings (optional): `rep` string, `month` integer, `score` decimal/integer.

use arrow_array::RecordBatch;
use chrono::Datelike;
use rust_decimal::Decimal;

use super::read::{
    Decimals, Text, column, days, decimal_at, from_days, integer_at, no_nulls, numbered, optional,
};
use crate::error::{Error, Result};
use crate::kpi::calendar::YearCalendar;
use crate::kpi::{Metrics, SalesTally, TALLY_SCALE, Targets, YearInputs, YearScore, score_year};
use crate::money::Currency;
use crate::policy::Policy;

/// The error of fact row `row` whose `column` cannot be tallied exactly.
fn too_large(row: usize, column: &str) -> Error {
    Error::invalid(
        format!("facts.{column}[{row}]"),
        "is too large to tally exactly: the share-weighted sum passes 128 bits",
    )
}

/// Adds one batch of facts to `tally`; `first` is the table row of its first row, so
/// that an error names the row of the whole table. A `currency` column, when present,
/// must hold the policy's currency on every row (a table of several currencies is
/// refused at its first other row, never summed as one).
fn tally_batch(
    tally: &mut SalesTally,
    cal: &YearCalendar,
    batch: &RecordBatch,
    first: usize,
    currency: &str,
) -> Result<()> {
    const T: &str = "facts";
    let date_col = column(batch, T, "date")?;
    let rep_col = column(batch, T, "rep")?;
    let amount_col = column(batch, T, "amount")?;
    let cost_col = column(batch, T, "cost")?;
    for (name, col) in [
        ("date", date_col),
        ("rep", rep_col),
        ("amount", amount_col),
        ("cost", cost_col),
    ] {
        no_nulls(col.as_ref(), T, name, first)?;
    }
    let dates = days(date_col, T, "date")?;
    if let Some(col) = optional(batch, "currency") {
        no_nulls(col.as_ref(), T, "currency", first)?;
        let codes = Text::of(col, T, "currency")?;
        if let Some(i) = (0..codes.len()).find(|&i| codes.value(i) != currency) {
            return Err(Error::invalid(
                format!("facts.currency[{}]", first.saturating_add(i)),
                format!(
                    "{:?} is not the policy's currency {currency}; score one currency at a time",
                    codes.value(i)
                ),
            ));
        }
    }
    let reps = Text::of(rep_col, T, "rep")?;
    let amount = Decimals::of(amount_col, T, "amount")?;
    let cost = Decimals::of(cost_col, T, "cost")?;
    let share = match optional(batch, "share_pct") {
        Some(col) => {
            no_nulls(col.as_ref(), T, "share_pct", first)?;
            Some(Decimals::of(col, T, "share_pct")?)
        }
        None => None,
    };
    let share_scale = share.as_ref().map_or(0, |s| s.scale);
    if let Some(s) = &share {
        // P5.3a: a share is a percentage of the sale.
        let hundred = 10i128
            .checked_pow(share_scale)
            .and_then(|u| u.checked_mul(100));
        if let Some(i) = s
            .values
            .iter()
            .position(|&v| v < 0 || hundred.is_some_and(|h| v > h))
        {
            return Err(Error::invalid(
                format!("facts.share_pct[{}]", first.saturating_add(i)),
                "must be between 0 and 100",
            ));
        }
    }
    let factor = |scale: u32, name: &str| -> Result<i128> {
        let total = scale.saturating_add(share_scale);
        if total > TALLY_SCALE {
            return Err(Error::invalid(
                format!("facts.{name}"),
                format!(
                    "{scale} decimals (with share_pct's {share_scale}) exceed the {TALLY_SCALE} an exact tally keeps"
                ),
            ));
        }
        Ok(10i128.pow(TALLY_SCALE.saturating_sub(total)))
    };
    let (am, cm) = (factor(amount.scale, "amount")?, factor(cost.scale, "cost")?);
    // A dictionary's values are looked up once; plain strings once per run of equal reps.
    let dict_slots: Option<Vec<usize>> = reps.dictionary_len().map(|n| {
        (0..n)
            .map(|k| tally.slot(reps.dictionary_value(k).unwrap_or_default()))
            .collect()
    });
    let mut last: Option<(&str, usize)> = None;
    let rows = dates.iter().zip(amount.values.iter().zip(cost.values));
    for (i, (&day, (&amount, &cost))) in rows.enumerate() {
        let Some(m) = cal.month0(day) else {
            continue;
        };
        let row = first.saturating_add(i);
        let slot = match (&dict_slots, reps.key(i)) {
            (Some(slots), Some(k)) => *slots.get(k).ok_or_else(|| too_large(row, "rep"))?,
            _ => {
                let rep = reps.value(i);
                match last {
                    Some((r, s)) if r == rep => s,
                    _ => {
                        let s = tally.slot(rep);
                        last = Some((rep, s));
                        s
                    }
                }
            }
        };
        let s = match &share {
            Some(s) => s.values.get(i).copied().unwrap_or_default(),
            None => 100,
        };
        // share x 10^k is at most 100 x 10^TALLY_SCALE: it never overflows, so each
        // value takes one checked multiplication (the share and scale factors folded).
        let (sa, sc) = (s.saturating_mul(am), s.saturating_mul(cm));
        let revenue = amount
            .checked_mul(sa)
            .ok_or_else(|| too_large(row, "amount"))?;
        let spent = cost.checked_mul(sc).ok_or_else(|| too_large(row, "cost"))?;
        let profit = revenue
            .checked_sub(spent)
            .ok_or_else(|| too_large(row, "cost"))?;
        tally
            .add_scaled(slot, m, revenue, profit)
            .map_err(|_| too_large(row, "amount"))?;
    }
    Ok(())
}

/// Tallies a year of facts in `currency` on every core: the batches are cut into one
/// contiguous run of rows per thread, each tallied apart and merged (integer sums: the
/// order is irrelevant). An error names the row of the whole table and its column.
pub fn tally_facts(year: i32, currency: Currency, facts: &[RecordBatch]) -> Result<SalesTally> {
    let cal = YearCalendar::new(year)?;
    let rows = facts
        .iter()
        .fold(0usize, |n, b| n.saturating_add(b.num_rows()));
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min((rows / 100_000).saturating_add(1))
        .max(1);
    let per = rows.div_ceil(threads).max(1);
    // Slices (zero-copy) of `per` rows each, with the table row each starts at.
    let mut work: Vec<Vec<(usize, RecordBatch)>> = vec![Vec::new(); threads];
    let (mut part, mut filled, mut row) = (0usize, 0usize, 0usize);
    for batch in facts {
        let mut offset = 0;
        while offset < batch.num_rows() {
            let take = per
                .saturating_sub(filled)
                .min(batch.num_rows().saturating_sub(offset));
            if let Some(w) = work.get_mut(part) {
                w.push((row, batch.slice(offset, take)));
            }
            offset = offset.saturating_add(take);
            filled = filled.saturating_add(take);
            row = row.saturating_add(take);
            if filled == per && part.saturating_add(1) < work.len() {
                part = part.saturating_add(1);
                filled = 0;
            }
        }
    }
    let partials: Vec<Result<SalesTally>> = std::thread::scope(|scope| {
        let handles: Vec<_> = work
            .iter()
            .map(|slices| {
                let cal = &cal;
                scope.spawn(move || {
                    let mut t = SalesTally::new(year);
                    for (first, b) in slices {
                        tally_batch(&mut t, cal, b, *first, currency.code())?;
                    }
                    Ok(t)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::invalid("facts", "a tally thread failed")))
            })
            .collect()
    });
    let mut tally = SalesTally::new(year);
    for p in partials {
        tally.merge(p?)?;
    }
    Ok(tally)
}

/// Row `i` of the targets' optional `distribution` column (table row `row`): a list of
/// twelve monthly percentages summing to 100 (null: even), checked as `SetTargets`
/// checks it.
fn distribution_at(
    col: &arrow_array::ArrayRef,
    i: usize,
    row: usize,
) -> Result<Option<Vec<Decimal>>> {
    use arrow_array::cast::AsArray;
    const FIELD: &str = "targets.distribution";
    if col.is_null(i) {
        return Ok(None);
    }
    let values = match col.data_type() {
        arrow_schema::DataType::List(_) => col.as_list::<i32>().value(i),
        arrow_schema::DataType::LargeList(_) => col.as_list::<i64>().value(i),
        other => {
            return Err(Error::invalid(
                FIELD,
                format!("is {other}, expected a list of twelve decimals"),
            ));
        }
    };
    let months = (0..values.len())
        .map(|m| {
            decimal_at(&values, &format!("{FIELD}[{row}]"), "", 0, m).map(Option::unwrap_or_default)
        })
        .collect::<Result<Vec<Decimal>>>()?;
    // The same rule as for stored targets: twelve non-negative percentages summing to 100.
    crate::expense::BudgetPlan::new(Decimal::ZERO, Some(months.clone())).map_err(|e| match e {
        Error::Invalid(bad) => Error::invalid(format!("{FIELD}[{row}]"), bad.reason),
        other => other,
    })?;
    Ok(Some(months))
}

/// The other inputs of a year's scoring, read from their tables.
pub fn year_inputs(
    year: i32,
    targets: &[RecordBatch],
    customers: &[RecordBatch],
    surveys: &[RecordBatch],
    ratings: &[RecordBatch],
) -> Result<YearInputs> {
    let mut inputs = YearInputs::default();
    for (first, b) in numbered(targets) {
        let reps = Text::of(column(b, "targets", "rep")?, "targets", "rep")?;
        no_nulls(
            column(b, "targets", "rep")?.as_ref(),
            "targets",
            "rep",
            first,
        )?;
        let metric = |name: &str, i: usize| -> Result<Option<Decimal>> {
            match optional(b, name) {
                Some(col) => decimal_at(col, "targets", name, first, i),
                None => Ok(None),
            }
        };
        for i in 0..b.num_rows() {
            let rep = reps.value(i).to_string();
            let annual = Metrics {
                revenue: metric("revenue", i)?,
                profit: metric("profit", i)?,
                new_customers: metric("new_customers", i)?,
                satisfaction: metric("satisfaction", i)?,
                supervisor: metric("supervisor", i)?,
            };
            let distribution = match optional(b, "distribution") {
                Some(col) => distribution_at(col, i, first.saturating_add(i))?,
                None => None,
            };
            inputs.targets.insert(
                rep.clone(),
                Targets {
                    id: format!("{year}:{rep}"),
                    rep: rep.as_str().into(),
                    year,
                    annual,
                    distribution,
                    set_by: "table".into(),
                },
            );
        }
    }
    for (first, b) in numbered(customers) {
        const T: &str = "customers";
        let owner_col = column(b, T, "owner")?;
        let signed_col = column(b, T, "first_signed")?;
        no_nulls(owner_col.as_ref(), T, "owner", first)?;
        let owners = Text::of(owner_col, T, "owner")?;
        let signed = days(signed_col, T, "first_signed")?;
        for (i, &day) in signed.iter().enumerate() {
            if signed_col.is_null(i) {
                continue; // never signed: not new in any month
            }
            let d = from_days(day);
            if d.year() == year
                && let Some(n) = inputs
                    .new_customers
                    .entry(owners.value(i).to_string())
                    .or_default()
                    .get_mut(d.month0() as usize)
            {
                *n = n.saturating_add(1);
            }
        }
    }
    for (first, b) in numbered(surveys) {
        const T: &str = "surveys";
        let reps = Text::of(column(b, T, "rep")?, T, "rep")?;
        let dates = days(column(b, T, "date")?, T, "date")?;
        let scores = column(b, T, "score")?;
        for (i, &day) in dates.iter().enumerate() {
            let d = from_days(day);
            if let (true, Some(score)) =
                (d.year() == year, decimal_at(scores, T, "score", first, i)?)
            {
                // As `RecordSurvey` checks it (P5.3b).
                let row = first.saturating_add(i);
                let score = crate::input::percent(&format!("surveys.score[{row}]"), score)?;
                if let Some(month) = inputs
                    .surveys
                    .entry(reps.value(i).to_string())
                    .or_default()
                    .get_mut(d.month0() as usize)
                {
                    month.push(score);
                }
            }
        }
    }
    for (first, b) in numbered(ratings) {
        const T: &str = "ratings";
        let reps = Text::of(column(b, T, "rep")?, T, "rep")?;
        let months = column(b, T, "month")?;
        let scores = column(b, T, "score")?;
        let years = optional(b, "year");
        for i in 0..b.num_rows() {
            let row = first.saturating_add(i);
            if let Some(y) = years
                && integer_at(y, T, "year", i)? != Some(year as i64)
            {
                continue;
            }
            let month = integer_at(months, T, "month", i)?.unwrap_or(0);
            if !(1..=12).contains(&month) {
                return Err(Error::invalid(
                    format!("ratings.month[{row}]"),
                    format!("{month} is not a month"),
                ));
            }
            if let Some(score) = decimal_at(scores, T, "score", first, i)? {
                // As `RateRep` checks it (P5.3c).
                let score = crate::input::percent(&format!("ratings.score[{row}]"), score)?;
                if let Some(slot) = inputs
                    .ratings
                    .entry(reps.value(i).to_string())
                    .or_default()
                    .get_mut((month as usize).saturating_sub(1))
                {
                    slot.push(score);
                }
            }
        }
    }
    Ok(inputs)
}

/// Scores a year from tables: every rep's twelve monthly cards and the annual one.
pub fn score_tables(
    policy: &Policy,
    year: i32,
    facts: &[RecordBatch],
    inputs: &YearInputs,
) -> Result<Vec<YearScore>> {
    let tally = tally_facts(year, policy.general().currency, facts)?;
    score_year(policy, &tally, inputs)
}

/// [`score_tables`] as one record batch (see [`super::export::year_scores_batch`]).
pub fn score_tables_batch(
    policy: &Policy,
    year: i32,
    facts: &[RecordBatch],
    inputs: &YearInputs,
) -> Result<RecordBatch> {
    let tally = tally_facts(year, policy.general().currency, facts)?;
    let scale = policy.rounding().scale;
    // Each scoring thread fills its own columns; no card of words is built (#21).
    let parts = crate::kpi::score_cards(policy, &tally, inputs, 0, |rows| {
        super::ScoreColumns::new(year, scale, rows)
    })?;
    match parts.len() {
        1 => parts.into_iter().next().map_or_else(
            || super::ScoreColumns::new(year, scale, 0).finish(),
            super::ScoreColumns::finish,
        ),
        _ => super::ScoreColumns::concat(parts)?.finish(),
    }
}

impl crate::engine::Engine {
    /// [`Engine::score_year`](crate::engine::Engine::score_year) as one record batch
    /// (see [`super::export::year_scores_batch`]), money at the year's policy scale.
    pub fn score_year_batch(&self, actor: &crate::org::Actor, year: i32) -> Result<RecordBatch> {
        let scores = self.score_year(actor, year)?;
        let scale = self
            .policy_for_period(crate::kpi::Period::Year(year))?
            .rounding()
            .scale;
        super::year_scores_batch(year, &scores, scale)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::builder::StringDictionaryBuilder;
    use arrow_array::types::Int32Type;
    use arrow_array::{ArrayRef, Date32Array, Float64Array, StringArray};

    use super::*;
    use crate::columnar::test_support::{batch, dec_col};
    use chrono::NaiveDate;

    fn cny() -> Currency {
        Currency::new("CNY").unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> i32 {
        crate::columnar::read::to_days(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn shares_scales_dictionaries_and_threads_agree_with_the_row_tally() {
        // 300,000 rows so that the tally runs on several threads where there are cores.
        let n = 300_000usize;
        let reps = ["a", "b", "c"];
        let dates: Vec<i32> = (0..n)
            .map(|i| day(2026, 1 + (i % 12) as u32, 1 + (i % 28) as u32))
            .collect();
        let amounts: Vec<i128> = (0..n).map(|i| 100 + (i as i128 % 997)).collect(); // scale 2
        let costs: Vec<i128> = (0..n).map(|i| 10 + (i as i128 % 89) * 10).collect(); // scale 3
        let shares: Vec<i128> = (0..n).map(|i| [10000, 6000, 3333][i % 3]).collect(); // scale 2
        let mut dict = StringDictionaryBuilder::<Int32Type>::new();
        for i in 0..n {
            dict.append_value(reps[(i / 7) % 3]);
        }
        let b = batch(vec![
            ("date", Arc::new(Date32Array::from(dates.clone()))),
            ("rep", Arc::new(dict.finish())),
            ("amount", dec_col(&amounts, 2)),
            ("cost", dec_col(&costs, 3)),
            ("share_pct", dec_col(&shares, 2)),
        ]);
        // Two batches, to cross batch boundaries too.
        let (first, second) = (b.slice(0, 123_457), b.slice(123_457, n - 123_457));
        let fast = tally_facts(2026, cny(), &[first, second]).unwrap();
        let mut slow = SalesTally::new(2026);
        for i in 0..n {
            slow.add(
                reps[(i / 7) % 3],
                from_days(dates[i]),
                Decimal::from_i128_with_scale(amounts[i], 2),
                Decimal::from_i128_with_scale(costs[i], 3),
                Decimal::from_i128_with_scale(shares[i], 2),
            )
            .unwrap();
        }
        for rep in reps {
            for month in (1..=12).map(Some).chain([None]) {
                assert_eq!(
                    fast.totals(rep, month).unwrap(),
                    slow.totals(rep, month).unwrap(),
                    "{rep} {month:?}"
                );
            }
        }
        // Plain strings give the same.
        let names: Vec<&str> = (0..n).map(|i| reps[(i / 7) % 3]).collect();
        let plain = batch(vec![
            ("date", Arc::new(Date32Array::from(dates))),
            ("rep", Arc::new(StringArray::from(names))),
            ("amount", dec_col(&amounts, 2)),
            ("cost", dec_col(&costs, 3)),
            ("share_pct", dec_col(&shares, 2)),
        ]);
        let again = tally_facts(2026, cny(), &[plain]).unwrap();
        assert_eq!(
            again.totals("b", None).unwrap(),
            slow.totals("b", None).unwrap()
        );
    }

    #[test]
    fn a_float_money_column_a_missing_column_and_nulls_are_refused_by_name() {
        let dates = Arc::new(Date32Array::from(vec![day(2026, 3, 1)])) as ArrayRef;
        let rep = Arc::new(StringArray::from(vec!["a"])) as ArrayRef;
        let float = batch(vec![
            ("date", dates.clone()),
            ("rep", rep.clone()),
            ("amount", Arc::new(Float64Array::from(vec![0.1]))),
            ("cost", dec_col(&[0], 2)),
        ]);
        match tally_facts(2026, cny(), &[float]) {
            Err(Error::Invalid(e)) => {
                assert_eq!(e.field, "facts.amount");
                assert!(e.reason.contains("never floats"), "{}", e.reason);
            }
            other => panic!("{other:?}"),
        }
        let missing = batch(vec![("date", dates.clone()), ("rep", rep.clone())]);
        assert!(
            matches!(tally_facts(2026, cny(), &[missing]), Err(Error::Invalid(e)) if e.field == "facts.amount")
        );
        let nulls = batch(vec![
            ("date", dates),
            ("rep", Arc::new(StringArray::from(vec![None::<&str>]))),
            ("amount", dec_col(&[1], 2)),
            ("cost", dec_col(&[0], 2)),
        ]);
        assert!(
            matches!(tally_facts(2026, cny(), &[nulls]), Err(Error::Invalid(e)) if e.field == "facts.rep[0]")
        );
    }

    /// An amount too large to tally, a share past 100 and a second currency are each
    /// refused naming the row of the whole table (the second batch) and the column.
    #[test]
    fn overflow_shares_and_currencies_name_their_row() {
        let fine = batch(vec![
            (
                "date",
                Arc::new(Date32Array::from(vec![day(2026, 3, 1)])) as ArrayRef,
            ),
            ("rep", Arc::new(StringArray::from(vec!["a"]))),
            ("amount", dec_col(&[1], 2)),
            ("cost", dec_col(&[0], 2)),
        ]);
        let second = |amount: i128, share: i128, currency: &str| {
            batch(vec![
                (
                    "date",
                    Arc::new(Date32Array::from(vec![day(2026, 3, 1); 2])) as ArrayRef,
                ),
                ("rep", Arc::new(StringArray::from(vec!["a", "b"]))),
                ("amount", dec_col(&[1, amount], 2)),
                ("cost", dec_col(&[0, 0], 2)),
                ("share_pct", dec_col(&[100, share], 0)),
                (
                    "currency",
                    Arc::new(StringArray::from(vec!["CNY", currency])),
                ),
            ])
        };
        let field = |b: RecordBatch| match tally_facts(2026, cny(), &[fine.clone(), b]) {
            Err(Error::Invalid(e)) => e.field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(second(10i128.pow(27), 100, "CNY")), "facts.amount[2]");
        assert_eq!(field(second(1, 101, "CNY")), "facts.share_pct[2]");
        assert_eq!(field(second(1, 100, "USD")), "facts.currency[2]");
        assert!(tally_facts(2026, cny(), &[fine.clone(), second(1, 100, "CNY")]).is_ok());
    }

    /// #16: in a table of several batches, the small tables' errors name the row of the
    /// whole table too: here the second batch's second row, table row 2.
    #[test]
    fn small_tables_name_the_row_of_the_whole_table() {
        let surveys = |score: i128| {
            batch(vec![
                (
                    "rep",
                    Arc::new(StringArray::from(vec!["a", "a"])) as ArrayRef,
                ),
                (
                    "date",
                    Arc::new(Date32Array::from(vec![day(2026, 3, 2); 2])),
                ),
                ("score", dec_col(&[90, score], 0)),
            ])
        };
        let first = batch(vec![
            ("rep", Arc::new(StringArray::from(vec!["a"])) as ArrayRef),
            ("date", Arc::new(Date32Array::from(vec![day(2026, 3, 2)]))),
            ("score", dec_col(&[80], 0)),
        ]);
        let ratings = |month: i32, score: i128| {
            batch(vec![
                (
                    "rep",
                    Arc::new(StringArray::from(vec!["a", "a"])) as ArrayRef,
                ),
                (
                    "month",
                    Arc::new(arrow_array::Int32Array::from(vec![3, month])),
                ),
                ("score", dec_col(&[70, score], 0)),
            ])
        };
        let one_rating = batch(vec![
            ("rep", Arc::new(StringArray::from(vec!["a"])) as ArrayRef),
            ("month", Arc::new(arrow_array::Int32Array::from(vec![3]))),
            ("score", dec_col(&[70], 0)),
        ]);
        let targets = |rep: Option<&str>| {
            batch(vec![
                (
                    "rep",
                    Arc::new(StringArray::from(vec![Some("a"), rep])) as ArrayRef,
                ),
                ("revenue", dec_col(&[1, 2], 0)),
            ])
        };
        let one_target = batch(vec![
            ("rep", Arc::new(StringArray::from(vec!["z"])) as ArrayRef),
            ("revenue", dec_col(&[1], 0)),
        ]);
        let field = |r: Result<YearInputs>| match r {
            Err(Error::Invalid(e)) => e.field,
            other => panic!("{other:?}"),
        };
        let of_surveys = |b| year_inputs(2026, &[], &[], &[first.clone(), b], &[]);
        let of_ratings = |b| year_inputs(2026, &[], &[], &[], &[one_rating.clone(), b]);
        assert_eq!(field(of_surveys(surveys(101))), "surveys.score[2]");
        assert!(of_surveys(surveys(100)).is_ok());
        assert_eq!(field(of_ratings(ratings(3, 101))), "ratings.score[2]");
        assert_eq!(field(of_ratings(ratings(13, 50))), "ratings.month[2]");
        assert!(of_ratings(ratings(4, 50)).is_ok());
        let of_targets = |b| year_inputs(2026, &[one_target.clone(), b], &[], &[], &[]);
        assert_eq!(field(of_targets(targets(None))), "targets.rep[2]");
        assert!(of_targets(targets(Some("b"))).is_ok());
    }

    #[test]
    fn the_table_of_cards_is_the_cards_on_any_number_of_threads() {
        // 886 reps: several scoring threads where there are cores, each filling its own
        // columns (#21). The table must be the cards' table, value for value and scale
        // for scale, and the cards must not depend on the threads.
        let policy = Policy::from_toml(include_str!("../../../examples/policy.toml")).unwrap();
        let n = 40_000usize;
        let reps: Vec<String> = (0..900).map(|i| format!("r{i:03}")).collect();
        let facts = batch(vec![
            (
                "date",
                Arc::new(Date32Array::from(
                    (0..n)
                        .map(|i| day(2026, 1 + (i % 12) as u32, 1 + (i % 28) as u32))
                        .collect::<Vec<_>>(),
                )),
            ),
            (
                "rep",
                Arc::new(StringArray::from(
                    (0..n)
                        .map(|i| reps[(i * 7) % 880].as_str())
                        .collect::<Vec<_>>(),
                )),
            ),
            (
                "amount",
                dec_col(
                    &(0..n)
                        .map(|i| 100 + (i as i128 * 7919) % 99_991)
                        .collect::<Vec<_>>(),
                    2,
                ),
            ),
            (
                "cost",
                dec_col(
                    &(0..n).map(|i| (i as i128 * 31) % 5_003).collect::<Vec<_>>(),
                    3,
                ),
            ),
        ]);
        // Targets for reps with and without sales; one annual target at scale 4.
        let targets = batch(vec![
            (
                "rep",
                Arc::new(StringArray::from(
                    reps.iter()
                        .step_by(3)
                        .map(String::as_str)
                        .collect::<Vec<_>>(),
                )),
            ),
            (
                "revenue",
                dec_col(
                    &(0..300)
                        .map(|i| {
                            if i == 7 {
                                123_456_789
                            } else {
                                1_000_000 + i * 1_234
                            }
                        })
                        .collect::<Vec<_>>(),
                    2,
                ),
            ),
        ]);
        let inputs = year_inputs(2026, &[targets], &[], &[], &[]).unwrap();
        let table =
            score_tables_batch(&policy, 2026, std::slice::from_ref(&facts), &inputs).unwrap();
        let tally = tally_facts(2026, cny(), &[facts]).unwrap();
        let one = crate::kpi::score_year_on(&policy, &tally, &inputs, 1).unwrap();
        let many = crate::kpi::score_year_on(&policy, &tally, &inputs, 3).unwrap();
        assert_eq!(one, many, "cards on one thread and on three");
        assert_eq!(
            one.len(),
            (880 + 6) * 13,
            "880 reps with sales, 6 more with targets only"
        );
        let cards =
            crate::columnar::year_scores_batch(2026, &one, policy.rounding().scale).unwrap();
        assert_eq!(table.schema(), cards.schema());
        assert_eq!(table, cards);
    }

    #[test]
    fn a_year_is_scored_from_tables_with_new_customers_surveys_and_ratings() {
        let policy = Policy::from_toml(include_str!("../../../examples/policy.toml")).unwrap();
        let facts = batch(vec![
            (
                "date",
                Arc::new(Date32Array::from(vec![
                    day(2026, 1, 5),
                    day(2026, 3, 9),
                    day(2025, 3, 9),
                ])),
            ),
            ("rep", Arc::new(StringArray::from(vec!["a", "a", "a"]))),
            ("amount", dec_col(&[1_500_000, 300_000, 999_900], 2)),
            ("cost", dec_col(&[900_000, 100_000, 0], 2)),
        ]);
        let targets = batch(vec![
            ("rep", Arc::new(StringArray::from(vec!["a", "b"]))),
            ("revenue", dec_col(&[12_000_000, 6_000_000], 2)),
        ]);
        let customers = batch(vec![
            ("customer", Arc::new(StringArray::from(vec!["c1", "c2"]))),
            ("owner", Arc::new(StringArray::from(vec!["a", "a"]))),
            (
                "first_signed",
                Arc::new(Date32Array::from(vec![Some(day(2026, 3, 1)), None])),
            ),
        ]);
        let surveys = batch(vec![
            ("rep", Arc::new(StringArray::from(vec!["a", "a"]))),
            (
                "date",
                Arc::new(Date32Array::from(vec![day(2026, 3, 2), day(2026, 3, 20)])),
            ),
            ("score", dec_col(&[90, 80], 0)),
        ]);
        let inputs = year_inputs(2026, &[targets], &[customers], &[surveys], &[]).unwrap();
        let scores = score_tables(&policy, 2026, &[facts], &inputs).unwrap();
        assert_eq!(scores.len(), 26, "two reps, twelve months and the year");
        let a = |m: Option<u32>| {
            scores
                .iter()
                .find(|s| s.rep == "a" && s.month == m)
                .unwrap()
        };
        assert_eq!(a(Some(1)).actuals.revenue, Some(dec("15000.00")));
        assert_eq!(a(Some(1)).targets.revenue, Some(dec("10000.00")));
        assert_eq!(a(Some(3)).actuals.profit, Some(dec("2000.00")));
        assert_eq!(a(Some(3)).actuals.new_customers, Some(Decimal::ONE));
        assert_eq!(a(Some(2)).actuals.new_customers, Some(Decimal::ZERO));
        assert_eq!(a(Some(3)).actuals.satisfaction, Some(dec("85")));
        assert_eq!(a(None).actuals.revenue, Some(dec("18000.00")));
        assert_eq!(a(None).targets.revenue, Some(dec("120000")));
        let b = scores
            .iter()
            .find(|s| s.rep == "b" && s.month == Some(1))
            .unwrap();
        assert_eq!(b.actuals.revenue, Some(dec("0.00")));
        let table = score_tables_batch(&policy, 2026, &[], &inputs).unwrap();
        // A distribution per rep: 5 % in January for rep a; a bad one is refused by row.
        let spread = |pcts: [i64; 12]| Some(pcts.iter().map(|p| Some(*p)).collect::<Vec<_>>());
        let lists =
            arrow_array::ListArray::from_iter_primitive::<arrow_array::types::Int64Type, _, _>(
                vec![spread([5, 9, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8]), None],
            );
        let with = batch(vec![
            ("rep", Arc::new(StringArray::from(vec!["a", "b"]))),
            ("revenue", dec_col(&[12_000_000, 6_000_000], 2)),
            ("distribution", Arc::new(lists)),
        ]);
        let inputs = year_inputs(2026, &[with], &[], &[], &[]).unwrap();
        let jan = score_tables(&policy, 2026, &[], &inputs).unwrap();
        let target = |rep: &str| {
            jan.iter()
                .find(|s| s.rep == rep && s.month == Some(1))
                .unwrap()
                .targets
                .revenue
        };
        assert_eq!(
            (target("a"), target("b")),
            (Some(dec("6000.00")), Some(dec("5000.00")))
        );
        let bad = arrow_array::ListArray::from_iter_primitive::<arrow_array::types::Int64Type, _, _>(
            vec![spread([50, 9, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8])],
        );
        let bad = batch(vec![
            ("rep", Arc::new(StringArray::from(vec!["a"]))),
            ("distribution", Arc::new(bad)),
        ]);
        assert!(matches!(
            year_inputs(2026, &[bad], &[], &[], &[]),
            Err(Error::Invalid(e)) if e.field == "targets.distribution[0]" && e.reason.contains("145")
        ));

        assert_eq!(table.num_rows(), 26);
        assert!(table.column_by_name("revenue_points").is_some());
    }
}
