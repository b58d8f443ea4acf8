//! `kis export WHAT --out DIR`: facts, claims, the audit trail or scorecards as Parquet
//! or CSV, one directory per month (`DIR/facts/month=2026-11/part-0.parquet`), for
//! DuckDB, Spark or a data lake (#22). Each export is what the acting user may read (P2).

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use clap::{Args, ValueEnum};
use kis::api::Query;
use kis::api::query::AuditTrail;
use kis::columnar;
use serde_json::json;

use crate::files::{self, Format, MonthOf};
use crate::out::{Failure, Out, Outcome};
use crate::session::StoreArgs;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum What {
    /// Sales facts, one row per credited rep (director, finance, admin).
    Facts,
    /// Expense claim lines the user may see.
    Claims,
    /// The audit trail (director, finance, admin).
    Audit,
    /// A year's scorecards: every rep, twelve months and the year.
    Scorecards,
}

impl What {
    fn name(self) -> &'static str {
        match self {
            What::Facts => "facts",
            What::Claims => "claims",
            What::Audit => "audit",
            What::Scorecards => "scorecards",
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export.
    #[arg(value_enum)]
    what: What,
    #[command(flatten)]
    store: StoreArgs,
    /// The directory to write into (`DIR/WHAT/month=YYYY-MM/part-0.EXT`).
    #[arg(long)]
    out: PathBuf,
    /// Parquet or CSV.
    #[arg(long, value_enum, default_value = "parquet")]
    format: Format,
    /// The year (facts and scorecards; facts also take --from and --to).
    #[arg(long)]
    year: Option<i32>,
    /// First day of the facts exported.
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<NaiveDate>,
    /// Last day of the facts exported.
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: Option<NaiveDate>,
}

pub fn run(out: &Out, args: ExportArgs) -> Outcome {
    if args.format == Format::Arrow {
        return Err(Failure::Error("export writes parquet or csv".into()));
    }
    let engine = args.store.open()?;
    let actor = args.store.actor();
    let year = args.year.unwrap_or_else(|| engine.today().year());
    let (batches, by) = match args.what {
        What::Facts => {
            let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or("no such year")?;
            let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or("no such year")?;
            let (from, to) = (args.from.unwrap_or(first), args.to.unwrap_or(last));
            (
                engine.sales_facts_batches(&actor, from, to)?,
                MonthOf::Date("date"),
            )
        }
        What::Claims => {
            let claims = engine.expense_claims(&actor)?;
            (
                vec![columnar::claim_lines_batch(&claims)?],
                MonthOf::Date("date"),
            )
        }
        What::Audit => {
            let entries = AuditTrail::default().run(&engine, &actor)?;
            (
                vec![columnar::audit_batch(&entries)?],
                MonthOf::Instant("at"),
            )
        }
        What::Scorecards => (
            vec![engine.score_year_batch(&actor, year)?],
            MonthOf::YearMonth,
        ),
    };
    let dir = args.out.join(args.what.name());
    let written = files::write_by_month(&dir, &batches, by, args.format)?;
    let rows: usize = written.iter().map(|w| w.rows).sum();
    out.print(
        &json!({"what": args.what.name(), "directory": dir, "rows": rows, "partitions": written}),
        || {
            let mut text = format!(
                "{}: {rows} rows in {} partition{} under {}\n",
                args.what.name(),
                written.len(),
                if written.len() == 1 { "" } else { "s" },
                dir.display()
            );
            for w in &written {
                text.push_str(&format!("  {} {} rows\n", w.file.display(), w.rows));
            }
            text
        },
    );
    Ok(())
}
