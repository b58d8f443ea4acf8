//! The sales facts (P5.3a, P9.1): what delivered orders produce and every KPI, report and
//! export reads. Stored in layers, each using only the one below: the fact itself
//! (`fact`), its columnar encoding in month segments (`segment`), the append-only log
//! of segments in the store with its audit view (`log`), and the readers that decode
//! segments in parallel (`read`). Below the engine: the engine appends facts and
//! verifies them with the audit chain; the sales documents produce them.

mod fact;
mod log;
mod read;
mod segment;

pub use fact::{Credit, SalesFact};
pub use log::{FactDocuments, append_facts, scan_segments};
pub(crate) use log::{has_format_1_segments, move_fact_documents, upgrade_segments};
pub use read::{DatedSegment, FactChunk, fold_fact_chunks, read_segments, scan_facts};
pub use segment::{
    FACT_SEGMENTS, FactDecimal, FactText, SEGMENT_CAPACITY, Segment, encode_segment, with_checksum,
};
