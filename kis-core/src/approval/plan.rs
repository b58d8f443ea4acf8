//! Planning a review: which steps of a chain apply to a document, and why the others
//! are skipped. Pure: the same chain and facts always give the same plan.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::org::Role;
use crate::policy::{Chain, Condition, Scope};

/// What step conditions may look at in a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Facts {
    /// The document's total amount, if it has one.
    pub total: Option<Decimal>,
    /// The largest discount of any line from the engine's price, in percent.
    pub max_discount_pct: Option<Decimal>,
    /// The customer's group, if the document has a customer.
    pub customer_group: Option<String>,
}

/// One step of a planned review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlannedStep {
    /// Position in the chain, from 0.
    pub index: usize,
    /// The reviewing role.
    pub role: Role,
    /// Whether the reviewer must lead the submitter's team.
    pub team_scope: bool,
    /// Whether the step applies to this document.
    pub applies: bool,
    /// Why it applies or is skipped (the trace).
    pub reason: String,
}

/// Plans `chain` for a document with `facts`.
pub fn plan(chain: &Chain, facts: &Facts) -> Vec<PlannedStep> {
    chain
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let (applies, reason) = match &step.when {
                None => (true, "always applies".to_string()),
                Some(cond) => evaluate(cond, facts),
            };
            PlannedStep {
                index,
                role: step.role,
                team_scope: step.scope == Some(Scope::Team),
                applies,
                reason,
            }
        })
        .collect()
}

/// Whether every part of a condition holds, with the trace of each part.
fn evaluate(cond: &Condition, facts: &Facts) -> (bool, String) {
    let mut parts = Vec::new();
    let mut all = true;
    let mut check = |holds: bool, text: String| {
        all &= holds;
        parts.push(text);
    };
    if let Some(limit) = cond.total_over {
        match facts.total {
            Some(t) if t > limit => check(true, format!("total {t} is over {limit}")),
            Some(t) => check(false, format!("total {t} is not over {limit}")),
            None => check(false, "the document has no total".to_string()),
        }
    }
    if let Some(limit) = cond.discount_over_pct {
        match facts.max_discount_pct {
            Some(d) if d > limit => check(true, format!("discount {d}% is over {limit}%")),
            Some(d) => check(false, format!("discount {d}% is not over {limit}%")),
            None => check(false, "the document has no discount".to_string()),
        }
    }
    if let Some(group) = &cond.customer_group {
        match &facts.customer_group {
            Some(g) if g == group => check(true, format!("customer group is {g}")),
            Some(g) => check(false, format!("customer group is {g}, not {group}")),
            None => check(false, "the document has no customer".to_string()),
        }
    }
    let verdict = if all { "applies" } else { "skipped" };
    (all, format!("{verdict}: {}", parts.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Step;

    fn chain() -> Chain {
        Chain {
            steps: vec![
                Step {
                    role: Role::Manager,
                    scope: Some(Scope::Team),
                    when: None,
                },
                Step {
                    role: Role::Director,
                    scope: None,
                    when: Some(Condition {
                        total_over: Some(Decimal::from(500_000)),
                        discount_over_pct: None,
                        customer_group: None,
                    }),
                },
            ],
        }
    }

    #[test]
    fn a_step_whose_condition_fails_is_skipped_and_says_why() {
        let small = plan(
            &chain(),
            &Facts {
                total: Some(Decimal::from(1000)),
                ..Default::default()
            },
        );
        assert!(small[0].applies && small[0].team_scope);
        assert!(!small[1].applies);
        assert_eq!(small[1].reason, "skipped: total 1000 is not over 500000");
        let big = plan(
            &chain(),
            &Facts {
                total: Some(Decimal::from(600_000)),
                ..Default::default()
            },
        );
        assert!(big[1].applies);
        assert_eq!(big[1].reason, "applies: total 600000 is over 500000");
        let none = plan(&chain(), &Facts::default());
        assert!(!none[1].applies);
    }

    #[test]
    fn every_part_of_a_condition_must_hold() {
        let cond = Condition {
            total_over: Some(Decimal::from(100)),
            discount_over_pct: None,
            customer_group: Some("key-accounts".into()),
        };
        let facts = Facts {
            total: Some(Decimal::from(200)),
            customer_group: Some("retail".into()),
            ..Default::default()
        };
        let (holds, reason) = evaluate(&cond, &facts);
        assert!(!holds);
        assert_eq!(
            reason,
            "skipped: total 200 is over 100, customer group is retail, not key-accounts"
        );
    }
}
