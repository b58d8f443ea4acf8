//! # kis-server
//!
//! kis's engine over HTTP, for ERPs in any language and as the sync peer of phones.
//!
//! - Every command and query of the API is `POST /v1/{entry}`, generated from kis's one
//!   API declaration, with the entry's request and output as JSON; the OpenAPI 3.1
//!   document is at `/openapi.json`.
//! - The acting user comes from the credential: a kis API token (issued by an admin
//!   command, stored hashed) or an identity provider's JWT. Never from the body.
//! - Errors are RFC 9457 problem+json carrying kis's error kind and fields.
//! - Sync (`/v1/sync/snapshot`, `/v1/sync`), the change feed (`/v1/changes`, long poll;
//!   `/v1/changes/stream`, server-sent events), `/health`, `/ready`, `/metrics`.
//!
//! Several servers may share one PostgreSQL database: each follows the policy the
//! others install.

pub mod app;
pub mod auth;
pub mod config;
pub mod jwt;
pub mod limit;
pub mod metrics;
pub mod openapi;
pub mod problem;
pub mod routes;
pub mod serve;
pub mod state;

pub use config::Config;
pub use serve::{Server, StartError, open_engine};
