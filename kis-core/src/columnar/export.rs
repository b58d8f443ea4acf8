//! Domain records as Arrow record batches: expense claim lines, audit entries, and
//! scores (sales facts: [`super::facts`]). Money columns are `decimal128(38, s)`
//! with `s` the largest scale in the data, so no value is rounded on the way out.

use std::sync::Arc;

use arrow_array::builder::{
    Date32Builder, StringBuilder, TimestampMicrosecondBuilder, UInt32Builder, UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::audit::AuditEntry;
use crate::error::{Error, Result};
use crate::expense::ExpenseClaim;

/// Collects the columns of a batch, name by name.
#[derive(Default)]
pub(crate) struct Columns {
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
}

impl Columns {
    pub(crate) fn push(&mut self, name: &str, nullable: bool, array: ArrayRef) {
        self.fields
            .push(Field::new(name, array.data_type().clone(), nullable));
        self.arrays.push(array);
    }

    pub(crate) fn text<'a>(&mut self, name: &str, values: impl Iterator<Item = Option<&'a str>>) {
        let mut b = StringBuilder::new();
        let mut nulls = false;
        for v in values {
            nulls |= v.is_none();
            b.append_option(v);
        }
        self.push(name, nulls, Arc::new(b.finish()));
    }

    pub(crate) fn date(&mut self, name: &str, values: impl Iterator<Item = NaiveDate>) {
        let mut b = Date32Builder::new();
        for d in values {
            b.append_value(super::read::to_days(d));
        }
        self.push(name, false, Arc::new(b.finish()));
    }

    pub(crate) fn timestamp(
        &mut self,
        name: &str,
        values: impl Iterator<Item = Option<DateTime<Utc>>>,
    ) {
        let mut b = TimestampMicrosecondBuilder::new().with_timezone("UTC");
        let mut nulls = false;
        for v in values {
            nulls |= v.is_none();
            b.append_option(v.map(|t| t.timestamp_micros()));
        }
        self.push(name, nulls, Arc::new(b.finish()));
    }

    /// A decimal column at the largest scale of its values (at least `min_scale`).
    pub(crate) fn decimal(
        &mut self,
        name: &str,
        values: &[Option<Decimal>],
        min_scale: u32,
    ) -> Result<()> {
        let mut c = super::decimal_column::DecimalColumn::new(min_scale, values.len());
        for v in values {
            c.push(*v, name)?;
        }
        let (field, array) = c.finish(name)?;
        self.fields.push(field);
        self.arrays.push(array);
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<RecordBatch> {
        RecordBatch::try_new(Arc::new(Schema::new(self.fields)), self.arrays)
            .map_err(|e| Error::invalid("batch", e.to_string()))
    }
}

/// Expense claims, one row per claim line, with the claim's state.
pub fn claim_lines_batch(claims: &[ExpenseClaim]) -> Result<RecordBatch> {
    let rows: Vec<(&ExpenseClaim, usize, &crate::expense::ClaimLine)> = claims
        .iter()
        .flat_map(|c| c.lines.iter().enumerate().map(move |(i, l)| (c, i, l)))
        .collect();
    let mut c = Columns::default();
    c.text("claim", rows.iter().map(|(k, _, _)| Some(k.id.as_str())));
    let mut line = UInt32Builder::new();
    for (_, i, _) in &rows {
        line.append_value(*i as u32);
    }
    c.push("line", false, Arc::new(line.finish()));
    c.text(
        "claimant",
        rows.iter().map(|(k, _, _)| Some(k.claimant.as_str())),
    );
    c.text("team", rows.iter().map(|(k, _, _)| Some(k.team.as_str())));
    let status: Vec<String> = rows
        .iter()
        .map(|(k, _, _)| crate::wire_name(&k.status))
        .collect();
    c.text("status", status.iter().map(|s| Some(s.as_str())));
    c.text(
        "category",
        rows.iter().map(|(_, _, l)| Some(l.category.as_str())),
    );
    c.date("date", rows.iter().map(|(_, _, l)| l.date));
    c.decimal(
        "amount",
        &rows
            .iter()
            .map(|(_, _, l)| Some(l.amount))
            .collect::<Vec<_>>(),
        2,
    )?;
    c.decimal(
        "sanctioned",
        &rows
            .iter()
            .map(|(_, _, l)| l.sanctioned)
            .collect::<Vec<_>>(),
        2,
    )?;
    c.text(
        "description",
        rows.iter().map(|(_, _, l)| Some(l.description.as_str())),
    );
    c.text("event", rows.iter().map(|(_, _, l)| l.event.as_deref()));
    c.text(
        "receipt",
        rows.iter()
            .map(|(_, _, l)| l.receipt.as_ref().map(|r| r.number.as_str())),
    );
    c.timestamp(
        "created_at",
        rows.iter().map(|(k, _, _)| Some(k.created_at)),
    );
    c.timestamp("paid_at", rows.iter().map(|(k, _, _)| k.paid_at));
    c.finish()
}

/// Audit entries: sequence, time, actor, command, the first document changed, the number
/// of changes, the policy version, the idempotency key, the input as JSON, the hashes.
pub fn audit_batch(entries: &[AuditEntry]) -> Result<RecordBatch> {
    let mut c = Columns::default();
    let mut seq = UInt64Builder::new();
    let mut changes = UInt32Builder::new();
    for e in entries {
        seq.append_value(e.seq);
        changes.append_value(e.changes.len() as u32);
    }
    c.push("seq", false, Arc::new(seq.finish()));
    c.timestamp("at", entries.iter().map(|e| Some(e.at)));
    c.text("actor", entries.iter().map(|e| Some(e.actor.as_str())));
    c.text("command", entries.iter().map(|e| Some(e.command.as_str())));
    let docs: Vec<Option<String>> = entries
        .iter()
        .map(|e| {
            e.changes
                .first()
                .map(|ch| format!("{}/{}", ch.collection, ch.id))
        })
        .collect();
    c.text("document", docs.iter().map(Option::as_deref));
    c.push("changes", false, Arc::new(changes.finish()));
    c.text(
        "policy_version",
        entries.iter().map(|e| Some(e.policy_version.as_str())),
    );
    c.text(
        "idempotency_key",
        entries.iter().map(|e| e.idempotency_key.as_deref()),
    );
    let inputs: Vec<String> = entries.iter().map(|e| e.input.to_string()).collect();
    c.text("input", inputs.iter().map(|s| Some(s.as_str())));
    c.text(
        "prev_hash",
        entries.iter().map(|e| Some(e.prev_hash.as_str())),
    );
    c.text("hash", entries.iter().map(|e| Some(e.hash.as_str())));
    c.finish()
}

/// The Arrow type of a timestamp column written here.
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}
