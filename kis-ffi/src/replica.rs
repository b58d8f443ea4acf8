//! `KisReplica`: the phone's engine that works offline and syncs with the company's
//! (#18). The app carries its messages as bytes over its own HTTPS: `push()` to the
//! server's `KisEngine.serveSync` (or kis-server), the reply back to `receive`.

use std::sync::Arc;

use kis::Clock;
use kis::sync::{Local, Message, Replica, Reply, Snapshot};

use crate::background::off_thread;
use crate::clock::ManualClock;
use crate::engine::json;
use crate::error::KisError;

/// A replica of the company's engine for one user, on a local SQLite file.
#[derive(uniffi::Object)]
pub struct KisReplica {
    inner: Replica,
}

fn store(location: &str) -> Result<Arc<dyn kis::Store>, KisError> {
    Ok(kis::open_store(location)?)
}

#[uniffi::export]
impl KisReplica {
    /// Seeds a replica on a new SQLite file at `location` from the server's snapshot
    /// (`KisEngine.snapshot`'s bytes, for this phone's user).
    #[uniffi::constructor]
    pub fn seed(location: String, snapshot: Vec<u8>) -> Result<Arc<Self>, KisError> {
        KisReplica::seed_on(&location, &snapshot, Arc::new(kis::SystemClock))
    }

    /// [`seed`](Self::seed) with a manual clock (tests, simulations).
    #[uniffi::constructor]
    pub fn seed_with_clock(
        location: String,
        snapshot: Vec<u8>,
        clock: Arc<ManualClock>,
    ) -> Result<Arc<Self>, KisError> {
        KisReplica::seed_on(&location, &snapshot, clock.inner.clone())
    }

    /// Opens the replica seeded before at `location`.
    #[uniffi::constructor]
    pub fn open(location: String) -> Result<Arc<Self>, KisError> {
        Ok(Arc::new(KisReplica {
            inner: Replica::open(store(&location)?, Arc::new(kis::SystemClock))?,
        }))
    }

    /// Whose replica this is.
    pub fn actor(&self) -> String {
        self.inner.actor().user.to_string()
    }

    /// Runs an API entry on the replica as its user (`actor` must be that user): a query
    /// is answered from the replica, an offline command is applied as provisional and
    /// queued (its output, as from `KisEngine.call`), and a decision or a budget step is
    /// queued only: its answer is then `{"queued": "<idempotency key>"}`. The key is the
    /// replica's own; `idempotency_key` is ignored. Same signature as `KisEngine.call`,
    /// so the typed `KisApi` runs on a replica too.
    pub fn call(
        &self,
        entry: String,
        actor: String,
        request: String,
        idempotency_key: Option<String>,
    ) -> Result<String, KisError> {
        let _ = idempotency_key;
        if actor != self.inner.actor().user.as_str() {
            return Err(kis::Error::not_authorized(
                &actor,
                format!("act on {}'s replica", self.inner.actor().user),
                "a replica holds and acts for one user only",
            )
            .into());
        }
        Ok(match self.inner.call(&entry, &request)? {
            Local::Answered { output } | Local::Applied { output, .. } => output,
            Local::Queued { key } => json(&serde_json::json!({ "queued": key }))?,
        })
    }

    /// `call` off the caller's thread: Kotlin `suspend fun callAsync`, Swift `async`
    /// (#20), for a year's scoring or a report on the phone's own data.
    pub async fn call_async(
        self: Arc<Self>,
        entry: String,
        actor: String,
        request: String,
        idempotency_key: Option<String>,
    ) -> Result<String, KisError> {
        off_thread(move || self.call(entry, actor, request, idempotency_key)).await
    }

    /// The commands queued since the last sync, as JSON (key, entry, request each).
    pub fn outbox(&self) -> Result<String, KisError> {
        json(&self.inner.outbox()?)
    }

    /// The push message to send the server now.
    pub fn push(&self) -> Result<Vec<u8>, KisError> {
        Ok(self.inner.push()?.to_bytes()?)
    }

    /// Takes the server's reply: the replica now holds the server's state; how each
    /// settled command ended, as JSON (accepted, accepted_with_changes, rejected).
    pub fn receive(&self, reply: Vec<u8>) -> Result<String, KisError> {
        json(&self.inner.receive(&Reply::from_bytes(&reply)?)?)
    }

    /// `receive` off the caller's thread (Kotlin `suspend`, Swift `async`): a reply
    /// after a long time offline can carry many changes.
    pub async fn receive_async(self: Arc<Self>, reply: Vec<u8>) -> Result<String, KisError> {
        off_thread(move || self.receive(reply)).await
    }

    /// Where the replica is in the server's change feed.
    pub fn cursor(&self) -> Result<u64, KisError> {
        Ok(self.inner.cursor()?)
    }
}

impl KisReplica {
    fn seed_on(
        location: &str,
        snapshot: &[u8],
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Self>, KisError> {
        let snapshot = Snapshot::from_bytes(snapshot)?;
        Ok(Arc::new(KisReplica {
            inner: Replica::seed(store(location)?, clock, &snapshot)?,
        }))
    }
}
