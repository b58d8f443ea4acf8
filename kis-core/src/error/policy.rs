//! Policy errors: every problem found in a file, each with its key, line and reason.

use std::fmt;

/// One problem in a policy file.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct PolicyProblem {
    /// The dotted key path (`kpi.weights`, `pricing.rules[2].action`), or `""` for the file.
    pub key: String,
    /// 1-based line of the key in the file, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong and what is expected.
    pub message: String,
}

impl fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}")?,
            (Some(l), None) => write!(f, "line {l}")?,
            _ => write!(f, "file")?,
        }
        if !self.key.is_empty() {
            write!(f, ", key `{}`", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A policy file that cannot be used. Loading it changed nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The file has one or more problems (all are listed, not only the first).
    #[error("{}", describe(problems))]
    Invalid {
        /// Every problem found.
        problems: Vec<PolicyProblem>,
    },
}

impl PolicyError {
    /// The problems found.
    pub fn problems(&self) -> &[PolicyProblem] {
        match self {
            PolicyError::Invalid { problems } => problems,
        }
    }
}

fn describe(problems: &[PolicyProblem]) -> String {
    let mut out = match problems.len() {
        1 => "invalid policy: ".to_string(),
        n => format!("invalid policy ({n} problems): "),
    };
    let parts: Vec<String> = problems.iter().map(ToString::to_string).collect();
    out.push_str(&parts.join("; "));
    out
}
