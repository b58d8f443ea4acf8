//! `kis`: the command line for the people who run a sales policy and its store (#22).
//!
//! Exit codes: 0 done (and, for checks, nothing found); 1 the answer is no (a policy with
//! problems, a failed golden case, a damaged audit trail, refused import rows, policies
//! that differ); 2 a usage error (clap's); 3 kis could not do it (a store that does not
//! open, a file that does not read). `--json` prints one JSON document on stdout instead
//! of text, for scripts; errors then go to stdout as `{"error": ...}` too.

mod audit;
mod export;
mod files;
mod import;
mod init;
mod out;
mod policy;
mod report;
mod session;

use std::process::ExitCode;

/// Imports allocate millions of small rows and JSON values; mimalloc keeps that cheap
/// where glibc's malloc spent almost half the time (#22's import benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};

use out::{Failure, Out};

/// kis: check, diff, judge and test a sales policy; import, export, verify and report on
/// a kis store.
#[derive(Debug, Parser)]
#[command(name = "kis", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// Print one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a store: install a policy and its first admin.
    Init(init::InitArgs),
    /// Work on a policy file.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Import users, teams, products, customers, targets or sales from CSV, Parquet or
    /// Arrow IPC files, through the engine.
    Import(import::ImportArgs),
    /// Export facts, claims, the audit trail or scorecards to Parquet or CSV, one
    /// directory per month.
    Export(export::ExportArgs),
    /// The sales report of a period, as Markdown or a self-contained HTML page.
    Report(report::ReportArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Out::new(cli.json);
    let result = match cli.command {
        Command::Init(args) => init::run(&out, args),
        Command::Policy(command) => policy::run(&out, command),
        Command::Audit(command) => audit::run(&out, command),
        Command::Import(args) => import::run(&out, args),
        Command::Export(args) => export::run(&out, args),
        Command::Report(args) => report::run(&out, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::No) => ExitCode::from(1),
        Err(Failure::Error(message)) => {
            out.error(&message);
            ExitCode::from(3)
        }
    }
}
