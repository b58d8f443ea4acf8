//! Sync for phones that work offline (#18). Transport-agnostic: the messages are bytes
//! ([`Message`]) that the app carries over its own HTTPS, and the server's side is two
//! engine methods that take the actor the host authenticated.
//!
//! - **Seeding**: the server's [`Engine::snapshot`](crate::Engine::snapshot) holds what
//!   the user may read (P2); [`Replica::seed`] stores it in the phone's engine.
//! - **Offline**: [`Replica::call`] answers queries from the replica, applies the rep's
//!   offline commands as provisional and queues them with idempotency keys; decisions
//!   and budget steps are queued only (P3, P6.3).
//! - **Syncing**: [`Replica::push`] is the message to send;
//!   [`Engine::serve_push`](crate::Engine::serve_push) runs each command as the
//!   authenticated user under the server's policy in force and replies with an outcome
//!   per command and the feed's changes; [`Replica::receive`] replaces the provisional
//!   state with the server's and explains each command's end ([`Resolution`]).

mod message;
mod replica;
mod server;

pub use message::{
    MAX_MESSAGE, Message, Outcome, PROTOCOL, Push, QueuedCommand, Reply, Snapshot, Verdict,
};
pub use replica::{Difference, Local, OFFLINE, QUEUED_ONLY, Replica, Resolution};
