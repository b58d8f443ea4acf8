//! `POST /v1/{entry}`: every command and query of kis's API, from its one declaration.
//! The body is the entry's request as JSON, the answer its output as JSON; the acting
//! user is the credential's; `Idempotency-Key` makes a command safe to retry.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use kis::api::{Kind, entry};

use super::body;
use crate::problem::{ApiError, Outcome};
use crate::state::{Shared, blocking};

/// The header that carries a command's idempotency key.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Runs one entry.
pub async fn call(
    State(state): State<Shared>,
    Path(name): Path<String>,
    headers: HeaderMap,
    request: Body,
) -> Response {
    let Some(found) = entry(&name) else {
        return ApiError::from(kis::Error::NotFound {
            kind: "API entry",
            id: name,
        })
        .into_response();
    };
    let kind = match found.kind {
        Kind::Command => "command",
        Kind::Query => "query",
    };
    let answer = run(&state, found.name, &headers, request).await;
    let outcome = match &answer {
        Ok(_) => "ok".to_string(),
        Err(e) => e.kind().to_string(),
    };
    state.metrics.call(found.name, kind, &outcome);
    match answer {
        Ok(json) => {
            if found.kind == Kind::Command {
                state.changed.notify_waiters();
            }
            let mut response = json.into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response.extensions_mut().insert(Outcome(outcome));
            response
        }
        Err(e) => e.into_response(),
    }
}

async fn run(
    state: &Shared,
    name: &'static str,
    headers: &HeaderMap,
    request: Body,
) -> Result<String, ApiError> {
    body::media_type(headers, "application/json")?;
    let bytes = body::read(state, headers, request, state.limits.body_bytes).await?;
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::invalid("request", "is not UTF-8 text"))?;
    let key = match headers.get(IDEMPOTENCY_KEY) {
        Some(v) => Some(
            v.to_str()
                .map_err(|_| ApiError::invalid("Idempotency-Key", "is not text"))?
                .to_string(),
        ),
        None => None,
    };
    let headers = headers.clone();
    blocking(state, move |s| {
        s.engine.follow_installed_policy()?;
        let caller = s.caller(&headers)?;
        let span = tracing::info_span!("kis.call", entry = name, actor = %caller.actor.user);
        let _entered = span.enter();
        let started = std::time::Instant::now();
        let answer = s.engine.call(&caller.actor, name, &text, key.as_deref());
        let ms = started.elapsed().as_secs_f64() * 1e3;
        match &answer {
            Ok(_) => tracing::info!(ms, outcome = "ok", "call"),
            Err(e) => {
                tracing::info!(ms, outcome = %kis::api::Problem::from(e).kind, error = %e, "call")
            }
        }
        answer.map_err(ApiError::from)
    })
    .await
}
