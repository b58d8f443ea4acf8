//! `kis audit verify`: the hash chain and every document against it (P1.3).

use clap::Subcommand;
use kis::api::Query;
use kis::api::query::VerifyAudit;

use crate::out::{Failure, Out, Outcome};
use crate::session::StoreArgs;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit chain and that every document is as its last entry recorded it;
    /// exits 1 on damage.
    Verify {
        #[command(flatten)]
        store: StoreArgs,
    },
}

pub fn run(out: &Out, command: AuditCommand) -> Outcome {
    let AuditCommand::Verify { store } = command;
    let engine = store.open()?;
    let verified = VerifyAudit {}.run(&engine, &store.actor());
    let report = match verified {
        Ok(report) => report,
        // A row whose checksum fails is damage found, not a failure to check.
        Err(kis::Error::Store(e @ kis::StoreError::Corrupt { .. })) => {
            out.print(
                &serde_json::json!({"intact": false, "corrupt": e.to_string()}),
                || format!("{}: DAMAGE FOUND\n  {e}\n", store.store),
            );
            return Err(Failure::No);
        }
        Err(e) => return Err(e.into()),
    };
    let intact = report.is_intact();
    out.print(&report, || {
        if intact {
            format!(
                "{}: audit chain intact; every document matches its last entry\n",
                store.store
            )
        } else {
            let mut text = format!("{}: DAMAGE FOUND\n", store.store);
            if let Some(broken) = &report.broken {
                text.push_str(&format!("  chain broken: {broken:?}\n"));
            }
            for m in &report.mismatches {
                text.push_str(&format!("  {m:?}\n"));
            }
            text
        }
    });
    if intact { Ok(()) } else { Err(Failure::No) }
}
