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
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::read::{
    Decimals, Text, column, days, decimal_at, from_days, integer_at, no_nulls, optional,
};
use crate::error::{Error, Result};
use crate::kpi::{Metrics, SalesTally, TALLY_SCALE, Targets, YearInputs, YearScore, score_year};
use crate::policy::Policy;

/// The days of `year` as offsets from 1970-01-01, and each day's month (0-11).
struct Calendar {
    jan1: i32,
    month_of: Vec<u8>,
}

impl Calendar {
    fn new(year: i32) -> Result<Calendar> {
        let jan1 = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or_else(|| Error::invalid("year", format!("{year} is out of range")))?;
        let mut month_of = Vec::with_capacity(366);
        let mut d = jan1;
        while d.year() == year {
            month_of.push(d.month0() as u8);
            d = d.succ_opt().unwrap_or(NaiveDate::MAX);
        }
        Ok(Calendar {
            jan1: super::read::to_days(jan1),
            month_of,
        })
    }

    #[inline]
    fn month0(&self, days: i32) -> Option<usize> {
        let doy = days.wrapping_sub(self.jan1);
        self.month_of.get(doy as u32 as usize).map(|&m| m as usize)
    }
}

/// Adds one batch of facts to `tally`.
fn tally_batch(tally: &mut SalesTally, cal: &Calendar, batch: &RecordBatch) -> Result<()> {
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
        no_nulls(col.as_ref(), T, name)?;
    }
    let dates = days(date_col, T, "date")?;
    let reps = Text::of(rep_col, T, "rep")?;
    let amount = Decimals::of(amount_col, T, "amount")?;
    let cost = Decimals::of(cost_col, T, "cost")?;
    let share = match optional(batch, "share_pct") {
        Some(col) => {
            no_nulls(col.as_ref(), T, "share_pct")?;
            Some(Decimals::of(col, T, "share_pct")?)
        }
        None => None,
    };
    let share_scale = share.as_ref().map_or(0, |s| s.scale);
    let factor = |scale: u32, name: &str| -> Result<i128> {
        let total = scale + share_scale;
        if total > TALLY_SCALE {
            return Err(Error::invalid(
                format!("facts.{name}"),
                format!(
                    "{scale} decimals (with share_pct's {share_scale}) exceed the {TALLY_SCALE} an exact tally keeps"
                ),
            ));
        }
        Ok(10i128.pow(TALLY_SCALE - total))
    };
    let (am, cm) = (factor(amount.scale, "amount")?, factor(cost.scale, "cost")?);
    // A dictionary's values are looked up once; plain strings once per run of equal reps.
    let dict_slots: Option<Vec<usize>> = reps.dictionary_len().map(|n| {
        (0..n)
            .map(|k| tally.slot(reps.dictionary_value(k).unwrap_or_default()))
            .collect()
    });
    let mut last: Option<(&str, usize)> = None;
    for (i, &day) in dates.iter().enumerate() {
        let Some(m) = cal.month0(day) else {
            continue;
        };
        let slot = match (&dict_slots, reps.key(i)) {
            (Some(slots), Some(k)) => slots[k],
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
        let s = share.as_ref().map_or(100, |s| s.values[i]);
        let revenue = amount.values[i] * s * am;
        let spent = cost.values[i] * s * cm;
        tally.add_scaled(slot, m, revenue, revenue - spent);
    }
    Ok(())
}

