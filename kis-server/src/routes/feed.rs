//! The change feed over HTTP: `GET /v1/changes` answers one batch and, with `wait`,
//! holds the request until something the caller may see is committed (long poll);
//! `GET /v1/changes/stream` sends events as they come (server-sent events, each `id`
//! its cursor, so a reconnect with `Last-Event-ID` resumes where it stopped).
//!
//! Commits made by this process wake waiters at once; those of another server on the
//! same database are seen within [`POLL_EVERY`].

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Query, State, rejection::QueryRejection};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use kis::Actor;
use kis::feed::ChangeBatch;
use serde::Deserialize;

use crate::problem::ApiError;
use crate::state::{Shared, blocking};

/// How often a waiting feed looks at the store for others' commits.
pub const POLL_EVERY: Duration = Duration::from_millis(500);

const DEFAULT_LIMIT: u32 = 100;

/// The feed's query string.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    /// The cursor to resume after.
    after: Option<u64>,
    /// At most this many events.
    limit: Option<u32>,
    /// Seconds to wait for an event.
    wait: Option<u64>,
}

fn params(query: Result<Query<FeedParams>, QueryRejection>) -> Result<FeedParams, ApiError> {
    query
        .map(|Query(p)| p)
        .map_err(|e| ApiError::invalid("query", e.body_text()))
}

async fn batch(
    state: &Shared,
    actor: &Actor,
    after: u64,
    limit: u32,
) -> Result<ChangeBatch, ApiError> {
    let actor = actor.clone();
    blocking(state, move |s| {
        Ok(s.engine.changes_since(&actor, after, limit)?)
    })
    .await
}

/// Waits until this process commits, another's commit may be visible, or shutdown.
async fn nudge(state: &Shared, notified: std::pin::Pin<&mut tokio::sync::futures::Notified<'_>>) {
    let mut shutdown = state.shutdown.clone();
    tokio::select! {
        _ = notified => {}
        _ = tokio::time::sleep(POLL_EVERY) => {}
        _ = shutdown.changed() => {}
    }
}

/// One batch, waiting up to `wait` seconds for the first event.
pub async fn changes(
    State(state): State<Shared>,
    headers: HeaderMap,
    query: Result<Query<FeedParams>, QueryRejection>,
) -> Response {
    let answer = async {
        let p = params(query)?;
        let wait = p.wait.unwrap_or(0);
        if wait > 3600 {
            return Err(ApiError::invalid("wait", "is at most 3600 seconds"));
        }
        let wait = Duration::from_secs(wait.min(state.limits.long_poll_secs));
        let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
        let caller = blocking(&state, move |s| s.caller(&headers)).await?;
        let deadline = tokio::time::Instant::now() + wait;
        let mut after = p.after.unwrap_or(0);
        loop {
            let notified = state.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let b = batch(&state, &caller.actor, after, limit).await?;
            let done = !b.events.is_empty()
                || tokio::time::Instant::now() >= deadline
                || *state.shutdown.borrow();
            if done {
                return Ok(b);
            }
            // Entries the caller may not see still move the cursor on.
            after = b.cursor;
            tokio::select! {
                _ = nudge(&state, notified) => {}
                _ = tokio::time::sleep_until(deadline) => {}
            }
        }
    }
    .await;
    match answer {
        Ok(b) => axum::Json(b).into_response(),
        Err(e) => e.into_response(),
    }
}

struct Stream {
    state: Shared,
    actor: Actor,
    after: u64,
    pending: VecDeque<Event>,
    ended: bool,
}

/// Events as they are committed, until the client leaves or the server stops.
pub async fn stream(
    State(state): State<Shared>,
    headers: HeaderMap,
    query: Result<Query<FeedParams>, QueryRejection>,
) -> Response {
    let p = match params(query) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let after = resume.or(p.after).unwrap_or(0);
    let caller = match blocking(&state, move |s| s.caller(&headers)).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let start = Stream {
        state,
        actor: caller.actor,
        after,
        pending: VecDeque::new(),
        ended: false,
    };
    let events = futures_util::stream::unfold(start, |mut s| async move {
        loop {
            if let Some(event) = s.pending.pop_front() {
                return Some((Ok::<_, Infallible>(event), s));
            }
            if s.ended || *s.state.shutdown.borrow() {
                return None;
            }
            let state = s.state.clone();
            let notified = state.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match batch(&s.state, &s.actor, s.after, 1000).await {
                Ok(b) => {
                    s.after = b.cursor;
                    for e in &b.events {
                        let data = serde_json::to_string(e).unwrap_or_default();
                        s.pending.push_back(
                            Event::default()
                                .event("change")
                                .id(e.seq.to_string())
                                .data(data),
                        );
                    }
                    if b.events.is_empty() && !b.more {
                        nudge(&s.state, notified).await;
                    }
                }
                Err(e) => {
                    // Tell the client why the stream ends, then end it.
                    s.ended = true;
                    let body = serde_json::to_string(&e.kind()).unwrap_or_default();
                    s.pending
                        .push_back(Event::default().event("error").data(body));
                }
            }
        }
    });
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
