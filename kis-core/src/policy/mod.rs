//! The policy file: what a company configures (thresholds, weights, chains, limits), as
//! TOML parsed into typed structs and validated as a whole. A bad file is refused with
//! every problem listed, each naming its key, its line and the reason.
//!
//! The documented format is `examples/policy.toml`.

mod approval;
mod check;
mod crm;
mod diff;

mod expense;
mod general;
mod kpi;
mod lint;
mod locate;
mod overlap;
mod pricing;
mod scope;
pub mod values;
mod zone;

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml_edit::Document;

pub use crate::error::{PolicyError, PolicyProblem};
pub use approval::{ApprovalPolicy, ApprovalRules, Chain, Condition, Scope, Step};
pub use crm::{ComplaintDeadlines, CrmPolicy, Holiday};
pub use diff::{ChangeKind, PolicyChange};
pub use expense::{CategoryLimit, ExceedAction, ExpensePolicy, OnExceed};
pub use general::General;
pub use kpi::{
    Awards, Band, KpiPolicy, MissingMetric, NewCustomerAward, NewCustomerRule, PerformanceAward,
    TeamAward, TeamMetric, Weights,
};
pub use pricing::{
    Action, CustomerScope, FreeUnits, PriceRule, PricingPolicy, ProductScope, Stacking, Tier,
    TierMode, Window,
};
pub use zone::CompanyZone;

pub use lint::lint;
pub use scope::{CustomerKey, ProductKey, customer_keys, product_keys};

/// The 1-based line and column (in characters) of a byte offset in a text, as policy
/// problems give them.
pub fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    Lines::of(text).at(offset)
}

use check::{Check, KeyPath};
use locate::{Lines, Seg, path_at, path_text, span_of};

use crate::money::RoundingPolicy;

/// The sections of a policy file.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// Currency, rounding, time zone.
    pub general: General,
    /// Price rules and promotions (P4.1, P4.2); optional: without rules, list prices.
    #[serde(default)]
    pub pricing: PricingPolicy,
    /// Review chains (P3, P4.1c, P6.2, P7.3).
    pub approval: ApprovalPolicy,
    /// KPI scoring and awards (P5, P4.3).
    pub kpi: KpiPolicy,
    /// Expense budgets and claims (P6).
    pub expense: ExpensePolicy,
    /// Customer care (P8.2); optional.
    #[serde(default)]
    pub crm: CrmPolicy,
}

/// The JSON Schema (2020-12) of a policy file, generated from the policy types: what
/// editors use to complete and check a policy (`docs/policy.schema.json`, referenced by
/// `#:schema` in examples/policy.toml for Taplo / Even Better TOML). Loading stays the
/// authority: it also checks what a schema cannot (weights summing to 1, chains,
/// overlapping rules).
pub fn json_schema() -> serde_json::Value {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<PolicyFile>()
        .to_value();
    if let Some(map) = schema.as_object_mut() {
        map.insert("title".into(), "kis policy file".into());
        map.insert(
            "$id".into(),
            "https://github.com/kis-sales/kis/docs/policy.schema.json".into(),
        );
    }
    schema
}

/// A validated policy, with its source text and content hash (its version id).
///
/// Loading a bad file fails with every problem, each with its key, line and reason, and
/// changes nothing:
///
/// ```
/// use kis_core::Policy;
///
/// let text = std::fs::read_to_string("../examples/policy.toml")?;
/// let policy = Policy::from_toml(&text)?;
/// assert_eq!(policy.hash().len(), 64);          // hex SHA-256: the version's id
///
/// // A float where an exact decimal belongs: the key and the line.
/// let float = text.replace(r#"floor_margin_pct = "5""#, "floor_margin_pct = 5.5");
/// let err = Policy::from_toml(&float).unwrap_err();
/// let problem = &err.problems()[0];
/// assert_eq!((problem.key.as_str(), problem.line), ("pricing.floor_margin_pct", Some(24)));
/// // Weights that do not sum to 1.
/// let weights = text.replace(r#"revenue = "0.35""#, r#"revenue = "0.45""#);
/// let err = Policy::from_toml(&weights).unwrap_err();
/// assert!(err.problems().iter().any(|p| p.key.starts_with("kpi.weights")), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    source: String,
    hash: String,
    file: PolicyFile,
    lints: Vec<PolicyProblem>,
    /// The compiled price rules, built on first use and shared by clones.
    /// What another module compiles from the policy once and keeps with it (the price
    /// book, see `pricing::book`): typed by that module, so the policy, plain data,
    /// names none of them.
    derived: Arc<OnceLock<Arc<dyn std::any::Any + Send + Sync>>>,
}

