//! Pricing lints: rule pairs whose order is decided only by the tie-break, found when the
//! policy is loaded rather than discovered at quote time.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::scope::{CustomerKey, ProductKey};
use crate::policy::{PriceRule, PricingPolicy, Stacking};

/// Two exclusive rules with the same priority and the same specificity that can match
/// the same line: their order then rests on the tie-break (later start, then id). Each
/// pair is reported as `(index, index, message)`, indexes into `pricing.rules`.
pub fn lint(pricing: &PricingPolicy) -> Vec<(usize, usize, String)> {
    let mut groups: HashMap<(ProductKey, CustomerKey, i32, bool), Vec<usize>> = HashMap::new();
    for (i, r) in pricing.rules.iter().enumerate() {
        if r.stacking != Stacking::Exclusive {
            continue;
        }
        let key = (
            ProductKey::of(r),
            CustomerKey::of(r),
            r.priority,
            r.action.free_units.is_some(),
        );
        groups.entry(key).or_default().push(i);
    }
    let mut found = Vec::new();
    let mut ordered: Vec<&Vec<usize>> = groups.values().collect();
    ordered.sort_by_key(|members| members.first().copied());
    for members in ordered {
        for (n, &a) in members.iter().enumerate() {
            for &b in members.iter().skip(n.saturating_add(1)) {
                // Positions into `rules`, taken from it above.
                let (Some(ra), Some(rb)) = (pricing.rules.get(a), pricing.rules.get(b)) else {
                    continue;
                };
                if overlap(ra, rb) {
                    found.push((
                        a,
                        b,
                        format!(
                            "rules {:?} and {:?} have the same priority ({}) and scope and can match the same line; \
                             the later start, then the id, decides: give one a higher priority",
                            ra.id, rb.id, ra.priority
                        ),
                    ));
                }
            }
        }
    }
    found
}

fn overlap(a: &PriceRule, b: &PriceRule) -> bool {
    let qty = |r: &PriceRule| {
        (
            r.min_qty.unwrap_or(Decimal::ZERO),
            r.max_qty.unwrap_or(Decimal::MAX),
        )
    };
    let ((a0, a1), (b0, b1)) = (qty(a), qty(b));
    let days = |r: &PriceRule| {
        r.valid
            .as_ref()
            .map_or((NaiveDate::MIN, NaiveDate::MAX), |w| (w.from, w.to))
    };
    let ((d0, d1), (e0, e1)) = (days(a), days(b));
    let currency = match (a.currency, b.currency) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    a0 <= b1 && b0 <= a1 && d0 <= e1 && e0 <= d1 && currency
}
