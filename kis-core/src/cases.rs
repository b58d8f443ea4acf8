//! Golden cases for a policy (#22): lines with the prices they must get (P4.1, P4.2) and
//! documents with the reviews they must go through (P3, P4.1c, P6.2), written by the
//! people who own the policy and run against a policy file before it is installed. A
//! case file is TOML:
//!
//! ```toml
//! [[price]]
//! name = "ten licences: the volume tier of 10"
//! date = 2026-11-20
//! product = "KIS-PRO"
//! category = "software>erp"
//! list_price = "12000"
//! cost = "7000"
//! quantity = "10"
//! customer_group = "retail"            # optional, as is `customer`
//! expect = { unit_price = "11400", line_total = "114000.00", rules = ["volume-schedule"] }
//!
//! [[approval]]
//! name = "a big quote goes to the director"
//! kind = "quote"                       # quote | price_exception | contract | ...
//! total = "600000"                     # optional, as are max_discount_pct, customer_group
//! expect = ["manager", "director"]     # the roles that review, in order
//! ```
//!
//! Decimals are strings, as in the policy file, so that no value is rounded on the way.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::approval::{DocKind, Facts, plan};
use crate::error::{Error, Result};
use crate::policy::Policy;
use crate::pricing::PriceRequest;

/// A file of golden cases.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyCases {
    /// Lines and the prices they must get.
    #[serde(default)]
    pub price: Vec<PriceCase>,
    /// Documents and the reviews they must go through.
    #[serde(default)]
    pub approval: Vec<ApprovalCase>,
}

/// A line to price.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceCase {
    /// What the case shows.
    pub name: String,
    /// The pricing day.
    #[serde(deserialize_with = "crate::policy::values::date")]
    pub date: NaiveDate,
    /// The product.
    pub product: String,
    /// Its category path.
    pub category: String,
    /// Its list price per unit.
    pub list_price: String,
    /// Its cost per unit.
    pub cost: String,
    /// Units.
    pub quantity: String,
    /// The customer, if the rules name customers.
    #[serde(default)]
    pub customer: Option<String>,
    /// The customer's group.
    #[serde(default)]
    pub customer_group: Option<String>,
    /// What the line must come to; only what is given is compared.
    pub expect: PriceExpectation,
}

/// The expected price of a line.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceExpectation {
    /// The engine's unit price.
    #[serde(default)]
    pub unit_price: Option<String>,
    /// The rounded line total.
    #[serde(default)]
    pub line_total: Option<String>,
    /// Units given free.
    #[serde(default)]
    pub free_units: Option<String>,
    /// The rules applied, in order.
    #[serde(default)]
    pub rules: Option<Vec<String>>,
}

/// A document to plan a review for.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalCase {
    /// What the case shows.
    pub name: String,
    /// The kind of document (`quote`, `price_exception`, `contract`, `contract_change`,
    /// `expense_claim`, `budget`).
    pub kind: String,
    /// Its total.
    #[serde(default)]
    pub total: Option<String>,
    /// Its largest line discount, percent.
    #[serde(default)]
    pub max_discount_pct: Option<String>,
    /// Its customer's group.
    #[serde(default)]
    pub customer_group: Option<String>,
    /// The roles that must review it, in order.
    pub expect: Vec<String>,
}

/// One case run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseOutcome {
    /// `price` or `approval`.
    pub kind: String,
    /// The case's name.
    pub name: String,
    /// Whether the policy gave what the case expects.
    pub passed: bool,
    /// Each difference, `unit_price: expected 11400, got 11280`.
    pub mismatches: Vec<String>,
}

impl PolicyCases {
    /// Reads a case file; an error names the line and column.
    pub fn from_toml(text: &str) -> Result<PolicyCases> {
        toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| crate::policy::line_and_column(text, s.start))
                .map_or(String::new(), |(l, c)| format!("line {l}, column {c}: "));
            Error::invalid("cases", format!("{at}{}", e.message()))
        })
    }

    /// Runs every case against `policy`, in file order (prices, then approvals).
    pub fn run(&self, policy: &Policy) -> Result<Vec<CaseOutcome>> {
        let mut out = Vec::with_capacity(self.price.len().saturating_add(self.approval.len()));
        for case in &self.price {
            out.push(case.run(policy)?);
        }
        for case in &self.approval {
            out.push(case.run(policy)?);
        }
        Ok(out)
    }
}

fn decimal(case: &str, field: &str, text: &str) -> Result<Decimal> {
    Ok(crate::input::parse_decimal(
        &format!("{case}: {field}"),
        text,
    )?)
}

