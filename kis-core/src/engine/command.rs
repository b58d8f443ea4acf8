//! The command pattern every domain uses: authorise the actor, run the pure rules, write
//! the state and its audit entry in one transaction.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::context::CommandContext;
use crate::error::Result;

/// A state-changing request made by a user.
///
/// The engine runs it as: load the acting user -> [`authorize`](Command::authorize) ->
/// [`execute`](Command::execute) -> append the audit entry -> commit. Any error rolls
/// everything back. The serialised command is what the audit trail shows as input and
/// what an idempotency key is checked against.
pub trait Command: Serialize {
    /// What the command returns (also stored for idempotent replays).
    type Output: Serialize + DeserializeOwned;

    /// A stable name, `domain.verb_noun` (recorded in the audit trail).
    const NAME: &'static str;

    /// The longest text any field of the command may hold, checked on the serialised
    /// command before it runs (see [`crate::input::command_text`]); `None` for a command
    /// that carries a document checked by its own parser (a policy file).
    const TEXT_LIMIT: Option<usize> = Some(crate::input::MAX_TEXT_LEN);

    /// Whether the command may run with an idempotency key, whose record keeps its
    /// output for replays. `false` for a command whose output holds a secret shown once
    /// (an API token), which must not be stored.
    const REPLAYABLE: bool = true;

    /// Refuses the command if the actor may not perform it (P2: authorisation is domain
    /// logic). Runs before anything is written.
    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()>;

    /// Validates the input against the current state and writes the result.
    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Self::Output>;

    /// Runs after the command committed, however it was called (Rust, a binding, the
    /// wire), for what the engine keeps in memory beside the store: installing a policy
    /// makes it current. Most commands keep nothing.
    fn committed(&self, _engine: &super::Engine) {}
}
