//! Building small record batches in unit tests.

use std::sync::Arc;

use arrow_array::builder::Decimal128Builder;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};

/// A `decimal128(38, scale)` column of unscaled values.
pub fn dec_col(values: &[i128], scale: i8) -> ArrayRef {
    let mut b = Decimal128Builder::new()
        .with_precision_and_scale(38, scale)
        .unwrap();
    b.append_slice(values);
    Arc::new(b.finish())
}

/// A batch of named columns.
pub fn batch(cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let fields: Vec<Field> = cols
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        cols.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap()
}