fn compare(mismatches: &mut Vec<String>, field: &str, expected: &str, got: &str) {
    if expected != got {
        mismatches.push(format!("{field}: expected {expected}, got {got}"));
    }
}

impl PriceCase {
    fn run(&self, policy: &Policy) -> Result<CaseOutcome> {
        let n = &self.name;
        let priced = policy.price_book().price(
            &PriceRequest {
                product: &self.product,
                category: &self.category,
                list_price: decimal(n, "list_price", &self.list_price)?,
                cost: decimal(n, "cost", &self.cost)?,
                currency: policy.general().currency,
                customer: self.customer.as_deref(),
                customer_group: self.customer_group.as_deref(),
                quantity: decimal(n, "quantity", &self.quantity)?,
                date: self.date,
            },
            false,
        )?;
        let mut mismatches = Vec::new();
        // Decimals compare by value: "11400" expects 11400.00 too.
        for (field, expected, got) in [
            ("unit_price", &self.expect.unit_price, priced.unit_price),
            ("line_total", &self.expect.line_total, priced.line_total),
            ("free_units", &self.expect.free_units, priced.free_units),
        ] {
            if let Some(expected) = expected
                && decimal(n, field, expected)? != got
            {
                mismatches.push(format!("{field}: expected {expected}, got {got}"));
            }
        }
        if let Some(rules) = &self.expect.rules {
            compare(
                &mut mismatches,
                "rules",
                &format!("{rules:?}"),
                &format!("{:?}", priced.applied),
            );
        }
        Ok(CaseOutcome {
            kind: "price".into(),
            name: self.name.clone(),
            passed: mismatches.is_empty(),
            mismatches,
        })
    }
}

impl ApprovalCase {
    fn run(&self, policy: &Policy) -> Result<CaseOutcome> {
        let n = &self.name;
        let kind = DocKind::parse(&self.kind).ok_or_else(|| {
            Error::invalid(
                format!("{n}: kind"),
                format!("{:?} is not a kind of reviewed document", self.kind),
            )
        })?;
        let facts = Facts {
            total: self
                .total
                .as_deref()
                .map(|t| decimal(n, "total", t))
                .transpose()?,
            max_discount_pct: self
                .max_discount_pct
                .as_deref()
                .map(|t| decimal(n, "max_discount_pct", t))
                .transpose()?,
            customer_group: self.customer_group.clone(),
        };
        let steps = plan(kind.chain(policy.approval()), &facts);
        let got: Vec<&str> = steps
            .iter()
            .filter(|s| s.applies)
            .map(|s| s.role.as_str())
            .collect();
        let mut mismatches = Vec::new();
        compare(
            &mut mismatches,
            "reviewers",
            &format!("{:?}", self.expect),
            &format!("{got:?}"),
        );
        Ok(CaseOutcome {
            kind: "approval".into(),
            name: self.name.clone(),
            passed: mismatches.is_empty(),
            mismatches,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = include_str!("../../examples/policy.toml");

    #[test]
    fn cases_pass_and_fail_by_value() {
        let policy = Policy::from_toml(POLICY).unwrap();
        let cases = PolicyCases::from_toml(
            r#"
[[price]]
name = "ten licences"
date = 2026-12-01
product = "KIS-PRO"
category = "software>erp"
list_price = "12000"
cost = "7000"
quantity = "10"
expect = { unit_price = "11400", line_total = "114000", rules = ["volume-schedule"] }

[[price]]
name = "wrong on purpose"
date = 2026-12-01
product = "KIS-PRO"
category = "software>erp"
list_price = "12000"
cost = "7000"
quantity = "10"
expect = { unit_price = "11000" }

[[approval]]
name = "big quote"
kind = "quote"
total = "600000"
expect = ["manager", "director"]

[[approval]]
name = "small quote"
kind = "quote"
total = "1000"
expect = ["manager", "director"]
"#,
        )
        .unwrap();
        let outcomes = cases.run(&policy).unwrap();
        let passed: Vec<bool> = outcomes.iter().map(|o| o.passed).collect();
        assert_eq!(passed, [true, false, true, false], "{outcomes:?}");
        assert_eq!(
            outcomes[1].mismatches,
            ["unit_price: expected 11000, got 11400"]
        );
        assert!(outcomes[3].mismatches[0].contains("got [\"manager\"]"));
    }

    #[test]
    fn a_bad_case_file_names_the_line() {
        let err = PolicyCases::from_toml("[[price]]\nname = 3\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        let err = PolicyCases::from_toml("[[price]]\nnme = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
