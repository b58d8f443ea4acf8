//! `kis policy check | diff | impact | test`: the policy author's tools.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{Config, emit_into_string};
use kis::cases::PolicyCases;
use kis::policy::ChangeKind;
use kis::{Policy, PolicyProblem};
use serde_json::json;

use crate::out::{Failure, Out, Outcome};
use crate::session::StoreArgs;

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Check a policy file: every problem with its line and column; warnings too.
    Check {
        /// The policy file.
        file: PathBuf,
    },
    /// What changed from OLD to NEW, by meaning: rules added, removed or changed; chains
    /// and weights changed. Exits 1 when they differ.
    Diff {
        /// The policy in force.
        old: PathBuf,
        /// The policy proposed.
        new: PathBuf,
    },
    /// What installing NEW would change today, writing nothing: open quotes repriced,
    /// reps whose score or band moves (this month, this year), budgets whose control
    /// changes.
    Impact {
        /// The policy proposed.
        new: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Run golden cases (prices, review plans) against a policy; exits 1 on a mismatch.
    Test {
        /// The policy file.
        file: PathBuf,
        /// The cases (TOML: `[[price]]` and `[[approval]]` tables).
        cases: PathBuf,
    },
}

pub fn run(out: &Out, command: PolicyCommand) -> Outcome {
    match command {
        PolicyCommand::Check { file } => check(out, &file),
        PolicyCommand::Diff { old, new } => diff(out, &old, &new),
        PolicyCommand::Impact { new, store } => impact(out, &new, &store),
        PolicyCommand::Test { file, cases } => test(out, &file, &cases),
    }
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Error(format!("cannot read {}: {e}", path.display())))
}

/// The byte range a problem points at: from its column to the end of its token.
fn span(text: &str, line: usize, column: usize) -> std::ops::Range<usize> {
    let start_of_line: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start_of_line..).unwrap_or_default();
    let line_text = rest.split('\n').next().unwrap_or_default();
    let start = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    let token = line_text.get(start..).unwrap_or_default();
    let len = token
        .find(|c: char| c.is_whitespace() || c == ',')
        .unwrap_or(token.len())
        .max(1)
        .min(token.len().max(1));
    let from = start_of_line + start;
    from..(from + len).min(text.len()).max(from)
}

/// A policy's problems as compiler-style diagnostics with a caret under each.
fn diagnostics(file: &Path, text: &str, problems: &[PolicyProblem], warning: bool) -> String {
    let source = SimpleFile::new(file.display().to_string(), text);
    let config = Config::default();
    let mut out = String::new();
    for p in problems {
        let head = if p.key.is_empty() {
            p.message.clone()
        } else {
            format!("`{}`: {}", p.key, p.message)
        };
        let diagnostic = if warning {
            Diagnostic::warning()
        } else {
            Diagnostic::error()
        }
        .with_message(head);
        let diagnostic = match p.line {
            Some(line) => diagnostic.with_labels(vec![
                Label::primary((), span(text, line, p.column.unwrap_or(1)))
                    .with_message(p.message.clone()),
            ]),
            None => diagnostic,
        };
        match emit_into_string(&config, &source, &diagnostic) {
            Ok(text) => out.push_str(&text),
            Err(_) => out.push_str(&format!("{}: {p}\n", file.display())),
        }
    }
    out
}

