//! Sync for phone replicas (kis's sync messages as bytes): `GET /v1/sync/snapshot` seeds
//! one, `POST /v1/sync` runs its queued commands as the caller and answers with their
//! outcomes and the changes since its cursor.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use kis::sync::Message;

use super::body;
use crate::problem::ApiError;
use crate::state::{Shared, blocking};

const OCTETS: &str = "application/octet-stream";

fn bytes(answer: Result<Vec<u8>, ApiError>) -> Response {
    match answer {
        Ok(b) => {
            let mut r = b.into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(OCTETS));
            r
        }
        Err(e) => e.into_response(),
    }
}

/// A snapshot for the caller's replica.
pub async fn snapshot(State(state): State<Shared>, headers: HeaderMap) -> Response {
    bytes(
        blocking(&state, move |s| {
            s.engine.follow_installed_policy()?;
            let caller = s.caller(&headers)?;
            let snapshot = s.engine.snapshot(&caller.actor)?;
            Ok(snapshot.to_bytes()?)
        })
        .await,
    )
}

/// One sync round trip.
pub async fn sync(State(state): State<Shared>, headers: HeaderMap, request: Body) -> Response {
    let answer = async {
        body::media_type(&headers, OCTETS)?;
        let push = body::read(&state, &headers, request, state.limits.sync_bytes).await?;
        blocking(&state, move |s| {
            s.engine.follow_installed_policy()?;
            let caller = s.caller(&headers)?;
            let _span = tracing::info_span!("kis.sync", actor = %caller.actor.user).entered();
            Ok(s.engine.serve_sync(&caller.actor, &push)?)
        })
        .await
    }
    .await;
    if answer.is_ok() {
        state.changed.notify_waiters();
    }
    bytes(answer)
}
