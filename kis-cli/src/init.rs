//! `kis init`: a new store under a policy, with its first admin (P2.1).

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use kis::{Engine, Policy, SystemClock};
use serde_json::json;

use crate::out::{Failure, Out, Outcome};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The store to create or open: a SQLite file, or a `postgresql://` URL.
    #[arg(long, env = "KIS_STORE")]
    store: String,
    /// The policy file to install.
    #[arg(long)]
    policy: PathBuf,
    /// The first admin's user id.
    #[arg(long, default_value = "admin")]
    admin: String,
    /// The first admin's name.
    #[arg(long, default_value = "Administrator")]
    admin_name: String,
}

pub fn run(out: &Out, args: InitArgs) -> Outcome {
    let text = std::fs::read_to_string(&args.policy)
        .map_err(|e| Failure::Error(format!("cannot read {}: {e}", args.policy.display())))?;
    let policy = match Policy::from_toml(&text) {
        Ok(p) => p,
        Err(e) => {
            crate::policy::report_problems(out, &args.policy, &text, e.problems());
            return Err(Failure::No);
        }
    };
    let hash = policy.hash().to_string();
    let store = kis::open_store(&args.store)?;
    // A store already under a policy changes policy by an audited install, not by init.
    if let Ok(existing) = Engine::open_installed(store.clone(), Arc::new(SystemClock))
        && existing.policy().hash() != hash
    {
        return Err(Failure::Error(format!(
            "{} is already under policy {}: install a new policy as a director or admin \
             (install_policy), or init a new store",
            args.store,
            existing.policy().hash().get(..12).unwrap_or_default()
        )));
    }
    let engine = Engine::open_with_clock(store, policy, Arc::new(SystemClock))?;
    let admin = match engine.bootstrap_admin(args.admin.as_str(), &args.admin_name) {
        Ok(_) => "created",
        // A store that has users keeps them: init is safe to run again.
        Err(kis::Error::NotAuthorized { .. }) => "present",
        Err(e) => return Err(e.into()),
    };
    out.print(
        &json!({"store": args.store, "policy_version": hash, "admin": args.admin, "admin_status": admin}),
        || {
            format!(
                "{}: policy {} in force; admin {} {admin}\n",
                args.store,
                hash.get(..12).unwrap_or(&hash),
                args.admin
            )
        },
    );
    Ok(())
}
