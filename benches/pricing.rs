//! Pricing throughput: 10,000 rules (50 customer groups x 25 categories x 4 quantity
//! breaks x 2 date windows) and 100,000 quote lines. The goal is at most 2 us per line:
//! the price book's index looks up a line's scopes instead of scanning the rules.
//!
//! `cargo bench --bench pricing` prints the time per 100,000 lines, with and without the
//! trace; divide by 100,000 for the time per line.

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kis::pricing::PriceRequest;
use kis::*;
use rust_decimal::Decimal;

#[path = "support/big_policy.rs"]
mod big_policy;
use big_policy::{CATEGORIES, GROUPS, big_policy};

/// 100,000 lines: products spread over the categories, customers over the groups.
pub fn lines() -> Vec<(String, String, String, String, i64, NaiveDate)> {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..100_000)
        .map(|_| {
            let c = (next() % CATEGORIES as u64) as usize;
            let product = format!("P{}", next() % 1000);
            let category = format!("dept{}>cat{c}", c % 5);
            let customer = format!("C{}", next() % 5000);
            let group = format!("group{}", next() % GROUPS as u64);
            let qty = (next() % 300 + 1) as i64;
            let date = NaiveDate::from_yo_opt(2026, (next() % 365 + 1) as u32).unwrap();
            (product, category, customer, group, qty, date)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let policy = big_policy();
    assert_eq!(policy.pricing().rules.len(), 10_000);
    let book = policy.price_book();
    let lines = lines();
    let cny = Currency::new("CNY").unwrap();
    let mut group = c.benchmark_group("price_100k_lines_10k_rules");
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.sample_size(10);
    for explain in [false, true] {
        group.bench_function(
            if explain {
                "with_trace"
            } else {
                "without_trace"
            },
            |b| {
                b.iter(|| {
                    let mut total = Decimal::ZERO;
                    for (product, category, customer, grp, qty, date) in &lines {
                        let req = PriceRequest {
                            product,
                            category,
                            list_price: Decimal::from(100),
                            cost: Decimal::from(60),
                            currency: cny,
                            customer: Some(customer),
                            customer_group: Some(grp),
                            quantity: Decimal::from(*qty),
                            date: *date,
                        };
                        total += book.price(&req, explain).expect("a valid line").line_total;
                    }
                    total
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
