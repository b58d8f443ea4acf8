//! Arrow tables built from the bytes (dates, reps, decimal amounts and costs at any
//! scale, shares, currencies): a year scored and lines priced, or an error naming the
//! row and column; never a panic, whatever the values.
#![no_main]

use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Decimal128Array, RecordBatch, StringArray};
use arrow_schema::{Field, Schema};
use libfuzzer_sys::fuzz_target;

const POLICY: &str = include_str!("../../examples/policy.toml");

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let n = N.min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        out
    }
    fn byte(&mut self) -> u8 {
        self.take::<1>()[0]
    }
}

fn decimal(values: Vec<i128>, scale: i8) -> ArrayRef {
    let array = Decimal128Array::from(values).with_precision_and_scale(38, scale);
    Arc::new(array.unwrap_or_else(|_| Decimal128Array::from(vec![0i128])))
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> Option<RecordBatch> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    let arrays = columns.into_iter().map(|(_, a)| a).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).ok()
}

static POLICY_PARSED: std::sync::OnceLock<Option<kis_core::Policy>> = std::sync::OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some(policy) = POLICY_PARSED.get_or_init(|| kis_core::Policy::from_toml(POLICY).ok())
    else {
        return;
    };
    let mut b = Bytes(data);
    let rows = usize::from(b.byte() % 16);
    let (amount_scale, share_scale) = ((b.byte() % 40) as i8, (b.byte() % 40) as i8);
    let mut dates = Vec::new();
    let (mut amounts, mut costs, mut shares) = (Vec::new(), Vec::new(), Vec::new());
    let mut reps = Vec::new();
    let mut currencies = Vec::new();
    for _ in 0..rows {
        dates.push(i32::from_le_bytes(b.take::<4>()));
        amounts.push(i128::from_le_bytes(b.take::<16>()));
        costs.push(i128::from_le_bytes(b.take::<16>()));
        shares.push(i128::from(i16::from_le_bytes(b.take::<2>())));
        reps.push(["a", "b", "", "\u{202e}"][usize::from(b.byte() % 4)]);
        currencies.push(["CNY", "USD", ""][usize::from(b.byte() % 3)]);
    }
    let mut columns: Vec<(&str, ArrayRef)> = vec![
        ("date", Arc::new(Date32Array::from(dates.clone()))),
        ("rep", Arc::new(StringArray::from(reps.clone()))),
        ("amount", decimal(amounts.clone(), amount_scale)),
        ("cost", decimal(costs, amount_scale)),
    ];
    if b.byte() % 2 == 0 {
        columns.push(("share_pct", decimal(shares, share_scale)));
    }
    if b.byte() % 2 == 0 {
        columns.push(("currency", Arc::new(StringArray::from(currencies))));
    }
    if let Some(facts) = batch(columns) {
        let year = 2026 + i32::from(b.byte() % 3);
        let inputs = kis_core::kpi::YearInputs::default();
        let _ = kis_core::columnar::score_tables(policy, year, &[facts], &inputs);
    }
    // Lines priced from tables: the products' prices and the lines' quantities come
    // from the same bytes.
    let products = batch(vec![
        (
            "product",
            Arc::new(StringArray::from(vec!["P", "Q"])) as ArrayRef,
        ),
        (
            "category",
            Arc::new(StringArray::from(vec!["software>erp", ""])),
        ),
        (
            "list_price",
            decimal(
                amounts
                    .iter()
                    .take(2)
                    .copied()
                    .chain([1, 1])
                    .take(2)
                    .collect(),
                amount_scale,
            ),
        ),
        ("cost", decimal(vec![0, 1], 0)),
    ]);
    let lines = batch(vec![
        (
            "product",
            Arc::new(StringArray::from(
                reps.iter()
                    .map(|r| if r.is_empty() { "P" } else { "Q" })
                    .collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        (
            "quantity",
            decimal(amounts.iter().rev().copied().collect(), share_scale),
        ),
        ("date", Arc::new(Date32Array::from(dates))),
    ]);
    if let (Some(p), Some(l)) = (products, lines) {
        let _ = kis_core::columnar::price_lines(policy, &[p], &[l]);
    }
});
