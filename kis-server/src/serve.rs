//! Starting and stopping: open the store and the engine, listen (plain or TLS), and on
//! a signal stop accepting, end waiting feeds, and let in-flight commands finish.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use kis::{Clock, Engine, ManualClock, Policy, SystemClock};
use tokio::sync::{Notify, watch};

use crate::auth::Authenticator;
use crate::config::Config;
use crate::jwt::JwtVerifier;
use crate::limit::Limiter;
use crate::metrics::Metrics;
use crate::state::AppState;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is not usable.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The store or the policy would not open.
    #[error("cannot open the engine: {0}")]
    Engine(#[from] kis::Error),
    /// The store would not open.
    #[error("cannot open the store: {0}")]
    Store(#[from] kis::StoreError),
    /// Another start-up failure (a key file, the address).
    #[error("{0}")]
    Other(String),
}

/// Opens the engine the configuration names: its policy file registered when new, then
/// the most recently installed version in force. The manual clock, when configured.
pub fn open_engine(config: &Config) -> Result<(Engine, Option<Arc<ManualClock>>), StartError> {
    let store = kis::open_store(&config.store)?;
    let manual = config
        .clock
        .as_ref()
        .map(|c| Arc::new(ManualClock::new(c.start)));
    let clock: Arc<dyn Clock> = match &manual {
        Some(m) => m.clone(),
        None => Arc::new(SystemClock),
    };
    let engine = match &config.policy {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| StartError::Other(format!("cannot read {}: {e}", path.display())))?;
            let policy = Policy::from_toml(&text).map_err(kis::Error::from)?;
            Engine::open_with_clock(store, policy, clock)?
        }
        None => Engine::open_installed(store, clock)?,
    };
    engine.follow_installed_policy()?;
    Ok((engine, manual))
}

/// A server ready to run.
pub struct Server {
    state: Arc<AppState>,
    config: Config,
    stop: watch::Sender<bool>,
}

impl Server {
    /// Opens everything the configuration names.
    pub fn new(config: Config) -> Result<Server, StartError> {
        config.validate()?;
        let (engine, manual_clock) = open_engine(&config)?;
        if manual_clock.is_some() {
            tracing::warn!("the clock is manual: time moves only when an admin advances it");
        }
        let jwt = match &config.jwt {
            Some(j) => Some(JwtVerifier::new(j).map_err(StartError::Other)?),
            None => None,
        };
        let (stop, shutdown) = watch::channel(false);
        let state = Arc::new(AppState {
            engine: Arc::new(engine),
            auth: Authenticator::new(jwt),
            limiter: Limiter::new(config.limits.per_second, config.limits.burst),
            metrics: Metrics::default(),
            limits: config.limits.clone(),
            changed: Notify::new(),
            shutdown,
            openapi: crate::openapi::document().to_string(),
            manual_clock,
        });
        Ok(Server {
            state,
            config,
            stop,
        })
    }

    /// Serves until `signal` resolves, then shuts down gracefully: no new connections,
    /// feeds end, in-flight requests get up to `shutdown_grace_secs` to finish.
    /// `bound` is told the address once listening (port 0 picks one).
    pub async fn run(
        self,
        signal: impl std::future::Future<Output = ()> + Send + 'static,
        bound: impl FnOnce(SocketAddr) + Send + 'static,
    ) -> Result<(), StartError> {
        let app = crate::app::router(Arc::clone(&self.state));
        let handle = axum_server::Handle::new();
        let grace = Duration::from_secs(self.config.shutdown_grace_secs);
        let stopper = handle.clone();
        let stop = self.stop;
        tokio::spawn(async move {
            signal.await;
            tracing::info!("shutting down: finishing in-flight requests");
            let _ = stop.send(true);
            stopper.graceful_shutdown(Some(grace));
        });
        let watcher = handle.clone();
        tokio::spawn(async move {
            if let Some(addr) = watcher.listening().await {
                bound(addr);
            }
        });
        let service = app.into_make_service();
        let result = match &self.config.tls {
            Some(tls) => {
                let rustls =
                    axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                        .await
                        .map_err(|e| StartError::Other(format!("TLS: {e}")))?;
                axum_server::bind_rustls(self.config.listen, rustls)
                    .handle(handle)
                    .serve(service)
                    .await
            }
            None => {
                let mut server = axum_server::bind(self.config.listen).handle(handle);
                server
                    .http_builder()
                    .http1()
                    .header_read_timeout(Duration::from_secs(
                        self.config.limits.request_timeout_secs,
                    ));
                server.serve(service).await
            }
        };
        result
            .map_err(|e| StartError::Other(format!("cannot serve on {}: {e}", self.config.listen)))
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
