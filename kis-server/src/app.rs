//! The router: routes, and the layers every request passes (request id, tracing span,
//! metrics, panic catching).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::LatencyUnit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::problem::ApiError;
use crate::routes::{api, feed, ops, sync};
use crate::state::Shared;

const REQUEST_ID: &str = "x-request-id";

/// Request ids: a per-process random prefix and a counter (unique, and sortable within
/// one process's logs).
#[derive(Clone)]
struct Ids {
    prefix: std::sync::Arc<str>,
    next: std::sync::Arc<AtomicU64>,
}

impl MakeRequestId for Ids {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

fn ids() -> Ids {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    Ids {
        prefix: format!("{:x}{:x}", std::process::id(), nanos & 0xffff_ffff).into(),
        next: std::sync::Arc::new(AtomicU64::new(1)),
    }
}

/// The W3C trace id of a `traceparent` header, so logs join the caller's trace.
fn trace_id(request: &axum::http::Request<axum::body::Body>) -> String {
    request
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split('-').nth(1))
        .filter(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_default()
        .to_string()
}

async fn measure(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "InternalError",
        "the server failed while answering; nothing was half-written",
        serde_json::Value::Null,
    )
    .into_response()
}

/// The whole application.
pub fn router(state: Shared) -> Router {
    let trace = TraceLayer::new_for_http()
        // One access-log line per answer, with its status and latency, at INFO.
        .on_response(
            DefaultOnResponse::new()
                .level(tracing::Level::INFO)
                .latency_unit(LatencyUnit::Micros),
        )
        .on_request(())
        .make_span_with(|request: &axum::http::Request<_>| {
            let route = request
                .extensions()
                .get::<MatchedPath>()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default();
            let id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            tracing::info_span!(
                "request",
                method = %request.method(),
                path = %request.uri().path(),
                route,
                request_id = id,
                trace_id = trace_id(request),
            )
        });
    Router::new()
        .route("/v1/changes", get(feed::changes))
        .route("/v1/changes/stream", get(feed::stream))
        .route("/v1/sync/snapshot", get(sync::snapshot))
        .route("/v1/sync", post(sync::sync))
        .route("/v1/{entry}", post(api::call))
        .route("/admin/clock", post(ops::advance_clock))
        .route("/health", get(ops::health))
        .route("/ready", get(ops::ready))
        .route("/metrics", get(ops::metrics))
        .route("/openapi.json", get(ops::openapi))
        .fallback(ops::no_route)
        .method_not_allowed_fallback(ops::wrong_method)
        .layer(middleware::from_fn_with_state(state.clone(), measure))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(trace)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(ids()))
        .with_state(state)
}
