//! Which rules of one lint group can match the same line: their quantity ranges meet,
//! their validity windows meet, and their currencies agree (a rule without a currency
//! agrees with every one).
//!
//! A sweep over the windows' first days keeps the rules in force in segment trees over
//! their quantity ranges, so a group of n rules costs O(n log n), never the n²
//! comparisons of every pair (#16: a policy of 10,000 rules of one scope and priority
//! must load in milliseconds). Each rule is reported at most once, with one rule it
//! meets, so the report is linear in the group too.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::money::Currency;

/// What of a rule decides whether it can meet another on the same line.
#[derive(Debug, Clone)]
pub(super) struct Reach {
    /// The rule's position in `pricing.rules`.
    pub rule: usize,
    /// Quantities, inclusive at both ends.
    pub qty: (Decimal, Decimal),
    /// Days, inclusive at both ends.
    pub days: (NaiveDate, NaiveDate),
    /// `None` agrees with every currency.
    pub currency: Option<Currency>,
}

/// Pairs `(met, rule)`: `rule` can match a line together with `met`, which came into
/// force no later than `rule` did (earlier in the file, on the same day). At most one
/// pair per rule, in the order of `reaches`' rule positions.
pub(super) fn collisions(reaches: &[Reach]) -> Vec<(usize, usize)> {
    let mut order: Vec<&Reach> = reaches.iter().collect();
    order.sort_by_key(|r| (r.days.0, r.rule));
    let mut every = InForce::over(reaches.iter());
    let mut by_currency: HashMap<Option<Currency>, InForce> = HashMap::new();
    let mut members: HashMap<Option<Currency>, Vec<&Reach>> = HashMap::new();
    for r in reaches {
        members.entry(r.currency).or_default().push(r);
    }
    for (currency, rs) in members {
        by_currency.insert(currency, InForce::over(rs.into_iter()));
    }
    // Rules in force, the one whose window ends first on top.
    let mut ending: BinaryHeap<Reverse<(NaiveDate, usize)>> = BinaryHeap::new();
    let mut found = Vec::new();
    for (n, r) in order.iter().enumerate() {
        while let Some(Reverse((last_day, at))) = ending.peek().copied() {
            if last_day >= r.days.0 {
                break;
            }
            ending.pop();
            if let Some(gone) = order.get(at) {
                every.remove(gone);
                if let Some(tree) = by_currency.get_mut(&gone.currency) {
                    tree.remove(gone);
                }
            }
        }
        let met = match r.currency {
            None => every.meeting(r.qty),
            Some(_) => by_currency
                .get(&r.currency)
                .and_then(|t| t.meeting(r.qty))
                .or_else(|| by_currency.get(&None).and_then(|t| t.meeting(r.qty))),
        };
        if let Some(met) = met {
            found.push((met, r.rule));
        }
        every.insert(r);
        if let Some(tree) = by_currency.get_mut(&r.currency) {
            tree.insert(r);
        }
        ending.push(Reverse((r.days.1, n)));
    }
    found.sort_by_key(|&(_, rule)| rule);
    found
}

/// The quantity ranges of the rules in force: a segment tree over the distinct first
/// quantities of the rules it may hold, each node keeping the range that reaches
/// highest below it.
struct InForce {
    /// Distinct first quantities, ascending: leaf `i` holds the ranges starting at
    /// `starts[i]`.
    starts: Vec<Decimal>,
    /// Per leaf, its ranges as (last quantity, rule).
    leaves: Vec<BTreeSet<(Decimal, usize)>>,
    /// `2 * leaves` nodes; node 1 is the root, leaf `i` is node `leaves + i`.
    highest: Vec<Option<(Decimal, usize)>>,
}

