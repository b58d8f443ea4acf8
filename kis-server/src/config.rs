//! The server's configuration: a TOML file, then environment variables, then flags
//! (each later source wins). Unknown keys in the file are refused with their line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Everything the server is told.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where to listen (`127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// The store: a SQLite file path, or a `postgres://` URL.
    pub store: String,
    /// A policy file. It seeds an empty store and is registered as a version when new;
    /// once a store has versions, the most recently installed one is in force.
    pub policy: Option<PathBuf>,
    /// TLS (rustls); absent: plain HTTP, for running behind a proxy that terminates it.
    pub tls: Option<Tls>,
    /// Identity-provider JWTs, accepted beside kis's own API tokens.
    pub jwt: Option<Jwt>,
    /// Limits per request and per credential.
    pub limits: Limits,
    /// Logs.
    pub log: Log,
    /// How long shutdown waits for in-flight requests, in seconds.
    pub shutdown_grace_secs: u64,
    /// A manual clock, for tests, demos and training servers (never production): time
    /// stands at `start` and moves only when an admin advances it (`POST /admin/clock`).
    pub clock: Option<ManualClockConfig>,
}

/// Where a manual clock starts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualClockConfig {
    /// The instant it shows until advanced.
    pub start: chrono::DateTime<chrono::Utc>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            store: String::new(),
            policy: None,
            tls: None,
            jwt: None,
            limits: Limits::default(),
            log: Log::default(),
            shutdown_grace_secs: 30,
            clock: None,
        }
    }
}

/// A certificate chain and its private key, as PEM files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// The certificate chain.
    pub cert: PathBuf,
    /// The private key.
    pub key: PathBuf,
}

/// How JWTs are verified. Exactly one key source is given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jwt {
    /// The `iss` a token must carry.
    pub issuer: String,
    /// The `aud` a token must carry.
    pub audience: String,
    /// The claim that holds the kis user id (`sub` unless told).
    #[serde(default = "default_user_claim")]
    pub user_claim: String,
    /// A JWKS document on disk.
    pub jwks_file: Option<PathBuf>,
    /// A JWKS URL (fetched at start, and again when a token names an unknown key).
    pub jwks_url: Option<String>,
    /// A PEM public key (RSA, EC or Ed25519).
    pub public_key_file: Option<PathBuf>,
    /// The environment variable holding an HS256 shared secret.
    pub secret_env: Option<String>,
    /// How long a token may be late or early, in seconds.
    #[serde(default = "default_leeway")]
    pub leeway_secs: u64,
}

fn default_user_claim() -> String {
    "sub".into()
}

fn default_leeway() -> u64 {
    30
}

/// Limits that keep one client from taking the server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// The largest JSON request body, in bytes (kis's own ceiling is 4 MiB).
    pub body_bytes: usize,
    /// The largest sync push, in bytes.
    pub sync_bytes: usize,
    /// How long a request may take, in seconds.
    pub request_timeout_secs: u64,
    /// Requests per second allowed to one credential, sustained.
    pub per_second: u32,
    /// Requests one credential may send at once above that rate.
    pub burst: u32,
    /// The longest a change-feed long poll waits, in seconds.
    pub long_poll_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: kis::api::MAX_REQUEST_BYTES,
            sync_bytes: kis::sync::MAX_MESSAGE,
            request_timeout_secs: 30,
            per_second: 100,
            burst: 200,
            long_poll_secs: 60,
        }
    }
}

/// Log output.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Log {
    /// `json` (one object per line, with span fields) or `text`.
    pub format: String,
    /// A tracing filter (`info`, `kis_server=debug`); `RUST_LOG` wins.
    pub filter: String,
}

impl Default for Log {
    fn default() -> Self {
        Log {
            format: "json".into(),
            filter: "info".into(),
        }
    }
}

/// A configuration that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid configuration.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// toml's message, which names the key and the line.
        message: String,
    },
    /// A value is missing or contradicts another.
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Reads `path`.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::from_toml(&text).map_err(|message| ConfigError::Parse {
            path: path.display().to_string(),
            message,
        })
    }

    /// Parses a configuration text.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// Refuses what cannot work, before anything starts.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.store.is_empty() {
            return Err(ConfigError::Invalid(
                "no store: give --store (or KIS_SERVER_STORE, or `store` in the file)".into(),
            ));
        }
        if let Some(jwt) = &self.jwt {
            let sources = [
                jwt.jwks_file.is_some(),
                jwt.jwks_url.is_some(),
                jwt.public_key_file.is_some(),
                jwt.secret_env.is_some(),
            ];
            if sources.iter().filter(|s| **s).count() != 1 {
                return Err(ConfigError::Invalid(
                    "jwt: give exactly one of jwks_file, jwks_url, public_key_file, secret_env"
                        .into(),
                ));
            }
        }
        let l = &self.limits;
        if l.per_second == 0 || l.burst == 0 || l.body_bytes == 0 || l.request_timeout_secs == 0 {
            return Err(ConfigError::Invalid(
                "limits: per_second, burst, body_bytes and request_timeout_secs must be above 0"
                    .into(),
            ));
        }
        if !matches!(self.log.format.as_str(), "json" | "text") {
            return Err(ConfigError::Invalid(format!(
                "log.format is {:?}; it is \"json\" or \"text\"",
                self.log.format
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_sets_what_it_names_and_defaults_the_rest() {
        let c = Config::from_toml("store = \"kis.db\"\n[limits]\nper_second = 5\n").unwrap();
        assert_eq!(c.store, "kis.db");
        assert_eq!(c.limits.per_second, 5);
        assert_eq!(c.limits.burst, 200);
        c.validate().unwrap();
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let e = Config::from_toml("store = \"kis.db\"\n[limits]\nper_secnd = 5\n").unwrap_err();
        assert!(e.contains("per_secnd") && e.contains("line 3"), "{e}");
    }

    #[test]
    fn jwt_needs_exactly_one_key_source() {
        let c =
            Config::from_toml("store = \"x\"\n[jwt]\nissuer = \"i\"\naudience = \"a\"\n").unwrap();
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("exactly one")
        );
    }
}
