//! Who is acting: from the request's credential, never from its body. A bearer token
//! that starts with `kis_` is one of kis's API tokens; any other bearer is a JWT when
//! an identity provider is configured. Anything else is 401.

use std::sync::Arc;

use axum::http::{HeaderMap, header};
use kis::{Actor, Engine};

use crate::jwt::JwtVerifier;
use crate::problem::ApiError;

/// An authenticated caller: the acting user, and the key their rate limit is counted by.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The kis user acting.
    pub actor: Actor,
    /// One per credential: the token's id, or the JWT's user.
    pub limit_key: String,
}

/// Checks credentials against the engine's tokens and, if configured, JWTs.
#[derive(Debug, Clone)]
pub struct Authenticator {
    jwt: Option<Arc<JwtVerifier>>,
}

fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthenticated("no Authorization header"))?;
    let text = value
        .to_str()
        .map_err(|_| ApiError::unauthenticated("the Authorization header is not text"))?;
    match text.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(ApiError::unauthenticated(
            "the Authorization header is not `Bearer <token>`",
        )),
    }
}

impl Authenticator {
    /// An authenticator; `jwt` when an identity provider is configured.
    pub fn new(jwt: Option<JwtVerifier>) -> Self {
        Authenticator {
            jwt: jwt.map(Arc::new),
        }
    }

    /// The caller of a request with `headers`, or 401. Blocking (store reads, maybe a
    /// JWKS fetch): run it off the async threads.
    pub fn caller(&self, engine: &Engine, headers: &HeaderMap) -> Result<Caller, ApiError> {
        let token = bearer(headers)?;
        if token.starts_with("kis_") {
            let actor = engine
                .authenticate(token)?
                .map_err(|e| ApiError::unauthenticated(e.reason))?;
            // The token's id (never its secret) keys its rate limit.
            let id = token.split('_').nth(1).unwrap_or_default();
            return Ok(Caller {
                actor,
                limit_key: format!("token:{id}"),
            });
        }
        let Some(jwt) = &self.jwt else {
            return Err(ApiError::unauthenticated("not a kis API token"));
        };
        let user = jwt.verify(token).map_err(ApiError::unauthenticated)?;
        let actor = Actor::new(user.as_str());
        match engine.acting_user(&actor) {
            Ok(_) => Ok(Caller {
                actor,
                limit_key: format!("jwt:{user}"),
            }),
            Err(kis::Error::Store(e)) => Err(ApiError::from(&kis::Error::Store(e))),
            Err(_) => Err(ApiError::unauthenticated(format!(
                "the JWT names {user:?}, who is not an active kis user"
            ))),
        }
    }
}