impl InForce {
    fn over<'a>(reaches: impl Iterator<Item = &'a Reach>) -> Self {
        let mut starts: Vec<Decimal> = reaches.map(|r| r.qty.0).collect();
        starts.sort();
        starts.dedup();
        let leaves = vec![BTreeSet::new(); starts.len()];
        let highest = vec![None; starts.len().saturating_mul(2)];
        InForce {
            starts,
            leaves,
            highest,
        }
    }

    fn leaf(&self, start: Decimal) -> Option<usize> {
        self.starts.binary_search(&start).ok()
    }

    fn insert(&mut self, r: &Reach) {
        if let Some(leaf) = self.leaf(r.qty.0)
            && let Some(set) = self.leaves.get_mut(leaf)
        {
            set.insert((r.qty.1, r.rule));
            self.refresh(leaf);
        }
    }

    fn remove(&mut self, r: &Reach) {
        if let Some(leaf) = self.leaf(r.qty.0)
            && let Some(set) = self.leaves.get_mut(leaf)
        {
            set.remove(&(r.qty.1, r.rule));
            self.refresh(leaf);
        }
    }

    /// Recomputes the nodes above `leaf`. Node indexes stay below `2 * leaves`: a leaf
    /// is below it, and each step up halves.
    fn refresh(&mut self, leaf: usize) {
        let width = self.leaves.len();
        let top = self.leaves.get(leaf).and_then(|set| set.last().copied());
        let mut node = width.wrapping_add(leaf);
        if let Some(slot) = self.highest.get_mut(node) {
            *slot = top;
        }
        while node > 1 {
            node = node.wrapping_shr(1);
            let child = |c: usize| self.highest.get(c).copied().flatten();
            let left = node.wrapping_mul(2);
            let best = child(left).max(child(left.wrapping_add(1)));
            if let Some(slot) = self.highest.get_mut(node) {
                *slot = best;
            }
        }
    }

    /// A rule in force whose range meets `lo..=hi`: among those starting at or below
    /// `hi`, the one reaching highest, if it reaches `lo`.
    fn meeting(&self, (lo, hi): (Decimal, Decimal)) -> Option<usize> {
        let count = self.starts.partition_point(|s| *s <= hi);
        let width = self.leaves.len();
        // The leaves 0..count, walked up the tree as half-open [l, r).
        let (mut l, mut r) = (width, width.wrapping_add(count));
        let mut best: Option<(Decimal, usize)> = None;
        let at = |n: usize| self.highest.get(n).copied().flatten();
        while l < r {
            if l & 1 == 1 {
                best = best.max(at(l));
                l = l.wrapping_add(1);
            }
            if r & 1 == 1 {
                r = r.wrapping_sub(1);
                best = best.max(at(r));
            }
            l = l.wrapping_shr(1);
            r = r.wrapping_shr(1);
        }
        best.filter(|(last, _)| *last >= lo).map(|(_, rule)| rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(n as u64)
    }

    fn meets(a: &Reach, b: &Reach) -> bool {
        let currency = match (a.currency, b.currency) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        };
        a.qty.0 <= b.qty.1
            && b.qty.0 <= a.qty.1
            && a.days.0 <= b.days.1
            && b.days.0 <= a.days.1
            && currency
    }

    fn reach() -> impl Strategy<Value = (u8, u8, u8, u8, u8)> {
        (0u8..20, 0u8..10, 0u8..40, 0u8..15, 0u8..3)
    }

    proptest! {
        /// Against every pair compared: a rule is reported exactly when it meets a rule
        /// that came into force before it, and what it is reported with does meet it.
        #[test]
        fn agrees_with_every_pair(raw in prop::collection::vec(reach(), 0..40)) {
            let currencies = [None, Some(Currency::new("CNY").unwrap()), Some(Currency::new("USD").unwrap())];
            let reaches: Vec<Reach> = raw
                .iter()
                .enumerate()
                .map(|(rule, &(q, ql, d, dl, c))| Reach {
                    rule,
                    qty: (Decimal::from(q), Decimal::from(q + ql)),
                    days: (day(d.into()), day(i64::from(d) + i64::from(dl))),
                    currency: currencies[usize::from(c)],
                })
                .collect();
            let found = collisions(&reaches);
            let before = |a: &Reach, b: &Reach| (a.days.0, a.rule) < (b.days.0, b.rule);
            for r in &reaches {
                let expected = reaches.iter().any(|o| before(o, r) && meets(o, r));
                let got: Vec<_> = found.iter().filter(|(_, x)| *x == r.rule).collect();
                prop_assert_eq!(got.len(), usize::from(expected), "rule {}", r.rule);
                if let Some((met, _)) = got.first() {
                    let m = &reaches[*met];
                    prop_assert!(before(m, r) && meets(m, r), "{} with {}", r.rule, met);
                }
            }
        }
    }

    /// 20,000 rules of one scope, all meeting: 19,999 reports, no pair-by-pair work.
    #[test]
    fn a_large_group_is_linear_in_reports() {
        let reaches: Vec<Reach> = (0..20_000)
            .map(|rule| Reach {
                rule,
                qty: (Decimal::ZERO, Decimal::MAX),
                days: (NaiveDate::MIN, NaiveDate::MAX),
                currency: None,
            })
            .collect();
        let found = collisions(&reaches);
        assert_eq!(found.len(), 19_999);
        assert!(found.iter().all(|(met, rule)| met < rule));
    }
}
