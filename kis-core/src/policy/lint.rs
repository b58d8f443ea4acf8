//! Pricing lints: rules whose order is decided only by the tie-break, found when the
//! policy is loaded rather than discovered at quote time.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::overlap::{Reach, collisions};
use super::scope::{CustomerKey, ProductKey};
use super::{PriceRule, PricingPolicy, Stacking};

/// Two exclusive rules with the same priority and the same specificity that can match
/// the same line: their order then rests on the tie-break (later start, then id). Each
/// rule that meets one before it (by first day, then position) is reported once, as
/// `(other, rule, message)`, positions into `pricing.rules`; the lint belongs to `rule`.
/// O(n log n) in the rules (see [`overlap`](super::overlap)).
pub fn lint(pricing: &PricingPolicy) -> Vec<(usize, usize, String)> {
    let mut groups: HashMap<(ProductKey, CustomerKey, i32, bool), Vec<Reach>> = HashMap::new();
    for (rule, r) in pricing.rules.iter().enumerate() {
        if r.stacking != Stacking::Exclusive {
            continue;
        }
        let key = (
            ProductKey::of(r),
            CustomerKey::of(r),
            r.priority,
            r.action.free_units.is_some(),
        );
        groups.entry(key).or_default().push(reach(rule, r));
    }
    let mut found = Vec::new();
    for members in groups.values() {
        for (a, b) in collisions(members) {
            // Positions into `rules`, taken from it above.
            let (Some(ra), Some(rb)) = (pricing.rules.get(a), pricing.rules.get(b)) else {
                continue;
            };
            let (first, second) = if a < b { (ra, rb) } else { (rb, ra) };
            found.push((
                a,
                b,
                format!(
                    "rules {:?} and {:?} have the same priority ({}) and scope and can match the same line; \
                     the later start, then the id, decides: give one a higher priority",
                    first.id, second.id, ra.priority
                ),
            ));
        }
    }
    found.sort_by_key(|&(_, rule, _)| rule);
    found
}

fn reach(rule: usize, r: &PriceRule) -> Reach {
    Reach {
        rule,
        qty: (
            r.min_qty.unwrap_or(Decimal::ZERO),
            r.max_qty.unwrap_or(Decimal::MAX),
        ),
        days: r
            .valid
            .as_ref()
            .map_or((NaiveDate::MIN, NaiveDate::MAX), |w| (w.from, w.to)),
        currency: r.currency,
    }
}
