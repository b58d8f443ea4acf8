//! `kis report --period 2026-11 [--team east | --rep li] --format md|html` (P9).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kis::kpi::Period;
use kis::report::Scope;

use crate::out::{Failure, Out, Outcome};
use crate::session::StoreArgs;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    /// Markdown, for a message or a wiki.
    Md,
    /// One self-contained HTML page with tables and charts.
    Html,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The month (`2026-11`) or the year (`2026`).
    #[arg(long, value_parser = period)]
    period: Period,
    /// One team's report.
    #[arg(long, conflicts_with = "rep")]
    team: Option<String>,
    /// One rep's report.
    #[arg(long)]
    rep: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
    /// Markdown or HTML.
    #[arg(long, value_enum, default_value = "md")]
    format: ReportFormat,
    /// Write it to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn period(text: &str) -> Result<Period, String> {
    let (year, month) = match text.split_once('-') {
        Some((y, m)) => (y, Some(m)),
        None => (text, None),
    };
    let year: i128 = year
        .parse()
        .map_err(|_| format!("{text:?} is not a year or a month such as 2026-11"))?;
    let month = month
        .map(|m| {
            m.parse::<i128>()
                .map_err(|_| format!("{text:?} is not a month such as 2026-11"))
        })
        .transpose()?;
    Period::of(year, month).map_err(|e| e.to_string())
}

pub fn run(out: &Out, args: ReportArgs) -> Outcome {
    let engine = args.store.open()?;
    let scope = Scope::of(args.team.as_deref(), args.rep.as_deref())?;
    let report = engine.sales_report(&args.store.actor(), args.period, scope)?;
    if out.json() {
        out.print(&report, String::new);
        return Ok(());
    }
    let text = match args.format {
        ReportFormat::Md => report.to_markdown(),
        ReportFormat::Html => report.to_html(),
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, text)
                .map_err(|e| Failure::Error(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("kis: wrote {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}
