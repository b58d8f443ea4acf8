//! A year scored from Arrow tables, phase by phase (issue #21): the same workload as
//! `benches/kpi_vs_polars.py` (2,000 reps, rep as a dictionary, exact decimal128 money,
//! 80 % of the facts credited whole and 20 % split 60/40, annual targets), built in Rust so
//! that a profiler sees kis alone. Prints the best of RUNS for the whole call and for each
//! phase: the tally of the facts, the 26,000 scorecards, the output batch.
//!
//! `cargo bench --features arrow --bench kpi_tables -- [FACTS (100000)] [RUNS (20)] [whole]`
//! (`whole`: only the call, for a profiler).

use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow_array::builder::StringDictionaryBuilder;
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, Date32Array, Decimal128Array, RecordBatch, StringArray};
use kis::Policy;
use kis::columnar::{score_tables_batch, tally_facts, year_inputs, year_scores_batch};
use kis::kpi::score_year;

const POLICY: &str = include_str!("../examples/policy.toml");
const YEAR: i32 = 2026;

/// xorshift: deterministic data, so that runs compare.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn decimals(values: Vec<i128>, precision: u8, scale: i8) -> ArrayRef {
    Arc::new(
        Decimal128Array::from(values)
            .with_precision_and_scale(precision, scale)
            .unwrap(),
    )
}

fn tables(n: usize, reps: usize) -> (RecordBatch, RecordBatch) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let names: Vec<String> = (0..reps).map(|i| format!("rep-{i:04}")).collect();
    let first = chrono::NaiveDate::from_ymd_opt(YEAR, 1, 1).unwrap();
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let start = i32::try_from((first - epoch).num_days()).unwrap();
    let mut rep = StringDictionaryBuilder::<Int32Type>::new();
    let (mut days, mut amounts, mut costs, mut shares) = (vec![], vec![], vec![], vec![]);
    for _ in 0..n {
        rep.append_value(&names[rng.below(reps as u64) as usize]);
        days.push(start + rng.below(365) as i32);
        let amount = 10_000 + rng.below(4_990_000) as i128;
        amounts.push(amount);
        costs.push(amount * (30 + rng.below(50) as i128) / 100);
        shares.push(match rng.below(10) {
            0 => 6_000,
            1 => 4_000,
            _ => 10_000,
        });
    }
    let facts = RecordBatch::try_from_iter([
        ("date", Arc::new(Date32Array::from(days)) as ArrayRef),
        ("rep", Arc::new(rep.finish()) as ArrayRef),
        ("amount", decimals(amounts, 18, 2)),
        ("cost", decimals(costs, 18, 2)),
        ("share_pct", decimals(shares, 5, 2)),
    ])
    .unwrap();
    let revenue: Vec<i128> = (0..reps)
        .map(|_| (20_000_000 + rng.below(40_000_000) as i128) * 100)
        .collect();
    let profit = revenue.iter().map(|r| r / 3).collect();
    let targets = RecordBatch::try_from_iter([
        ("rep", Arc::new(StringArray::from(names)) as ArrayRef),
        ("revenue", decimals(revenue, 18, 2)),
        ("profit", decimals(profit, 18, 2)),
    ])
    .unwrap();
    (facts, targets)
}

fn best(runs: usize, mut work: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            work();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--") && a != "whole")
        .map(|a| {
            a.replace('_', "")
                .parse::<usize>()
                .expect("FACTS and RUNS are numbers")
        });
    let n = args.next().unwrap_or(100_000);
    let runs = args.next().unwrap_or(20);
    let policy = Policy::from_toml(POLICY).unwrap();
    let (facts, targets) = tables(n, 2_000);
    let facts = [facts];
    let inputs = year_inputs(YEAR, &[targets], &[], &[], &[]).unwrap();
    let currency = policy.general().currency;
    let scale = policy.rounding().scale;

    let whole = best(runs, || {
        std::hint::black_box(score_tables_batch(&policy, YEAR, &facts, &inputs).unwrap());
    });
    if std::env::args().any(|a| a == "whole") {
        // Only the call, for a profiler.
        println!(
            "score_tables_batch, {n} facts, best of {runs}: {:.2} ms",
            whole.as_secs_f64() * 1e3
        );
        return;
    }
    let tally = tally_facts(YEAR, currency, &facts).unwrap();
    let t_tally = best(runs, || {
        std::hint::black_box(tally_facts(YEAR, currency, &facts).unwrap());
    });
    let scores = score_year(&policy, &tally, &inputs).unwrap();
    let t_score = best(runs, || {
        std::hint::black_box(score_year(&policy, &tally, &inputs).unwrap());
    });
    let t_batch = best(runs, || {
        std::hint::black_box(year_scores_batch(YEAR, &scores, scale).unwrap());
    });
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "score_tables_batch, {n} facts, 2000 reps, best of {runs}: {:.2} ms \
         (tally {:.2} ms, {} scorecards {:.2} ms, output batch {:.2} ms)",
        ms(whole),
        ms(t_tally),
        scores.len(),
        ms(t_score),
        ms(t_batch),
    );
}
