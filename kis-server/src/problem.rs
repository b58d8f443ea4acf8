//! Errors as RFC 9457 problem+json. A kis error keeps its kind, core's message and its
//! fields (the same [`Problem`] every binding raises from); the server adds its own
//! kinds for what happens before the engine is reached: a missing credential, a body
//! too large, a rate limit, a timeout.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kis::api::Problem;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One error answer: RFC 9457's members, and kis's `kind`, `fields` and `retryable`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProblemDetails {
    /// `urn:kis:problem:<kind>`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The kind, as words.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// Core's message, the same text every binding shows.
    pub detail: String,
    /// The kis error kind (`InvalidInput`, `NotAuthorized`, ...), or the server's own:
    /// `Unauthenticated`, `PayloadTooLarge`, `UnsupportedMediaType`, `TooManyRequests`,
    /// `Timeout`, `MethodNotAllowed`, `Unavailable`.
    pub kind: String,
    /// The kind's fields (`field` and `reason` of `InvalidInput`...).
    pub fields: Map<String, Value>,
    /// Whether the same request may succeed when retried.
    pub retryable: bool,
}

/// An error answer with its status and extra headers.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: Box<ProblemDetails>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

fn title(kind: &str) -> String {
    let mut out = String::new();
    for (i, c) in kind.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl ApiError {
    /// An error of the server's own `kind`.
    pub fn new(status: StatusCode, kind: &str, detail: impl Into<String>, fields: Value) -> Self {
        let retryable = matches!(status.as_u16(), 429 | 503);
        ApiError {
            status,
            body: Box::new(ProblemDetails {
                type_: format!("urn:kis:problem:{kind}"),
                title: title(kind),
                status: status.as_u16(),
                detail: detail.into(),
                kind: kind.to_string(),
                fields: match fields {
                    Value::Object(m) => m,
                    _ => Map::new(),
                },
                retryable,
            }),
            headers: Vec::new(),
        }
    }

    /// 401: no credential, or one that is not accepted.
    pub fn unauthenticated(reason: impl Into<String>) -> Self {
        let reason = reason.into();
        let mut e = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Unauthenticated",
            format!("not authenticated: {reason}"),
            json!({ "reason": reason }),
        );
        e.headers.push((
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"kis\""),
        ));
        e
    }

    /// 400 for a request the engine never saw (not UTF-8, a bad query string).
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidInput",
            format!("invalid {field}: {reason}"),
            json!({ "field": field, "reason": reason }),
        )
    }

    /// 429, with when to come back.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            format!("too many requests with this credential; retry in {retry_after_secs} s"),
            json!({ "retry_after": retry_after_secs }),
        );
        e.headers
            .push((header::RETRY_AFTER, HeaderValue::from(retry_after_secs)));
        e
    }

    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The problem's kind.
    pub fn kind(&self) -> &str {
        &self.body.kind
    }
}

impl From<&Problem> for ApiError {
    fn from(p: &Problem) -> Self {
        let status =
            StatusCode::from_u16(p.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut e = ApiError::new(status, &p.kind, p.message.clone(), Value::Null);
        e.body.fields = p.fields.clone();
        e.body.retryable = p.retryable();
        e
    }
}

impl From<&kis::Error> for ApiError {
    fn from(e: &kis::Error) -> Self {
        ApiError::from(&Problem::from(e))
    }
}

impl From<kis::Error> for ApiError {
    fn from(e: kis::Error) -> Self {
        ApiError::from(&e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
            .extensions_mut()
            .insert(Outcome(self.body.kind.clone()));
        response
    }
}

/// The outcome a response carries for the metrics: `ok` or the problem's kind.
#[derive(Debug, Clone)]
pub struct Outcome(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kis_error_keeps_kind_message_and_fields() {
        let e = kis::Error::invalid("lines[0].quantity", "must be more than 0");
        let api = ApiError::from(&e);
        assert_eq!(api.status(), StatusCode::BAD_REQUEST);
        assert_eq!(api.body.kind, "InvalidInput");
        assert_eq!(api.body.detail, e.to_string());
        assert_eq!(api.body.fields["field"], "lines[0].quantity");
        assert_eq!(api.body.type_, "urn:kis:problem:InvalidInput");
        assert_eq!(api.body.title, "Invalid input");
        assert!(!api.body.retryable);
    }
}
