//! `[approval.*]`: the review chain of each kind of document (P3.2b, P3.4, P4.1c, P6.2, P7.3).

use rust_decimal::Decimal;
use serde::Deserialize;

use super::check::{Check, KeyPath};
use crate::org::Role;

/// The chains of every document kind, and the rules around them.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalPolicy {
    /// Quotes (P3.2b: the sales manager reviews).
    pub quote: Chain,
    /// Price exceptions (P4.1c: manager, then director).
    pub price_exception: Chain,
    /// Contracts (P3.4: manager, then legal).
    pub contract: Chain,
    /// Contract changes (P7.3: manager, then director).
    pub contract_change: Chain,
    /// Expense claims (P6.2: manager, then finance).
    pub expense_claim: Chain,
    /// Expense budgets (P6.1: finance reviews). Defaults to one finance step.
    #[serde(default = "Chain::finance_only")]
    pub budget: Chain,
    /// Rules common to all chains.
    #[serde(default)]
    pub rules: ApprovalRules,
}

/// Rules common to every chain. No-self-approval and edits-reset-approval are not
/// settings: they always hold (P1.3, P3.2c).
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRules {
    /// A step pending longer than this many days is listed for the next level up.
    #[serde(default = "default_escalation")]
    pub escalate_after_days: u32,
}

impl Default for ApprovalRules {
    fn default() -> Self {
        ApprovalRules {
            escalate_after_days: default_escalation(),
        }
    }
}

fn default_escalation() -> u32 {
    3
}

/// An ordered list of review steps.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chain {
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Chain {
    fn finance_only() -> Self {
        Chain {
            steps: vec![Step {
                role: Role::Finance,
                scope: None,
                when: None,
            }],
        }
    }
}

/// One review step: who reviews, and when the step applies.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The role that reviews.
    pub role: Role,
    /// `team`: the reviewer must lead the submitter's team (a manager) or be the team's
    /// director (P2.3).
    #[serde(default)]
    pub scope: Option<Scope>,
    /// The step applies only when this holds; otherwise it is skipped (and traced).
    #[serde(default)]
    pub when: Option<Condition>,
}

/// Which reviewers of a role may act on a step.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Only the submitter's own manager (or director).
    Team,
}

/// A condition on the document; all given parts must hold.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The document total is strictly over this amount.
    #[serde(default, deserialize_with = "super::values::opt_decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub total_over: Option<Decimal>,
    /// Some line's discount from the engine price is strictly over this percentage.
    #[serde(default, deserialize_with = "super::values::opt_decimal")]
    #[schemars(schema_with = "super::values::decimal_schema")]
    pub discount_over_pct: Option<Decimal>,
    /// The customer belongs to this group.
    #[serde(default)]
    pub customer_group: Option<String>,
}

impl ApprovalPolicy {
    /// The chains with their names, for validation and display.
    pub fn chains(&self) -> [(&'static str, &Chain); 6] {
        [
            ("quote", &self.quote),
            ("price_exception", &self.price_exception),
            ("contract", &self.contract),
            ("contract_change", &self.contract_change),
            ("expense_claim", &self.expense_claim),
            ("budget", &self.budget),
        ]
    }

    pub(super) fn validate(&self, c: &mut Check, at: &KeyPath) {
        for (name, chain) in self.chains() {
            let chain_at = at.k(name).k("steps");
            c.ensure(!chain.steps.is_empty(), &chain_at, || {
                format!("the {name} chain has no steps: every document needs a reviewer")
            });
            for (i, step) in chain.steps.iter().enumerate() {
                step.validate(c, &chain_at.i(i));
            }
        }
        c.ensure(
            self.rules.escalate_after_days >= 1,
            &at.k("rules").k("escalate_after_days"),
            || "must be at least 1 day".to_string(),
        );
    }
}

impl Step {
    fn validate(&self, c: &mut Check, at: &KeyPath) {
        c.ensure(self.role.can_review(), &at.k("role"), || {
            format!(
                "a {} cannot review documents (P2): use manager, director, finance, legal or admin",
                self.role
            )
        });
        if self.scope == Some(Scope::Team) {
            c.ensure(
                matches!(self.role, Role::Manager | Role::Director),
                &at.k("scope"),
                || {
                    format!(
                        "scope = \"team\" applies to manager or director steps, not {}",
                        self.role
                    )
                },
            );
        }
        if let Some(when) = &self.when {
            let w = at.k("when");
            c.ensure(
                when.total_over.is_some()
                    || when.discount_over_pct.is_some()
                    || when.customer_group.is_some(),
                &w,
                || {
                    "an empty condition: give total_over, discount_over_pct or customer_group"
                        .to_string()
                },
            );
            if let Some(v) = when.total_over {
                c.ensure(v >= Decimal::ZERO, &w.k("total_over"), || {
                    format!("{v} is negative")
                });
            }
            if let Some(v) = when.discount_over_pct {
                c.ensure(
                    v >= Decimal::ZERO && v < Decimal::ONE_HUNDRED,
                    &w.k("discount_over_pct"),
                    || format!("{v} is not a percentage in 0..100"),
                );
            }
        }
    }
}
