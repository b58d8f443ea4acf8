//! What a command sees while it runs: the acting user, the policy, the clock's reading,
//! and the store, through methods that record every change for the audit trail.

use std::ops::ControlFlow;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::audit::Change;
use crate::document::{self, Document, Versioned};
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::org::User;
use crate::policy::Policy;
use crate::store::{Expected, StoreError, Transaction};

/// The state a command runs in. Writes go through [`insert`](Self::insert) and
/// [`update`](Self::update), so that each lands in the command's audit entry.
pub struct CommandContext<'a> {
    tx: &'a mut dyn Transaction,
    actor: Option<User>,
    policy: &'a Policy,
    now: DateTime<Utc>,
    changes: Vec<Change>,
}

impl<'a> CommandContext<'a> {
    pub(crate) fn new(
        tx: &'a mut dyn Transaction,
        actor: Option<User>,
        policy: &'a Policy,
        now: DateTime<Utc>,
    ) -> Self {
        CommandContext {
            tx,
            actor,
            policy,
            now,
            changes: Vec::new(),
        }
    }

    /// The acting user. Only engine-internal commands (bootstrap) run without one.
    pub fn actor(&self) -> Result<&User> {
        self.actor
            .as_ref()
            .ok_or_else(|| Error::not_authorized("system", "run this command", "a user must act"))
    }

    /// Refuses unless the acting user is `owner`, or the manager of the owner's team:
    /// the rule of P2.3 ([`org::owner_or_manager`](crate::org::owner_or_manager)).
    pub fn owner_or_manager(&mut self, owner: &UserId, action: &str) -> Result<()> {
        let actor = self
            .actor
            .as_ref()
            .ok_or_else(|| Error::not_authorized("system", action, "a user must act"))?;
        crate::org::owner_or_manager(&mut *self.tx, actor, owner, action)
    }

    /// The policy the command is decided under.
    pub fn policy(&self) -> &Policy {
        self.policy
    }

    /// The engine clock's instant for this command.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Today's business date in the company's time zone.
    pub fn today(&self) -> NaiveDate {
        self.policy.business_date(self.now)
    }

    /// Reads a document, if it exists.
    pub fn get<T: Document>(&mut self, id: &str) -> Result<Option<Versioned<T>>> {
        document::get(self.tx, id)
    }

    /// Reads a document that must exist.
    pub fn load<T: Document>(&mut self, id: &str) -> Result<Versioned<T>> {
        document::load(self.tx, id)
    }

    /// Visits documents by id prefix.
    pub fn scan<T: Document>(
        &mut self,
        prefix: &str,
        visit: impl FnMut(Versioned<T>) -> ControlFlow<()>,
    ) -> Result<()> {
        document::scan(self.tx, prefix, visit)
    }

    /// Creates a document; an existing id is [`Error::AlreadyExists`].
    pub fn insert<T: Document + Clone>(&mut self, value: &T) -> Result<Versioned<T>> {
        let id = value.doc_id();
        let body = document::encode(value)?;
        let version = match self.tx.put(T::COLLECTION, &id, &body, Expected::Absent) {
            Ok(v) => v,
            Err(StoreError::Conflict { .. }) => {
                return Err(Error::AlreadyExists { kind: T::KIND, id });
            }
            Err(e) => return Err(e.into()),
        };
        self.record(T::COLLECTION, id, version, None, &body)?;
        Ok(Versioned {
            version,
            value: value.clone(),
        })
    }

    /// Replaces a document read at `old.version`; a concurrent change is a `Conflict`.
    pub fn update<T: Document>(&mut self, old: &Versioned<T>, new: T) -> Result<Versioned<T>> {
        let id = new.doc_id();
        let before = serde_json::to_value(&old.value).ok();
        let body = document::encode(&new)?;
        let version = self
            .tx
            .put(T::COLLECTION, &id, &body, Expected::Version(old.version))?;
        self.record(T::COLLECTION, id, version, before, &body)?;
        Ok(Versioned {
            version,
            value: new,
        })
    }

    /// Removes a document read at `old.version` (index-like collections only).
    pub fn delete<T: Document>(&mut self, old: &Versioned<T>) -> Result<()> {
        let id = old.value.doc_id();
        let before = serde_json::to_value(&old.value).ok();
        self.tx.delete(T::COLLECTION, &id, old.version)?;
        self.changes.push(Change {
            collection: T::COLLECTION.to_string(),
            id,
            version: old.version,
            before,
            after: serde_json::Value::Null,
            sha256: None,
        });
        Ok(())
    }

    /// Stores new sales facts (in their segments), each recorded in the audit entry as a
    /// created document; an existing id is [`Error::AlreadyExists`].
    pub fn append_facts(&mut self, facts: &[crate::facts::SalesFact]) -> Result<()> {
        crate::facts::append_facts(self.tx, facts)?;
        for fact in facts {
            let body = document::encode(fact)?;
            self.record(
                crate::facts::SalesFact::COLLECTION,
                fact.id.clone(),
                1,
                None,
                &body,
            )?;
        }
        Ok(())
    }

    /// Adds to a decimal counter atomically (see `Transaction::counter_add`).
    pub fn counter_add(
        &mut self,
        key: &str,
        delta: Decimal,
        ceiling: Option<Decimal>,
    ) -> Result<Decimal> {
        Ok(self.tx.counter_add(key, delta, ceiling)?)
    }

    /// The value of a decimal counter.
    pub fn counter(&mut self, key: &str) -> Result<Decimal> {
        Ok(self.tx.counter_get(key)?)
    }

    fn record(
        &mut self,
        collection: &str,
        id: String,
        version: u64,
        before: Option<serde_json::Value>,
        body: &str,
    ) -> Result<()> {
        let after = serde_json::from_str(body).map_err(|e| StoreError::Corrupt {
            backend: "document",
            message: e.to_string(),
        })?;
        self.changes.push(Change {
            collection: collection.to_string(),
            id,
            version,
            before,
            after,
            sha256: Some(crate::audit::body_hash(body)),
        });
        Ok(())
    }

    /// Sets the document `collection`/`id` to `body` (a document's JSON), or removes it
    /// (`None`), whatever its version, and records the change for the audit: a replica
    /// taking the server's state or undoing its own provisional change (#18). Any
    /// collection: the caller has checked what it writes.
    pub(crate) fn write_raw(
        &mut self,
        collection: &str,
        id: &str,
        body: Option<&str>,
    ) -> Result<()> {
        let current = self.tx.get(collection, id)?;
        let before = match &current {
            Some(record) => Some(
                serde_json::from_str(&record.body)
                    .map_err(|e| document::corrupt(format!("{collection} {id}: {e}")))?,
            ),
            None => None,
        };
        let expected = current
            .as_ref()
            .map_or(Expected::Absent, |r| Expected::Version(r.version));
        match (body, current) {
            (Some(body), _) => {
                let version = self.tx.put(collection, id, body, expected)?;
                self.record(collection, id.to_string(), version, before, body)
            }
            (None, Some(record)) => {
                self.tx.delete(collection, id, record.version)?;
                self.changes.push(Change {
                    collection: collection.to_string(),
                    id: id.to_string(),
                    version: record.version,
                    before,
                    after: serde_json::Value::Null,
                    sha256: None,
                });
                Ok(())
            }
            (None, None) => Ok(()),
        }
    }

    pub(crate) fn into_changes(self) -> Vec<Change> {
        self.changes
    }

    pub(crate) fn tx(&mut self) -> &mut dyn Transaction {
        self.tx
    }
}
