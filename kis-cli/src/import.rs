//! `kis import TABLE FILE`: rows from a file into the store through the engine (#22).
//!
//! First every cell of the file is read and checked (nothing is written if one is bad);
//! then the rows go in batches, each one command in one transaction, all or nothing: a
//! refused row stops its batch and writes nothing of it, the batches before it stay
//! committed, and running the same file again leaves those rows unchanged (each row is
//! idempotent by its key) and carries on from the refused one.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use kis::columnar::{ImportRows, ImportTable, import_rows};
use kis::import::{ImportBatch, ImportSummary};
use serde::Serialize;

use crate::files::{self, Format};
use crate::out::{Failure, Out, Outcome};
use crate::session::StoreArgs;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What to import: one or more `TABLE FILE` pairs, TABLE one of users, teams,
    /// products, customers, targets, sales; FILE a .csv, .parquet or .arrow file. Files
    /// given together go in together, leaders before teams before their members.
    #[arg(required = true, num_args = 2.., value_names = ["TABLE", "FILE"])]
    pairs: Vec<String>,
    #[command(flatten)]
    store: StoreArgs,
    /// The files' format, when their names do not say.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Sales per batch: each batch is one transaction, all or nothing. Every other
    /// table's rows go in the first batch.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    batch_size: u32,
    /// Check every row against the store and list every refusal; write nothing.
    #[arg(long)]
    check: bool,
}

/// A refused row, where it is in its file.
#[derive(Debug, Serialize)]
struct RowProblem {
    /// The file.
    file: String,
    /// 1-based data row of the file (a CSV's line is one more, for its header).
    row: Option<usize>,
    /// The column, when the problem is one cell's.
    column: Option<String>,
    /// The kind of refusal (`InvalidInput`, `NotFound`, `NotAuthorized`...).
    kind: String,
    /// Why.
    message: String,
    #[serde(skip)]
    csv: bool,
}

/// One file of the import.
#[derive(Debug, Serialize)]
struct FileReport {
    file: String,
    table: &'static str,
    /// Rows in the file, and the records they make (a split sale is one record).
    rows: usize,
    records: usize,
}

#[derive(Debug, Serialize)]
struct Report {
    files: Vec<FileReport>,
    batches: usize,
    committed_batches: usize,
    checked_only: bool,
    #[serde(flatten)]
    summary: ImportSummary,
    problems: Vec<RowProblem>,
    seconds: f64,
}

/// A file read into rows.
struct Source {
    table: ImportTable,
    file: String,
    format: Format,
    rows: ImportRows,
}

/// The column a refused field names: `sales.amount[3]` and `amount` name `amount`,
/// `credits[1].rep` names `rep`, `credits[1].share_pct` names `share_pct`.
fn column_of(field: &str) -> String {
    let field = field
        .split_once('.')
        .filter(|(t, _)| ImportTable::named(t).is_some())
        .map_or(field, |(_, f)| f);
    let last = field.rsplit('.').next().unwrap_or(field);
    last.split('[').next().unwrap_or(last).to_string()
}

/// A problem of the import placed in its file; `sales_offset` is the chunk's first sale.
fn place(e: kis::Error, sources: &[Source], sales_offset: usize) -> RowProblem {
    let file = match &e {
        kis::Error::ImportRow { table, .. } => sources.iter().find(|s| s.table.name() == *table),
        _ => None,
    };
    // The batch's row becomes the first row of the file it came from (`locate`).
    let e = match file {
        Some(f) => f.rows.locate(e, sales_offset),
        None => e,
    };
    let problem = kis::api::Problem::from(&e);
    let (source, row, inner) = match &e {
        kis::Error::ImportRow { row, source, .. } => (file, Some(row + 1), source.as_ref()),
        other => (None, None, other),
    };
    let column = match inner {
        kis::Error::Invalid(i) => Some(column_of(&i.field)),
        kis::Error::NotFound { kind, .. } if matches!(*kind, "customer" | "product") => {
            Some((*kind).to_string())
        }
        _ => None,
    };
    RowProblem {
        file: source.map_or_else(String::new, |s| s.file.clone()),
        row,
        column,
        kind: problem.kind,
        message: inner.to_string(),
        csv: source.is_some_and(|s| s.format == Format::Csv),
    }
}

/// A cell problem from reading a table: `sales.amount[12]` -> row 13, column amount.
fn cell(e: &kis::Error, file: &str, format: Format) -> RowProblem {
    let (row, column, message) = match e {
        kis::Error::Invalid(i) => (
            i.field
                .rsplit_once('[')
                .and_then(|(_, r)| r.trim_end_matches(']').parse::<usize>().ok())
                .map(|r| r + 1),
            Some(column_of(&i.field)),
            i.reason.clone(),
        ),
        other => (None, None, other.to_string()),
    };
    RowProblem {
        file: file.to_string(),
        row,
        column,
        kind: "InvalidInput".into(),
        message,
        csv: format == Format::Csv,
    }
}

/// Every file's rows in one batch (cut into batches by `ImportBatch::in_batches`).
fn merged(sources: &[Source]) -> ImportBatch {
    let mut all = ImportBatch::default();
    for s in sources {
        let b = &s.rows.batch;
        all.users.extend(b.users.iter().cloned());
        all.teams.extend(b.teams.iter().cloned());
        all.products.extend(b.products.iter().cloned());
        all.customers.extend(b.customers.iter().cloned());
        all.targets.extend(b.targets.iter().cloned());
        all.sales.extend(b.sales.iter().cloned());
    }
    all
}

