//! Tables on disk: CSV (every column read as text, so that kis parses each value exactly
//! and names the cell it cannot read), Parquet and Arrow IPC in; Parquet and CSV out,
//! one directory per month (`month=2026-11/`, Hive style, as DuckDB and Spark read).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int32Type, TimestampMicrosecondType, UInt8Type};
use arrow_array::{Array, BooleanArray, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use chrono::{DateTime, Datelike};

use crate::out::Failure;

/// A file format kis reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// Arrow IPC file (Feather v2); read only.
    Arrow,
}

impl Format {
    /// The format of a file, by its extension.
    pub fn of(path: &Path) -> Result<Format, Failure> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(Format::Csv),
            Some("parquet" | "pq") => Ok(Format::Parquet),
            Some("arrow" | "feather" | "ipc") => Ok(Format::Arrow),
            _ => Err(Failure::Error(format!(
                "{}: say what it is with --format (csv, parquet, arrow), or name it .csv, .parquet or .arrow",
                path.display()
            ))),
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Arrow => "arrow",
        }
    }
}

fn failed(path: &Path, e: impl std::fmt::Display) -> Failure {
    Failure::Error(format!("{}: {e}", path.display()))
}

/// Reads a whole table.
pub fn read(path: &Path, format: Format) -> Result<Vec<RecordBatch>, Failure> {
    match format {
        Format::Csv => {
            let mut header = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_path(path)
                .map_err(|e| failed(path, e))?;
            let names = header.headers().map_err(|e| failed(path, e))?.clone();
            let schema = Schema::new(
                names
                    .iter()
                    .map(|n| Field::new(n.trim(), DataType::Utf8, true))
                    .collect::<Vec<_>>(),
            );
            let file = File::open(path).map_err(|e| failed(path, e))?;
            let reader = arrow_csv::ReaderBuilder::new(Arc::new(schema))
                .with_header(true)
                .with_batch_size(65_536)
                .build(file)
                .map_err(|e| failed(path, e))?;
            reader.map(|b| b.map_err(|e| failed(path, e))).collect()
        }
        Format::Parquet => {
            let file = File::open(path).map_err(|e| failed(path, e))?;
            let reader =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                    .map_err(|e| failed(path, e))?
                    .build()
                    .map_err(|e| failed(path, e))?;
            reader.map(|b| b.map_err(|e| failed(path, e))).collect()
        }
        Format::Arrow => {
            let file = File::open(path).map_err(|e| failed(path, e))?;
            let reader =
                arrow_ipc::reader::FileReader::try_new(file, None).map_err(|e| failed(path, e))?;
            reader.map(|b| b.map_err(|e| failed(path, e))).collect()
        }
    }
}

/// Which column says the month of a row.
#[derive(Debug, Clone, Copy)]
pub enum MonthOf {
    /// A date32 column.
    Date(&'static str),
    /// A timestamp (UTC) column.
    Instant(&'static str),
    /// `year` and `month` columns; rows without a month (a year's card) go to `YYYY`.
    YearMonth,
}

/// The partition of each row: `2026-11` (or `2026` for a year's row).
fn months(batch: &RecordBatch, by: MonthOf) -> Result<Vec<String>, Failure> {
    let column = |name: &str| {
        batch
            .column_by_name(name)
            .ok_or_else(|| Failure::Error(format!("the export has no {name} column")))
    };
    let n = batch.num_rows();
    Ok(match by {
        MonthOf::Date(name) => {
            let days = column(name)?
                .as_primitive_opt::<Date32Type>()
                .ok_or_else(|| Failure::Error(format!("{name} is not a date column")))?;
            (0..n)
                .map(|i| {
                    kis::clock::date_of_day(days.value(i)).map_or_else(
                        || "unknown".into(),
                        |d| format!("{:04}-{:02}", d.year(), d.month()),
                    )
                })
                .collect()
        }
        MonthOf::Instant(name) => {
            let col = column(name)?;
            if col.data_type() != &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())) {
                return Err(Failure::Error(format!(
                    "{name} is not a UTC timestamp column"
                )));
            }
            let at = col.as_primitive::<TimestampMicrosecondType>();
            (0..n)
                .map(|i| {
                    DateTime::from_timestamp_micros(at.value(i)).map_or_else(
                        || "unknown".into(),
                        |d| format!("{:04}-{:02}", d.year(), d.month()),
                    )
                })
                .collect()
        }
        MonthOf::YearMonth => {
            let years = column("year")?
                .as_primitive_opt::<Int32Type>()
                .ok_or_else(|| Failure::Error("year is not int32".into()))?;
            let months = column("month")?
                .as_primitive_opt::<UInt8Type>()
                .ok_or_else(|| Failure::Error("month is not uint8".into()))?;
            (0..n)
                .map(|i| {
                    if months.is_null(i) {
                        format!("{:04}", years.value(i))
                    } else {
                        format!("{:04}-{:02}", years.value(i), months.value(i))
                    }
                })
                .collect()
        }
    })
}

