//! Reading a request body: its media type checked, its size capped, within the timeout.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::json;

use crate::problem::ApiError;
use crate::state::Shared;

/// Refuses a body whose declared media type is not `expected` (a missing one is taken
/// as `expected`, so `curl --data` works with JSON).
pub fn media_type(headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let text = value.to_str().unwrap_or_default();
    let essence = text.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            format!("the body is {text:?}; this route takes {expected}"),
            json!({ "expected": expected, "received": text }),
        ))
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PayloadTooLarge",
        format!("the body is larger than {limit} bytes"),
        json!({ "limit": limit }),
    )
}

/// The whole body, at most `limit` bytes.
pub async fn read(
    state: &Shared,
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    match tokio::time::timeout(state.timeout(), axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => {
            let limited = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if limited {
                Err(too_large(limit))
            } else {
                Err(ApiError::invalid("body", format!("could not be read: {e}")))
            }
        }
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "Timeout",
            "the body did not arrive within the request timeout",
            serde_json::Value::Null,
        )),
    }
}