pub fn run(out: &Out, args: ImportArgs) -> Outcome {
    let started = Instant::now();
    if !args.pairs.len().is_multiple_of(2) {
        return Err(Failure::Error(
            "give TABLE FILE pairs: `kis import users users.csv teams teams.csv`".into(),
        ));
    }
    let engine = args.store.open()?;
    let actor = args.store.actor();
    let currency = engine.policy().general().currency;
    let mut report = Report {
        files: Vec::new(),
        batches: 0,
        committed_batches: 0,
        checked_only: args.check,
        summary: ImportSummary::default(),
        problems: Vec::new(),
        seconds: 0.0,
    };
    let mut sources: Vec<Source> = Vec::new();
    for pair in args.pairs.chunks(2) {
        let [table, file] = pair else { continue };
        let table = ImportTable::named(table).ok_or_else(|| {
            let names: Vec<&str> = ImportTable::ALL.iter().map(|t| t.name()).collect();
            Failure::Error(format!(
                "{table:?} is not a table: one of {}",
                names.join(", ")
            ))
        })?;
        if sources.iter().any(|s| s.table == table) {
            return Err(Failure::Error(format!(
                "{} is given twice: one file per table",
                table.name()
            )));
        }
        let path = PathBuf::from(file);
        let format = match args.format {
            Some(f) => f,
            None => Format::of(&path)?,
        };
        let batches = files::read(&path, format)?;
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        match import_rows(table, &batches, currency) {
            Ok(read) => {
                report.files.push(FileReport {
                    file: file.clone(),
                    table: table.name(),
                    rows,
                    records: read.source_rows.len(),
                });
                sources.push(Source {
                    table,
                    file: file.clone(),
                    format,
                    rows: read,
                });
            }
            Err(problems) => {
                report.files.push(FileReport {
                    file: file.clone(),
                    table: table.name(),
                    rows,
                    records: 0,
                });
                report
                    .problems
                    .extend(problems.iter().map(|e| cell(e, file, format)));
            }
        }
    }
    // A bad cell anywhere: nothing is written.
    if !report.problems.is_empty() {
        return finish(out, report, &started);
    }
    let chunks = merged(&sources).in_batches(args.batch_size as usize);
    report.batches = chunks.len();
    for (offset, batch) in chunks {
        if args.check {
            let problems = engine.check_import(&actor, &batch)?;
            report
                .problems
                .extend(problems.into_iter().map(|e| place(e, &sources, offset)));
            continue;
        }
        match engine.execute(&actor, &batch) {
            Ok(summary) => {
                report.committed_batches += 1;
                report.summary.absorb(&summary);
            }
            Err(e @ kis::Error::ImportRow { .. }) => {
                // The batch wrote nothing: list every row of it kis would refuse.
                let all = engine.check_import(&actor, &batch).unwrap_or_default();
                if all.is_empty() {
                    report.problems.push(place(e, &sources, offset));
                } else {
                    report
                        .problems
                        .extend(all.into_iter().map(|e| place(e, &sources, offset)));
                }
                break;
            }
            Err(e) => return Err(e.into()),
        }
    }
    finish(out, report, &started)
}

fn finish(out: &Out, mut report: Report, started: &Instant) -> Outcome {
    report.seconds = started.elapsed().as_secs_f64();
    let refused = !report.problems.is_empty();
    out.print(&report, || {
        let mut text = String::new();
        for p in &report.problems {
            let line = |r: usize| if p.csv { format!(" (line {})", r + 1) } else { String::new() };
            let at = match (p.row, &p.column) {
                (Some(r), Some(c)) => format!("row {r}{}, column {c}", line(r)),
                (Some(r), None) => format!("row {r}{}", line(r)),
                (None, _) => "file".into(),
            };
            text.push_str(&format!("{}: {at}: {}: {}\n", p.file, p.kind, p.message));
        }
        if refused {
            text.push_str(&format!(
                "{} problem{}; ",
                report.problems.len(),
                if report.problems.len() == 1 { "" } else { "s" }
            ));
            if report.checked_only || report.committed_batches == 0 {
                text.push_str("nothing was imported\n");
            } else {
                text.push_str(&format!(
                    "{} of {} batches committed before the refused one, which wrote nothing; \
                     fix the rows and run the same files again (committed rows come back unchanged)\n",
                    report.committed_batches, report.batches
                ));
            }
            return text;
        }
        for f in &report.files {
            text.push_str(&format!("{}: {} rows, {} {}\n", f.file, f.rows, f.records, f.table));
        }
        if report.checked_only {
            text.push_str("every row would import; nothing written\n");
        } else {
            text.push_str(&format!(
                "imported in {} batch{} ({:.2}s):\n",
                report.batches,
                if report.batches == 1 { "" } else { "es" },
                report.seconds
            ));
            for t in &report.summary.tables {
                text.push_str(&format!(
                    "  {}: {} created, {} updated, {} unchanged\n",
                    t.table, t.created, t.updated, t.unchanged
                ));
            }
        }
        text
    });
    if refused { Err(Failure::No) } else { Ok(()) }
}
