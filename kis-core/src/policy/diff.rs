//! What changed between two policies, by meaning rather than by text (#22): price rules
//! matched by id (added, removed, or changed field by field), and every other key by its
//! path; comments, layout, key order, rule order and the way a decimal is written
//! (`"0.10"` and `"0.1"`) are not changes.

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use super::Policy;

/// How a key changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only in the new policy.
    Added,
    /// Only in the old policy.
    Removed,
    /// In both, with other values.
    Changed,
}

/// One difference between two policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PolicyChange {
    /// What it is part of: `price rule`, `approval chain`, `KPI weights`, `KPI`,
    /// `expense control`, `customer care`, `general`, `policy`.
    pub area: String,
    /// The key, with rules named by id: `pricing.rules[double-eleven].action.amount_off`.
    pub key: String,
    /// Added, removed or changed.
    pub change: ChangeKind,
    /// The old value, as TOML (absent when added).
    pub old: Option<String>,
    /// The new value, as TOML (absent when removed).
    pub new: Option<String>,
}

fn area(key: &str) -> &'static str {
    let starts = |p: &str| {
        key == p || key.starts_with(&format!("{p}.")) || key.starts_with(&format!("{p}["))
    };
    if starts("pricing.rules") {
        "price rule"
    } else if starts("pricing") {
        "pricing"
    } else if starts("approval") {
        "approval chain"
    } else if starts("kpi.weights") {
        "KPI weights"
    } else if starts("kpi") {
        "KPI"
    } else if starts("expense") {
        "expense control"
    } else if starts("crm") {
        "customer care"
    } else if starts("general") {
        "general"
    } else {
        "policy"
    }
}

/// Whether two values mean the same: decimals written as strings by value, tables and
/// arrays element by element.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            x == y
                || matches!(
                    (x.parse::<rust_decimal::Decimal>(), y.parse::<rust_decimal::Decimal>()),
                    (Ok(p), Ok(q)) if p == q
                )
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Table(x), Value::Table(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The id of each table of an array of tables that all have a distinct string `id`.
fn keyed(items: &[Value]) -> Option<Vec<(&str, &Table)>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let table = item.as_table()?;
        let id = table.get("id")?.as_str()?;
        if out.iter().any(|(seen, _)| *seen == id) {
            return None;
        }
        out.push((id, table));
    }
    Some(out)
}

fn shown(v: &Value) -> String {
    v.to_string()
}

struct Differ {
    out: Vec<PolicyChange>,
}

impl Differ {
    fn push(&mut self, key: String, change: ChangeKind, old: Option<&Value>, new: Option<&Value>) {
        self.out.push(PolicyChange {
            area: area(&key).to_string(),
            key,
            change,
            old: old.map(shown),
            new: new.map(shown),
        });
    }

    fn tables(&mut self, at: &str, old: &Table, new: &Table) {
        let join = |k: &str| {
            if at.is_empty() {
                k.to_string()
            } else {
                format!("{at}.{k}")
            }
        };
        for (k, v) in old {
            match new.get(k) {
                None => self.push(join(k), ChangeKind::Removed, Some(v), None),
                Some(w) => self.values(&join(k), v, w),
            }
        }
        for (k, w) in new {
            if !old.contains_key(k) {
                self.push(join(k), ChangeKind::Added, None, Some(w));
            }
        }
    }

    fn values(&mut self, at: &str, old: &Value, new: &Value) {
        if same(old, new) {
            return;
        }
        match (old, new) {
            (Value::Table(a), Value::Table(b)) => self.tables(at, a, b),
            (Value::Array(a), Value::Array(b)) => match (keyed(a), keyed(b)) {
                (Some(a), Some(b)) => {
                    for (id, t) in &a {
                        let key = format!("{at}[{id}]");
                        match b.iter().find(|(other, _)| other == id) {
                            None => self.push(
                                key,
                                ChangeKind::Removed,
                                Some(&Value::Table((*t).clone())),
                                None,
                            ),
                            Some((_, u)) => self.tables(&key, t, u),
                        }
                    }
                    for (id, u) in &b {
                        if !a.iter().any(|(other, _)| other == id) {
                            let key = format!("{at}[{id}]");
                            self.push(
                                key,
                                ChangeKind::Added,
                                None,
                                Some(&Value::Table((*u).clone())),
                            );
                        }
                    }
                }
                // Steps, bands, holidays: the list is the unit that changes.
                _ => self.push(at.to_string(), ChangeKind::Changed, Some(old), Some(new)),
            },
            _ => self.push(at.to_string(), ChangeKind::Changed, Some(old), Some(new)),
        }
    }
}

impl Policy {
    /// What changes from this policy to `new`, by key in alphabetical order (rules in
    /// this policy's order, then the rules only `new` has); empty when they mean the
    /// same.
    pub fn diff(&self, new: &Policy) -> Vec<PolicyChange> {
        let mut d = Differ { out: Vec::new() };
        if self.hash() == new.hash() {
            return d.out;
        }
        // Both texts parsed when the policies were loaded; they parse again.
        match (
            toml::from_str::<Table>(self.source()),
            toml::from_str::<Table>(new.source()),
        ) {
            (Ok(a), Ok(b)) => d.tables("", &a, &b),
            _ => d.push(String::new(), ChangeKind::Changed, None, None),
        }
        d.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = include_str!("../../../examples/policy.toml");

    fn policy(text: &str) -> Policy {
        Policy::from_toml(text).unwrap()
    }

    #[test]
    fn the_same_meaning_is_no_change() {
        let old = policy(POLICY);
        assert!(old.diff(&old).is_empty());
        // Comments, a decimal written another way: no change.
        let new = policy(
            &POLICY
                .replace("# ---", "#---")
                .replace("achievement_cap = \"1.5\"", "achievement_cap = \"1.50\""),
        );
        assert!(old.diff(&new).is_empty(), "{:?}", old.diff(&new));
    }

    #[test]
    fn rules_by_id_weights_and_chains() {
        let old = policy(POLICY);
        let text = POLICY
            .replace(
                "action = { percent_off = \"10\" }",
                "action = { percent_off = \"12\" }",
            )
            .replace("id = \"buy-3-get-1\"", "id = \"buy-4-get-1\"")
            .replace(
                "revenue = \"0.35\", profit = \"0.25\"",
                "revenue = \"0.45\", profit = \"0.15\"",
            )
            .replace(
                "{ role = \"director\", when = { total_over = \"500000\" } }",
                "{ role = \"director\", when = { total_over = \"300000\" } }",
            );
        let changes = old.diff(&policy(&text));
        let keys: Vec<(&str, &str, ChangeKind)> = changes
            .iter()
            .map(|c| (c.area.as_str(), c.key.as_str(), c.change))
            .collect();
        assert_eq!(
            keys,
            [
                (
                    "approval chain",
                    "approval.quote.steps",
                    ChangeKind::Changed
                ),
                ("KPI weights", "kpi.weights.profit", ChangeKind::Changed),
                ("KPI weights", "kpi.weights.revenue", ChangeKind::Changed),
                (
                    "price rule",
                    "pricing.rules[key-accounts-10].action.percent_off",
                    ChangeKind::Changed
                ),
                (
                    "price rule",
                    "pricing.rules[buy-3-get-1]",
                    ChangeKind::Removed
                ),
                (
                    "price rule",
                    "pricing.rules[buy-4-get-1]",
                    ChangeKind::Added
                ),
            ]
        );
        assert_eq!(changes[3].old.as_deref(), Some("\"10\""));
        assert_eq!(changes[3].new.as_deref(), Some("\"12\""));
    }
}
