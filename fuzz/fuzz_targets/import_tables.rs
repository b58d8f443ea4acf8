//! Tables to import (#22) built from the bytes as a CSV reads them (every column text):
//! the first byte picks the table, the rest is a header line and rows, split on newlines
//! and commas. Reading them into an import batch gives rows or errors naming the table,
//! column and row; never a panic, whatever the cells hold.
#![no_main]

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use kis_core::columnar::{ImportTable, import_rows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let table = ImportTable::ALL[usize::from(pick) % ImportTable::ALL.len()];
    let text = String::from_utf8_lossy(rest);
    let mut lines = text.split('\n');
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.take(64).map(|l| l.split(',').collect()).collect();
    let mut seen = std::collections::HashSet::new();
    if header.iter().any(|h| !seen.insert(*h)) {
        return; // a schema cannot name a column twice
    }
    let fields: Vec<Field> = header.iter().map(|h| Field::new(*h, DataType::Utf8, true)).collect();
    let columns: Vec<ArrayRef> = (0..header.len())
        .map(|c| {
            let cells: Vec<Option<&str>> = rows.iter().map(|r| r.get(c).copied()).collect();
            Arc::new(StringArray::from(cells)) as ArrayRef
        })
        .collect();
    let Ok(batch) = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns) else {
        return;
    };
    let currency = kis_core::Currency::new("CNY").unwrap();
    match import_rows(table, &[batch], currency) {
        Ok(read) => {
            // One record per first row, in the table's order, within the table.
            assert_eq!(read.source_rows.len(), read.batch.len());
            assert!(read.source_rows.windows(2).all(|w| w[0] < w[1]));
            assert!(read.source_rows.iter().all(|r| *r < rows.len()));
        }
        Err(problems) => assert!(!problems.is_empty()),
    }
});