/// One written partition.
#[derive(Debug, serde::Serialize)]
pub struct Written {
    /// `2026-11`.
    pub month: String,
    /// The file.
    pub file: PathBuf,
    /// Its rows.
    pub rows: usize,
}

/// Writes `batches` under `dir/month=.../part-0.{parquet,csv}`, one file per month,
/// replacing what an earlier export of the same month wrote.
pub fn write_by_month(
    dir: &Path,
    batches: &[RecordBatch],
    by: MonthOf,
    format: Format,
) -> Result<Vec<Written>, Failure> {
    let mut parts: BTreeMap<String, Vec<RecordBatch>> = BTreeMap::new();
    for batch in batches {
        let keys = months(batch, by)?;
        let mut seen: Vec<&String> = keys.iter().collect();
        seen.sort();
        seen.dedup();
        for month in seen {
            let mask = BooleanArray::from(keys.iter().map(|k| k == month).collect::<Vec<bool>>());
            let part = arrow_select::filter::filter_record_batch(batch, &mask)?;
            parts.entry(month.clone()).or_default().push(part);
        }
    }
    let mut written = Vec::new();
    for (month, batches) in parts {
        let folder = dir.join(format!("month={month}"));
        std::fs::create_dir_all(&folder).map_err(|e| failed(&folder, e))?;
        let file = folder.join(format!("part-0.{}", format.extension()));
        let rows = batches.iter().map(RecordBatch::num_rows).sum();
        write_file(&file, &batches, format)?;
        written.push(Written { month, file, rows });
    }
    Ok(written)
}

/// Writes one table to one file.
pub fn write_file(path: &Path, batches: &[RecordBatch], format: Format) -> Result<(), Failure> {
    let Some(first) = batches.first() else {
        return Ok(());
    };
    let file = File::create(path).map_err(|e| failed(path, e))?;
    match format {
        Format::Parquet => {
            let props = parquet::file::properties::WriterProperties::builder()
                .set_compression(parquet::basic::Compression::SNAPPY)
                .build();
            let mut writer =
                parquet::arrow::ArrowWriter::try_new(file, first.schema(), Some(props))
                    .map_err(|e| failed(path, e))?;
            for b in batches {
                writer.write(b).map_err(|e| failed(path, e))?;
            }
            writer.close().map_err(|e| failed(path, e))?;
        }
        Format::Csv => {
            let mut writer = arrow_csv::WriterBuilder::new()
                .with_header(true)
                .build(file);
            for b in batches {
                writer.write(b).map_err(|e| failed(path, e))?;
            }
        }
        Format::Arrow => {
            let mut writer = arrow_ipc::writer::FileWriter::try_new(file, &first.schema())
                .map_err(|e| failed(path, e))?;
            for b in batches {
                writer.write(b).map_err(|e| failed(path, e))?;
            }
            writer.finish().map_err(|e| failed(path, e))?;
        }
    }
    Ok(())
}
