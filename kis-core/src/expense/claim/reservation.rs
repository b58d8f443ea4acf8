//! Budget reservation (P6.3): the counters a claim reserves when it is submitted and
//! releases when it comes back, by category, month and day.

#[allow(unused_imports)]
use super::*;

/// The counter of one person's spending in a category on a day (per-day limits).
pub fn per_day_key(claimant: &UserId, category: &str, day: NaiveDate) -> String {
    format!("expense-day:{claimant}:{category}:{day}")
}

/// The counter of a budget's consumption (approved + pending), for the year or a month.
pub fn consumption_key(budget: &str, month: Option<u32>) -> String {
    match month {
        None => format!("expense:{budget}"),
        Some(m) => format!("expense:{budget}:{m:02}"),
    }
}

impl ExpenseClaim {
    /// Amounts by budget category and month.
    pub(super) fn by_category_month(&self, counted: bool) -> BTreeMap<(String, u32), Decimal> {
        let mut out = BTreeMap::new();
        for l in &self.lines {
            let amount = if counted { l.counted() } else { l.amount };
            // Within the claim's total, which was checked to fit when it was filed.
            let sum = out
                .entry((l.category.clone(), l.date.month()))
                .or_insert(Decimal::ZERO);
            *sum = sum.saturating_add(amount);
        }
        out
    }

    pub(super) fn year(&self) -> i32 {
        self.period_from.year()
    }

    /// Amounts by category and day.
    pub(super) fn by_category_day(&self, counted: bool) -> BTreeMap<(String, NaiveDate), Decimal> {
        let mut out = BTreeMap::new();
        for l in &self.lines {
            let amount = if counted { l.counted() } else { l.amount };
            // Within the claim's total, which was checked to fit when it was filed.
            let sum = out
                .entry((l.category.clone(), l.date))
                .or_insert(Decimal::ZERO);
            *sum = sum.saturating_add(amount);
        }
        out
    }

    /// Releases per-day reservations: all of them (withdrawn), or what finance cut
    /// (`cuts_only`, on approval).
    pub(super) fn release_per_day(
        &self,
        ctx: &mut CommandContext<'_>,
        cuts_only: bool,
    ) -> Result<()> {
        let limits = ctx.policy().expense().limits.clone();
        let claimed = self.by_category_day(false);
        let counted = self.by_category_day(true);
        for ((category, day), amount) in claimed {
            if limits.get(&category).and_then(|l| l.per_day).is_none() {
                continue;
            }
            let release = if cuts_only {
                // What is counted is never more than what is claimed.
                amount.saturating_sub(
                    counted
                        .get(&(category.clone(), day))
                        .copied()
                        .unwrap_or_default(),
                )
            } else {
                amount
            };
            if !release.is_zero() {
                ctx.counter_add(
                    &per_day_key(&self.claimant, &category, day),
                    release.saturating_mul(Decimal::NEGATIVE_ONE),
                    None,
                )?;
            }
        }
        Ok(())
    }

    /// Adds `sign` x the amounts to the consumption counters (no ceiling: releases and
    /// approved adjustments only).
    pub(super) fn adjust(
        &self,
        ctx: &mut CommandContext<'_>,
        amounts: &BTreeMap<(String, u32), Decimal>,
        sign: Decimal,
    ) -> Result<()> {
        for ((category, month), amount) in amounts {
            if amount.is_zero() {
                continue;
            }
            let budget = Budget::make_id(self.year(), &self.team, category);
            // `sign` is 1 or -1: an exact change of sign.
            ctx.counter_add(
                &consumption_key(&budget, None),
                amount.saturating_mul(sign),
                None,
            )?;
            ctx.counter_add(
                &consumption_key(&budget, Some(*month)),
                amount.saturating_mul(sign),
                None,
            )?;
        }
        Ok(())
    }
}