/// Prints a policy's problems (text: diagnostics on stderr; JSON: on stdout).
pub fn report_problems(out: &Out, file: &Path, text: &str, problems: &[PolicyProblem]) {
    if out.json() {
        out.print(
            &json!({"file": file.display().to_string(), "ok": false, "problems": problems}),
            String::new,
        );
    } else {
        eprint!("{}", diagnostics(file, text, problems, false));
        eprintln!(
            "{}: {} problem{}; the policy was not loaded",
            file.display(),
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
    }
}

/// Loads a policy, printing its problems if it has any.
fn load(out: &Out, file: &Path) -> Result<Policy, Failure> {
    let text = read(file)?;
    Policy::from_toml(&text).map_err(|e| {
        report_problems(out, file, &text, e.problems());
        Failure::No
    })
}

fn check(out: &Out, file: &Path) -> Outcome {
    let policy = load(out, file)?;
    let summary = format!(
        "{}: ok, policy {} ({} price rules, currency {}, time zone {})",
        file.display(),
        policy.hash().get(..12).unwrap_or_default(),
        policy.pricing().rules.len(),
        policy.general().currency,
        policy.zone()
    );
    out.print(
        &json!({
            "file": file.display().to_string(),
            "ok": true,
            "policy_version": policy.hash(),
            "warnings": policy.lints(),
        }),
        || {
            let mut text = diagnostics(file, policy.source(), policy.lints(), true);
            text.push_str(&summary);
            if !policy.lints().is_empty() {
                text.push_str(&format!(", {} warnings", policy.lints().len()));
            }
            text.push('\n');
            text
        },
    );
    Ok(())
}

fn diff(out: &Out, old: &Path, new: &Path) -> Outcome {
    let (a, b) = (load(out, old)?, load(out, new)?);
    let changes = a.diff(&b);
    out.print(
        &json!({"old": a.hash(), "new": b.hash(), "same": changes.is_empty(), "changes": changes}),
        || {
            if changes.is_empty() {
                return format!("{} and {}: the same policy\n", old.display(), new.display());
            }
            let mut text = String::new();
            let mut area = "";
            for c in &changes {
                if c.area != area {
                    area = &c.area;
                    text.push_str(&format!("{area}:\n"));
                }
                let line = match c.change {
                    ChangeKind::Added => {
                        format!("  + {} = {}", c.key, c.new.as_deref().unwrap_or(""))
                    }
                    ChangeKind::Removed => {
                        format!("  - {} (was {})", c.key, c.old.as_deref().unwrap_or(""))
                    }
                    ChangeKind::Changed => format!(
                        "  ~ {}: {} -> {}",
                        c.key,
                        c.old.as_deref().unwrap_or(""),
                        c.new.as_deref().unwrap_or("")
                    ),
                };
                text.push_str(&line);
                text.push('\n');
            }
            text.push_str(&format!(
                "{} change{}\n",
                changes.len(),
                if changes.len() == 1 { "" } else { "s" }
            ));
            text
        },
    );
    if changes.is_empty() {
        Ok(())
    } else {
        Err(Failure::No)
    }
}

fn impact(out: &Out, new: &Path, store: &StoreArgs) -> Outcome {
    let policy = load(out, new)?;
    let engine = store.open()?;
    let impact = engine.policy_impact(&store.actor(), &policy)?;
    out.print(&impact, || {
        let mut text = format!(
            "Installing {} ({}) as of {}:\n",
            new.display(),
            impact.policy_version.get(..12).unwrap_or_default(),
            impact.date
        );
        text.push_str(&format!(
            "\nOpen quotes repriced: {} of {}\n",
            impact.quotes.len(),
            impact.quotes_checked
        ));
        for q in &impact.quotes {
            match &q.problem {
                Some(p) => text.push_str(&format!("  {} ({}): cannot be priced: {p}\n", q.quote, q.owner)),
                None => text.push_str(&format!(
                    "  {} ({}, {:?}): {} -> {} (quoted {})\n",
                    q.quote, q.owner, q.status, q.current_total, q.new_total, q.quoted_total
                )),
            }
        }
        text.push_str(&format!("\nScores or bands changed: {}\n", impact.scores.len()));
        for s in &impact.scores {
            text.push_str(&format!(
                "  {} {}: {} {} -> {} {}\n",
                s.rep, s.period, s.current_score, s.current_band, s.new_score, s.new_band
            ));
        }
        text.push_str(&format!("\nBudgets whose control changes: {}\n", impact.budgets.len()));
        for b in &impact.budgets {
            text.push_str(&format!(
                "  {}: annual {} -> {}, monthly {} -> {}, per event {:?} -> {:?}, per day {:?} -> {:?}{}\n",
                b.budget,
                b.current.annual,
                b.new.annual,
                b.current.monthly,
                b.new.monthly,
                b.current.per_event,
                b.new.per_event,
                b.current.per_day,
                b.new.per_day,
                if b.new.category_listed { "" } else { " (category no longer in the policy)" }
            ));
        }
        text
    });
    Ok(())
}

fn test(out: &Out, file: &Path, cases_file: &Path) -> Outcome {
    let policy = load(out, file)?;
    let cases = PolicyCases::from_toml(&read(cases_file)?)
        .map_err(|e| Failure::Error(format!("{}: {e}", cases_file.display())))?;
    let outcomes = cases.run(&policy)?;
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    out.print(
        &json!({"policy_version": policy.hash(), "cases": outcomes.len(), "failed": failed, "outcomes": outcomes}),
        || {
            let mut text = String::new();
            for o in &outcomes {
                if o.passed {
                    text.push_str(&format!("ok    {} {}\n", o.kind, o.name));
                } else {
                    text.push_str(&format!("FAIL  {} {}\n", o.kind, o.name));
                    for m in &o.mismatches {
                        text.push_str(&format!("        {m}\n"));
                    }
                }
            }
            text.push_str(&format!("{} cases, {} passed, {failed} failed\n", outcomes.len(), outcomes.len() - failed));
            text
        },
    );
    if failed == 0 {
        Ok(())
    } else {
        Err(Failure::No)
    }
}
