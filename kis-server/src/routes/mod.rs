//! The routes: the API entries, the change feed, sync, and operations.

pub mod api;
pub mod body;
pub mod feed;
pub mod ops;
pub mod sync;
