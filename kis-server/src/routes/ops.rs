//! Operational routes: liveness, readiness, metrics, the OpenAPI document, and answers
//! for what matches no route.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::problem::ApiError;
use crate::state::{Shared, blocking};

/// The process is up.
pub async fn health() -> Response {
    axum::Json(json!({ "status": "ok" })).into_response()
}

/// The store answers (a read of the audit head), within 5 s.
pub async fn ready(State(state): State<Shared>) -> Response {
    let check = blocking(&state, |s| {
        let head = s.engine.read(|tx| kis::audit::head_seq(tx))?;
        Ok(json!({
            "status": "ready",
            "backend": s.engine.backend(),
            "policy": s.engine.policy().hash(),
            "audit_head": head,
        }))
    });
    match tokio::time::timeout(Duration::from_secs(5), check).await {
        Ok(Ok(body)) if !*state.shutdown.borrow() => axum::Json(body).into_response(),
        Ok(Ok(_)) => unavailable("shutting down"),
        Ok(Err(e)) => unavailable(&format!("the store does not answer: {}", e.kind())),
        Err(_) => unavailable("the store did not answer within 5 s"),
    }
}

fn unavailable(why: &str) -> Response {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "Unavailable",
        format!("not ready: {why}"),
        json!({ "reason": why }),
    )
    .into_response()
}

/// Prometheus metrics.
pub async fn metrics(State(state): State<Shared>) -> Response {
    let mut r = state.metrics.render().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}

/// The OpenAPI 3.1 document.
pub async fn openapi(State(state): State<Shared>) -> Response {
    let mut r = state.openapi.clone().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// 404 for a path no route has.
pub async fn no_route() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NotFound",
        "no such route; the API is POST /v1/{entry} (see /openapi.json)",
        json!({ "kind": "route" }),
    )
    .into_response()
}

/// 405 for a route asked with the wrong method.
pub async fn wrong_method() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        "this route does not take that method (see /openapi.json)",
        serde_json::Value::Null,
    )
    .into_response()
}

/// `POST /admin/clock`: advances a manual clock (admin only; 404 when the clock is the
/// system's).
pub async fn advance_clock(
    State(state): State<Shared>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Response {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Advance {
        advance_hours: i64,
    }
    if state.manual_clock.is_none() {
        return no_route().await;
    }
    let answer = async {
        super::body::media_type(&headers, "application/json")?;
        let bytes = super::body::read(&state, &headers, body, 1024).await?;
        let advance: Advance = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::invalid("request", e.to_string()))?;
        blocking(&state, move |s| {
            let caller = s.caller(&headers)?;
            let user = s.engine.acting_user(&caller.actor)?;
            kis::org::require_role(&user, &[kis::Role::Admin], "advance the clock")?;
            let clock = s
                .manual_clock
                .as_ref()
                .ok_or_else(|| ApiError::invalid("clock", "is not manual"))?;
            clock
                .advance(chrono::Duration::hours(advance.advance_hours))
                .map_err(|e| ApiError::from(kis::Error::from(e)))?;
            tracing::warn!(hours = advance.advance_hours, by = %user.id, "clock advanced");
            Ok(json!({ "now": s.engine.now() }))
        })
        .await
    }
    .await;
    match answer {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}
