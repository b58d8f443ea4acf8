//! Typed documents over the store's JSON records.

use std::ops::ControlFlow;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::store::{Record, StoreError, Transaction};

/// A kind of record the engine stores: its collection and how it is identified.
pub trait Document: Serialize + DeserializeOwned {
    /// The store collection (`users`, `teams`...).
    const COLLECTION: &'static str;
    /// The name used in errors (`user`, `team`...).
    const KIND: &'static str;
    /// The document's id.
    fn doc_id(&self) -> String;
}

/// A document with the version it was read at.
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned<T> {
    /// Store version (for optimistic concurrency).
    pub version: u64,
    /// The document.
    pub value: T,
}

/// Decodes a stored record as `T`.
pub fn decode<T: Document>(record: Record) -> Result<Versioned<T>> {
    let value = serde_json::from_str(&record.body)
        .map_err(|e| corrupt(format!("{} {:?}: {e}", T::KIND, record.id)))?;
    Ok(Versioned {
        version: record.version,
        value,
    })
}

/// The error of a stored document that does not decode.
pub fn corrupt(message: String) -> Error {
    Error::Store(StoreError::Corrupt {
        backend: "document",
        message,
    })
}

/// Decodes part of a stored document (a reader that needs a few fields borrows them from
/// the text instead of building the whole document).
pub fn decode_part<'a, T: serde::Deserialize<'a>>(kind: &str, body: &'a str) -> Result<T> {
    serde_json::from_str(body).map_err(|e| corrupt(format!("{kind}: {e}")))
}

/// Deserialises a list that a document always has at least one of (a quote's
/// revisions, a contract's terms, a budget's versions): a stored document with none is
/// refused as corrupt when read, so that the accessors of the last one never fail.
pub fn non_empty<'de, D, T>(deserializer: D) -> std::result::Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    let items = <Vec<T> as serde::Deserialize>::deserialize(deserializer)?;
    if items.is_empty() {
        return Err(serde::de::Error::custom("the list must not be empty"));
    }
    Ok(items)
}

/// Encodes a document as JSON.
pub fn encode<T: Document>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| corrupt(format!("cannot encode {}: {e}", T::KIND)))
}

/// Reads a document, if it exists.
pub fn get<T: Document>(tx: &mut dyn Transaction, id: &str) -> Result<Option<Versioned<T>>> {
    tx.get(T::COLLECTION, id)?.map(decode).transpose()
}

/// Reads a document that must exist.
pub fn load<T: Document>(tx: &mut dyn Transaction, id: &str) -> Result<Versioned<T>> {
    get(tx, id)?.ok_or_else(|| Error::NotFound {
        kind: T::KIND,
        id: id.to_string(),
    })
}

/// Visits the documents whose id starts with `prefix`, in id order.
pub fn scan<T: Document>(
    tx: &mut dyn Transaction,
    prefix: &str,
    mut visit: impl FnMut(Versioned<T>) -> ControlFlow<()>,
) -> Result<()> {
    let mut failure = None;
    tx.scan(T::COLLECTION, prefix, &mut |record| match decode(record) {
        Ok(doc) => visit(doc),
        Err(e) => {
            failure = Some(e);
            ControlFlow::Break(())
        }
    })?;
    failure.map_or(Ok(()), Err)
}

/// Every document of the collection, in id order.
pub fn all<T: Document>(tx: &mut dyn Transaction) -> Result<Vec<T>> {
    let mut out = Vec::new();
    scan::<T>(tx, "", |d| {
        out.push(d.value);
        ControlFlow::Continue(())
    })?;
    Ok(out)
}
