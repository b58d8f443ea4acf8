//! Arrow record batches in and out (feature `arrow`), for analysts' tools: scoring KPIs
//! from a table of sales facts, and exporting scans (sales facts, expense claims, audit
//! entries) without a row-by-row conversion in the bindings. The Python package hands
//! these batches to polars, pyarrow and pandas through the Arrow C stream interface.

mod decimal_column;
pub mod export;
pub mod facts;
pub mod import;
pub mod kpi;
pub mod pricing;
pub mod read;
pub mod report;
pub mod scores;
#[cfg(test)]
mod test_support;

pub use export::{audit_batch, claim_lines_batch};
pub use import::{ImportRows, ImportTable, import_rows};
pub use kpi::{score_tables, score_tables_batch, tally_facts, year_inputs};
pub use pricing::price_lines;
pub use report::{REPORT_TABLES, report_table};
pub use scores::{ScoreColumns, year_scores_batch};
