//! Budget arithmetic (P6.1, P6.3): the monthly distribution and the budget accumulated
//! over the months so far. Pure.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::RoundingPolicy;

/// An annual amount spread over the twelve months by percentages (even when none given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BudgetPlan {
    /// The annual amount.
    pub annual: Decimal,
    /// Percent of the year per month, January first; sums to 100.
    pub distribution: [Decimal; 12],
}

impl BudgetPlan {
    /// A plan; `distribution` of `None` spreads the year evenly.
    pub fn new(annual: Decimal, distribution: Option<Vec<Decimal>>) -> Result<BudgetPlan> {
        if annual < Decimal::ZERO {
            return Err(Error::invalid("annual", format!("{annual} is negative")));
        }
        let distribution = match distribution {
            None => {
                [Decimal::ONE_HUNDRED
                    .checked_div(Decimal::from(12))
                    .unwrap_or_default(); 12]
            }
            Some(d) => {
                let months: [Decimal; 12] = d.clone().try_into().map_err(|_| {
                    Error::invalid(
                        "distribution",
                        format!(
                            "{} values given; give one percentage per month (12)",
                            d.len()
                        ),
                    )
                })?;
                if let Some(m) = months.iter().position(|p| *p < Decimal::ZERO) {
                    return Err(Error::invalid(
                        "distribution",
                        format!("month {} is negative", m.saturating_add(1)),
                    ));
                }
                let sum = crate::checked::sum("distribution", months.iter().copied())?;
                if sum != Decimal::ONE_HUNDRED {
                    return Err(Error::invalid(
                        "distribution",
                        format!("the months sum to {sum}%, not 100%"),
                    ));
                }
                months
            }
        };
        Ok(BudgetPlan {
            annual,
            distribution,
        })
    }

    /// The budget of the months January..=`month` (1-12), rounded by policy. With an
    /// even spread, the year's remainder of rounding lands in December.
    pub fn accumulated(&self, month: u32, rounding: RoundingPolicy) -> Decimal {
        let month = month.clamp(1, 12) as usize;
        if month == 12 {
            return self.annual;
        }
        // The months sum to 100 (checked when the plan was made).
        let pct = self
            .distribution
            .iter()
            .take(month)
            .fold(Decimal::ZERO, |s, p| s.saturating_add(*p));
        self.share(pct, rounding)
    }

    /// `pct` percent of the annual amount, rounded by policy.
    fn share(&self, pct: Decimal, rounding: RoundingPolicy) -> Decimal {
        // pct <= 100: the share is at most the annual budget. Past 28 digits, take the
        // share first (the same amount, to 28 significant digits).
        let share = match self.annual.checked_mul(pct) {
            Some(x) => x.checked_div(Decimal::ONE_HUNDRED).unwrap_or_default(),
            None => self
                .annual
                .saturating_mul(pct.checked_div(Decimal::ONE_HUNDRED).unwrap_or_default()),
        };
        rounding.round_decimal(share)
    }

    /// The budget of each month, January first: [`month`](Self::month) of 1..=12 at
    /// once, each accumulation computed once (a year's scoring needs all twelve).
    pub fn months(&self, rounding: RoundingPolicy) -> [Decimal; 12] {
        let mut out = [Decimal::ZERO; 12];
        let (mut pct, mut before) = (Decimal::ZERO, Decimal::ZERO);
        for (m, (slot, p)) in out.iter_mut().zip(&self.distribution).enumerate() {
            // `accumulated` of month m + 1, its percentage summed as it sums it.
            pct = pct.saturating_add(*p);
            let to = if m == 11 {
                self.annual
            } else {
                self.share(pct, rounding)
            };
            *slot = to.saturating_sub(before);
            before = to;
        }
        out
    }

    /// The budget of one month.
    pub fn month(&self, month: u32, rounding: RoundingPolicy) -> Decimal {
        let before = if month <= 1 {
            Decimal::ZERO
        } else {
            self.accumulated(month.saturating_sub(1), rounding)
        };
        // Months are not negative: the sum to a month is never below the sum before it.
        self.accumulated(month, rounding).saturating_sub(before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    const CENTS: RoundingPolicy = RoundingPolicy {
        scale: 2,
        mode: crate::money::RoundingMode::HalfUp,
    };

    #[test]
    fn months_are_each_month_of_the_plan() {
        let mut dist = vec![d("7.5"); 8];
        dist.extend([d("10"); 4]);
        for plan in [
            BudgetPlan::new(d("1000.01"), None).unwrap(),
            BudgetPlan::new(d("99999.99"), Some(dist)).unwrap(),
        ] {
            let months = plan.months(CENTS);
            for (m, got) in (1u32..).zip(months) {
                assert_eq!(got, plan.month(m, CENTS), "month {m}");
            }
            assert_eq!(months.iter().fold(Decimal::ZERO, |s, m| s + m), plan.annual);
        }
    }

    #[test]
    fn p6_1_accumulated_budget_with_and_without_a_distribution() {
        let mut dist = vec![d("8"); 10];
        dist.extend([d("10"), d("10")]);
        let plan = BudgetPlan::new(d("120000"), Some(dist)).unwrap();
        assert_eq!(plan.accumulated(3, CENTS), d("28800.00"));
        assert_eq!(plan.month(11, CENTS), d("12000.00"));
        let even = BudgetPlan::new(d("60000"), None).unwrap();
        assert_eq!(even.accumulated(5, CENTS), d("25000.00"));
        assert_eq!(even.accumulated(12, CENTS), d("60000"));
        let odd = BudgetPlan::new(d("100"), None).unwrap();
        assert_eq!(odd.accumulated(11, CENTS), d("91.67"));
        assert_eq!(odd.month(12, CENTS), d("8.33"));
    }

    #[test]
    fn a_distribution_must_have_twelve_months_summing_to_100() {
        assert!(BudgetPlan::new(d("1"), Some(vec![d("50"), d("50")])).is_err());
        assert!(BudgetPlan::new(d("1"), Some(vec![d("10"); 12])).is_err());
        let mut neg = vec![d("10"); 12];
        neg[0] = d("-10");
        neg[1] = d("30");
        assert!(BudgetPlan::new(d("1"), Some(neg)).is_err());
        assert!(BudgetPlan::new(d("-1"), None).is_err());
    }
}