impl PartialEq for Policy {
    fn eq(&self, other: &Policy) -> bool {
        self.hash == other.hash
    }
}

impl Policy {
    /// Parses and validates a policy. On error, every problem found is reported.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let lines = Lines::of(text);
        let doc = Document::parse(text.to_string()).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            let (line, column) = lines.at(offset);
            PolicyError::Invalid {
                problems: vec![PolicyProblem {
                    key: String::new(),
                    line: Some(line),
                    column: Some(column),
                    message: format!("not valid TOML: {}", e.message().trim()),
                }],
            }
        })?;
        let file: PolicyFile = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            let (line, column) = lines.at(offset);
            PolicyError::Invalid {
                problems: vec![PolicyProblem {
                    key: path_text(&path_at(&doc, offset)),
                    line: Some(line),
                    column: Some(column),
                    message: e.message().trim().to_string(),
                }],
            }
        })?;
        let mut check = Check::default();
        file.validate(&mut check);
        if !check.problems.is_empty() {
            let problems = check
                .problems
                .into_iter()
                .map(|(path, message)| locate(&lines, &doc, &path.0, message))
                .collect();
            return Err(PolicyError::Invalid { problems });
        }
        let lints = lint::lint(&file.pricing)
            .into_iter()
            .map(|(_, later, message)| {
                let path = KeyPath::root().k("pricing").k("rules").i(later);
                locate(&lines, &doc, &path.0, message)
            })
            .collect();
        Ok(Policy {
            hash: content_hash(text),
            source: text.to_string(),
            file,
            lints,
            derived: Arc::new(OnceLock::new()),
        })
    }

    /// Warnings that do not stop the policy from loading but that its author should see:
    /// price rules whose order rests on the tie-break (P4.1).
    pub fn lints(&self) -> &[PolicyProblem] {
        &self.lints
    }

    /// The cache of what is compiled from this policy once (see `derived`).
    pub(crate) fn derived(&self) -> &OnceLock<Arc<dyn std::any::Any + Send + Sync>> {
        &self.derived
    }

    /// The text the policy was read from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The content hash (hex SHA-256 of the text): the policy's version id.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// A short form of the hash for display (12 hex digits).
    pub fn short_hash(&self) -> &str {
        &self.hash[..12]
    }

    /// The parsed sections.
    pub fn file(&self) -> &PolicyFile {
        &self.file
    }

    /// `[general]`.
    pub fn general(&self) -> &General {
        &self.file.general
    }

    /// `[pricing]`.
    pub fn pricing(&self) -> &PricingPolicy {
        &self.file.pricing
    }

    /// `[approval]`.
    pub fn approval(&self) -> &ApprovalPolicy {
        &self.file.approval
    }

    /// `[kpi]`.
    pub fn kpi(&self) -> &KpiPolicy {
        &self.file.kpi
    }

    /// `[expense]`.
    pub fn expense(&self) -> &ExpensePolicy {
        &self.file.expense
    }

    /// `[crm]`.
    pub fn crm(&self) -> &CrmPolicy {
        &self.file.crm
    }

    /// The company's rounding rule (the one place rounding is decided).
    pub fn rounding(&self) -> RoundingPolicy {
        self.file.general.rounding_policy()
    }

    /// The company's time zone (`general.time_zone` or `general.utc_offset`).
    pub fn zone(&self) -> CompanyZone {
        self.file.general.zone()
    }

    /// The business date of an instant, in the company's time zone.
    pub fn business_date(&self, at: DateTime<Utc>) -> NaiveDate {
        self.zone().date_of(at)
    }
}

impl PolicyFile {
    fn validate(&self, c: &mut Check) {
        let root = KeyPath::root();
        self.general.validate(c, &root.k("general"));
        self.pricing.validate(c, &root.k("pricing"));
        self.approval.validate(c, &root.k("approval"));
        self.kpi.validate(c, &root.k("kpi"));
        self.expense.validate(c, &root.k("expense"));
        self.crm.validate(c, &root.k("crm"));
    }
}

fn locate(
    lines: &Lines<'_>,
    doc: &Document<String>,
    path: &[Seg],
    message: String,
) -> PolicyProblem {
    let position = span_of(doc, path).map(|s| lines.at(s.start));
    PolicyProblem {
        key: path_text(path),
        line: position.map(|p| p.0),
        column: position.map(|p| p.1),
        message,
    }
}

/// The content hash of a policy text (hex SHA-256).
pub fn content_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}