/// Tallies a year of facts on every core: the batches are cut into one contiguous run of
/// rows per thread, each tallied apart and merged (integer sums: the order is irrelevant).
pub fn tally_facts(year: i32, facts: &[RecordBatch]) -> Result<SalesTally> {
    let cal = Calendar::new(year)?;
    let rows: usize = facts.iter().map(RecordBatch::num_rows).sum();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(rows / 100_000 + 1);
    let per = rows.div_ceil(threads.max(1)).max(1);
    // Slices (zero-copy) of `per` rows each.
    let mut work: Vec<Vec<RecordBatch>> = vec![Vec::new(); threads.max(1)];
    let (mut part, mut filled) = (0, 0);
    for batch in facts {
        let mut offset = 0;
        while offset < batch.num_rows() {
            let take = (per - filled).min(batch.num_rows() - offset);
            work[part].push(batch.slice(offset, take));
            offset += take;
            filled += take;
            if filled == per && part + 1 < work.len() {
                part += 1;
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
                    for b in slices {
                        tally_batch(&mut t, cal, b)?;
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

/// Row `i` of the targets' optional `distribution` column: a list of twelve monthly
/// percentages summing to 100 (null: even), checked as `SetTargets` checks it.
fn distribution_at(col: &arrow_array::ArrayRef, i: usize) -> Result<Option<Vec<Decimal>>> {
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
        .map(|m| decimal_at(&values, FIELD, "", m).map(Option::unwrap_or_default))
        .collect::<Result<Vec<Decimal>>>()?;
    // The same rule as for stored targets: twelve non-negative percentages summing to 100.
    crate::expense::BudgetPlan::new(Decimal::ZERO, Some(months.clone())).map_err(|e| match e {
        Error::Invalid(bad) => Error::invalid(format!("{FIELD}[{i}]"), bad.reason),
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
    for b in targets {
        let reps = Text::of(column(b, "targets", "rep")?, "targets", "rep")?;
        no_nulls(column(b, "targets", "rep")?.as_ref(), "targets", "rep")?;
        let metric = |name: &str, i: usize| -> Result<Option<Decimal>> {
            match optional(b, name) {
                Some(col) => decimal_at(col, "targets", name, i),
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
                Some(col) => distribution_at(col, i)?,
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
    for b in customers {
        const T: &str = "customers";
        let owner_col = column(b, T, "owner")?;
        let signed_col = column(b, T, "first_signed")?;
        no_nulls(owner_col.as_ref(), T, "owner")?;
        let owners = Text::of(owner_col, T, "owner")?;
        let signed = days(signed_col, T, "first_signed")?;
        for (i, &day) in signed.iter().enumerate() {
            if signed_col.is_null(i) {
                continue; // never signed: not new in any month
            }
            let d = from_days(day);
            if d.year() == year {
                inputs
                    .new_customers
                    .entry(owners.value(i).to_string())
                    .or_default()[d.month0() as usize] += 1;
            }
        }
    }
    for b in surveys {
        const T: &str = "surveys";
        let reps = Text::of(column(b, T, "rep")?, T, "rep")?;
        let dates = days(column(b, T, "date")?, T, "date")?;
        let scores = column(b, T, "score")?;
        for (i, &day) in dates.iter().enumerate() {
            let d = from_days(day);
            if let (true, Some(score)) = (d.year() == year, decimal_at(scores, T, "score", i)?) {
                inputs.surveys.entry(reps.value(i).to_string()).or_default()[d.month0() as usize]
                    .push(score);
            }
        }
    }
    for b in ratings {
        const T: &str = "ratings";
        let reps = Text::of(column(b, T, "rep")?, T, "rep")?;
        let months = column(b, T, "month")?;
        let scores = column(b, T, "score")?;
        let years = optional(b, "year");
        for i in 0..b.num_rows() {
            if let Some(y) = years {
                if integer_at(y, T, "year", i)? != Some(year as i64) {
                    continue;
                }
            }
            let month = integer_at(months, T, "month", i)?.unwrap_or(0);
            if !(1..=12).contains(&month) {
                return Err(Error::invalid(
                    format!("ratings.month[{i}]"),
                    format!("{month} is not a month"),
                ));
            }
            if let Some(score) = decimal_at(scores, T, "score", i)? {
                inputs.ratings.entry(reps.value(i).to_string()).or_default()[month as usize - 1]
                    .push(score);
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
    let tally = tally_facts(year, facts)?;
    Ok(score_year(policy, &tally, inputs))
}

/// [`score_tables`] as one record batch (see [`super::export::year_scores_batch`]).
pub fn score_tables_batch(
    policy: &Policy,
    year: i32,
    facts: &[RecordBatch],
    inputs: &YearInputs,
) -> Result<RecordBatch> {
    let scores = score_tables(policy, year, facts, inputs)?;
    super::export::year_scores_batch(year, &scores, policy.rounding().scale)
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
        super::export::year_scores_batch(year, &scores, scale)
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
        let fast = tally_facts(2026, &[first, second]).unwrap();
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
                    fast.totals(rep, month),
                    slow.totals(rep, month),
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
        let again = tally_facts(2026, &[plain]).unwrap();
        assert_eq!(again.totals("b", None), slow.totals("b", None));
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
        match tally_facts(2026, &[float]) {
            Err(Error::Invalid(e)) => {
                assert_eq!(e.field, "facts.amount");
                assert!(e.reason.contains("never floats"), "{}", e.reason);
            }
            other => panic!("{other:?}"),
        }
        let missing = batch(vec![("date", dates.clone()), ("rep", rep.clone())]);
        assert!(
            matches!(tally_facts(2026, &[missing]), Err(Error::Invalid(e)) if e.field == "facts.amount")
        );
        let nulls = batch(vec![
            ("date", dates),
            ("rep", Arc::new(StringArray::from(vec![None::<&str>]))),
            ("amount", dec_col(&[1], 2)),
            ("cost", dec_col(&[0], 2)),
        ]);
        assert!(
            matches!(tally_facts(2026, &[nulls]), Err(Error::Invalid(e)) if e.field == "facts.rep")
        );
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
