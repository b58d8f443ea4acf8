//! What every request handler shares: the engine, the credential checks, the limits,
//! the metrics, and the signals that wake change-feed waiters.

use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderMap;
use kis::Engine;
use tokio::sync::{Notify, watch};

use crate::auth::{Authenticator, Caller};
use crate::config::Limits;
use crate::limit::Limiter;
use crate::metrics::Metrics;
use crate::problem::ApiError;

/// The server's shared state.
#[derive(Debug)]
pub struct AppState {
    /// The engine every request runs on.
    pub engine: Arc<Engine>,
    /// Checks credentials.
    pub auth: Authenticator,
    /// Rate limits per credential.
    pub limiter: Limiter,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Per-request limits.
    pub limits: Limits,
    /// Woken after this process commits anything, for long polls and event streams.
    pub changed: Notify,
    /// Turns `true` when shutdown begins, so that waiting feeds end at once.
    pub shutdown: watch::Receiver<bool>,
    /// The OpenAPI document, encoded once.
    pub openapi: String,
    /// The manual clock, when the configuration asks for one.
    pub manual_clock: Option<Arc<kis::ManualClock>>,
}

/// The state as handlers hold it.
pub type Shared = Arc<AppState>;

impl AppState {
    /// The request's caller, checked and counted against their rate limit. Blocking.
    pub fn caller(&self, headers: &HeaderMap) -> Result<Caller, ApiError> {
        let caller = self.auth.caller(&self.engine, headers)?;
        self.limiter
            .check(&caller.limit_key)
            .map_err(ApiError::too_many_requests)?;
        Ok(caller)
    }

    /// The request timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.limits.request_timeout_secs)
    }
}

/// Runs blocking engine work off the async threads, within the request timeout. On a
/// timeout the work may still finish (a command then commits): callers retry with the
/// same idempotency key.
pub async fn blocking<T: Send + 'static>(
    state: &Shared,
    work: impl FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let inner = Arc::clone(state);
    let span = tracing::Span::current();
    let task = tokio::task::spawn_blocking(move || span.in_scope(|| work(&inner)));
    match tokio::time::timeout(state.timeout(), task).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => {
            tracing::error!(error = %join, "request handler failed");
            Err(ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                "the server failed while answering; nothing was half-written",
                serde_json::Value::Null,
            ))
        }
        Err(_) => Err(ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "Timeout",
            format!(
                "no answer within {} s; a command may still complete, so retry it with the same Idempotency-Key",
                state.limits.request_timeout_secs
            ),
            serde_json::json!({ "timeout_secs": state.limits.request_timeout_secs }),
        )),
    }
}
