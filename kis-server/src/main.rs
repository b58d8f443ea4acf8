//! `kis-server`: serve a store over HTTP, or prepare one (first admin, tokens).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Duration;
use clap::{Args, Parser, Subcommand};
use kis::token::IssueApiToken;
use kis::{Actor, UserId};
use kis_server::{Config, Server, open_engine};

/// kis's engine over HTTP.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    common: Common,
}

/// Where the configuration comes from: flags win over environment variables, which win
/// over the file.
#[derive(Args, Clone)]
struct Common {
    /// A TOML configuration file.
    #[arg(long, env = "KIS_SERVER_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// The store: a SQLite file, or a postgres:// URL.
    #[arg(long, env = "KIS_SERVER_STORE", global = true)]
    store: Option<String>,
    /// A policy file (seeds an empty store).
    #[arg(long, env = "KIS_SERVER_POLICY", global = true)]
    policy: Option<PathBuf>,
    /// Where to listen, such as 127.0.0.1:8080 (port 0 picks a free one).
    #[arg(long, env = "KIS_SERVER_LISTEN", global = true)]
    listen: Option<std::net::SocketAddr>,
    /// TLS certificate chain (PEM).
    #[arg(long, env = "KIS_SERVER_TLS_CERT", global = true, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, env = "KIS_SERVER_TLS_KEY", global = true, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve (the default).
    Serve,
    /// Create the first administrator of an empty store and print a token for them.
    Bootstrap {
        /// The administrator's user id.
        #[arg(long)]
        admin: String,
        /// Their name.
        #[arg(long)]
        name: String,
        /// Days the token lives.
        #[arg(long, default_value_t = 30)]
        days: i64,
    },
    /// Issue an API token for a user, acting as an administrator; print it.
    IssueToken {
        /// The administrator issuing it.
        #[arg(long = "as")]
        admin: String,
        /// The user the token acts as.
        #[arg(long)]
        user: String,
        /// What it is for.
        #[arg(long)]
        label: String,
        /// Days the token lives.
        #[arg(long, default_value_t = 30)]
        days: i64,
    },
    /// Print the OpenAPI document.
    Openapi,
}

fn config(common: &Common) -> Result<Config, String> {
    let mut config = match &common.config {
        Some(path) => Config::from_file(path).map_err(|e| e.to_string())?,
        None => Config::default(),
    };
    if let Some(s) = &common.store {
        config.store = s.clone();
    }
    if let Some(p) = &common.policy {
        config.policy = Some(p.clone());
    }
    if let Some(l) = common.listen {
        config.listen = l;
    }
    if let (Some(cert), Some(key)) = (&common.tls_cert, &common.tls_key) {
        config.tls = Some(kis_server::config::Tls {
            cert: cert.clone(),
            key: key.clone(),
        });
    }
    config.validate().map_err(|e| e.to_string())?;
    Ok(config)
}

fn logs(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.log.filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log.format == "json" {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .init();
    } else {
        builder.init();
    }
}

fn issue(
    engine: &kis::Engine,
    admin: &str,
    user: &str,
    label: &str,
    days: i64,
) -> Result<String, String> {
    let issued = engine
        .execute(
            &Actor::new(admin),
            &IssueApiToken {
                user: UserId::from(user),
                label: label.to_string(),
                expires_at: engine.now() + Duration::days(days),
            },
        )
        .map_err(|e| e.to_string())?;
    Ok(issued.token)
}

fn run(cli: Cli) -> Result<(), String> {
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        println!("{:#}", kis_server::openapi::document());
        return Ok(());
    }
    let config = config(&cli.common)?;
    match command {
        Command::Bootstrap { admin, name, days } => {
            let (engine, _) = open_engine(&config).map_err(|e| e.to_string())?;
            engine
                .bootstrap_admin(admin.as_str(), &name)
                .map_err(|e| e.to_string())?;
            println!("{}", issue(&engine, &admin, &admin, "bootstrap", days)?);
            Ok(())
        }
        Command::IssueToken {
            admin,
            user,
            label,
            days,
        } => {
            let (engine, _) = open_engine(&config).map_err(|e| e.to_string())?;
            println!("{}", issue(&engine, &admin, &user, &label, days)?);
            Ok(())
        }
        Command::Serve | Command::Openapi => {
            logs(&config);
            let scheme = if config.tls.is_some() {
                "https"
            } else {
                "http"
            };
            let server = Server::new(config).map_err(|e| e.to_string())?;
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            runtime
                .block_on(server.run(kis_server::serve::signal(), move |addr| {
                    // The one line on stdout: scripts and tests read the address from it.
                    println!("kis-server listening on {scheme}://{addr}");
                    tracing::info!(%addr, "listening");
                }))
                .map_err(|e| e.to_string())
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kis-server: {e}");
            ExitCode::FAILURE
        }
    }
}
