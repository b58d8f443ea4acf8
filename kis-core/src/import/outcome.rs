//! What importing a row did, and the counts an import reports per table.

use serde::{Deserialize, Serialize};

/// What one row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new record.
    Created,
    /// An existing record changed to the row's values.
    Updated,
    /// The record already held the row's values: nothing written.
    Unchanged,
}

/// The rows of one table of a batch, by what they did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TableCounts {
    /// The table (`users`, `teams`, `products`, `customers`, `targets`, `sales`).
    pub table: String,
    /// Rows that made a new record.
    pub created: u64,
    /// Rows that changed a record.
    pub updated: u64,
    /// Rows kis already held as they are (imported before).
    pub unchanged: u64,
}

impl TableCounts {
    pub(super) fn new(table: &str) -> TableCounts {
        TableCounts {
            table: table.to_string(),
            ..TableCounts::default()
        }
    }

    /// Counts one row's outcome (a batch has far fewer than 2^64 rows).
    pub(super) fn add(&mut self, outcome: Outcome) {
        let n = match outcome {
            Outcome::Created => &mut self.created,
            Outcome::Updated => &mut self.updated,
            Outcome::Unchanged => &mut self.unchanged,
        };
        *n = n.saturating_add(1);
    }
}

/// What an import batch did, table by table in the order they were applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImportSummary {
    /// One entry per table the batch had rows for.
    pub tables: Vec<TableCounts>,
}

impl ImportSummary {
    /// Adds another batch's counts (batches of one import).
    pub fn absorb(&mut self, other: &ImportSummary) {
        for t in &other.tables {
            match self.tables.iter_mut().find(|c| c.table == t.table) {
                Some(c) => {
                    c.created = c.created.saturating_add(t.created);
                    c.updated = c.updated.saturating_add(t.updated);
                    c.unchanged = c.unchanged.saturating_add(t.unchanged);
                }
                None => self.tables.push(t.clone()),
            }
        }
    }

    /// The counts of `table`, if the batch had it.
    pub fn table(&self, table: &str) -> Option<&TableCounts> {
        self.tables.iter().find(|t| t.table == table)
    }
}
