//! kis's API, declared once ([`for_each_entry!`](crate::for_each_entry)): every command
//! and query with its request type, its output type and its doc. From the declaration
//! come the entry table ([`ENTRIES`]), the JSON wire ([`Engine::call`](crate::Engine::call)),
//! the schema of every request and output ([`schema`]), and, in their crates, each
//! binding's methods and the server's routes.

mod declaration;
mod problem;
pub mod query;
mod wire;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;

pub use problem::Problem;
pub use query::Query;
pub use wire::{MAX_REQUEST_BYTES, decode};

/// Whether an entry changes state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Changes state: authorised, audited, optionally idempotent.
    Command,
    /// Reads: authorised, writes nothing.
    Query,
}

/// One entry of the API.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The entry's name: the method name in every binding, the route on the server.
    pub name: &'static str,
    /// Command or query.
    pub kind: Kind,
    /// What the call does and who may make it.
    pub doc: &'static str,
    /// The name the audit trail records for a command (`Command::NAME`).
    pub audit_name: Option<&'static str>,
    /// Whether a call may carry an idempotency key (a command whose output is not a
    /// secret shown once; never a query).
    pub replayable: bool,
    request: fn(&mut SchemaGenerator) -> Schema,
    output: fn(&mut SchemaGenerator) -> Schema,
}

impl Entry {
    /// The schema of the entry's request (a `$ref` into `generator`'s definitions).
    pub fn request_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        (self.request)(generator)
    }

    /// The schema of the entry's output.
    pub fn output_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        (self.output)(generator)
    }
}

fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

macro_rules! table {
    (() $( $(#[doc = $doc:literal])* $kind:ident $name:ident ($req:ty) -> $out:ty; )*) => {
        /// Every entry of the API, in declaration order.
        pub static ENTRIES: &[Entry] = &[ $( Entry {
            name: stringify!($name),
            kind: table!(@kind $kind),
            doc: concat!($($doc),*),
            audit_name: table!(@audit $kind $req),
            replayable: table!(@replayable $kind $req),
            request: schema_of::<$req>,
            output: schema_of::<$out>,
        }, )* ];
    };
    (@kind command) => { Kind::Command };
    (@kind query) => { Kind::Query };
    (@audit command $req:ty) => { Some(<$req as crate::engine::Command>::NAME) };
    (@audit query $req:ty) => { None };
    (@replayable command $req:ty) => { <$req as crate::engine::Command>::REPLAYABLE };
    (@replayable query $req:ty) => { false };
}
crate::for_each_entry!(table);

/// The entry named `name`.
pub fn entry(name: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.name == name)
}

/// The whole API as one JSON Schema (2020-12) document: `entries` lists each entry with
/// its kind, doc and the `$ref`s of its request and output; `$defs` holds every type.
/// OpenAPI 3.1 takes these schemas as they are.
pub fn schema() -> serde_json::Value {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator();
    let entries: Vec<serde_json::Value> = ENTRIES
        .iter()
        .map(|e| {
            serde_json::json!({
                "name": e.name,
                "kind": e.kind,
                "doc": e.doc.trim(),
                "request": e.request_schema(&mut generator),
                "output": e.output_schema(&mut generator),
            })
        })
        .collect();
    // Records the bindings return outside the entries (an anchor stays with the host).
    let records = serde_json::json!({
        "AuditAnchor": generator.subschema_for::<crate::audit::AuditAnchor>(),
        "Problem": generator.subschema_for::<Problem>(),
    });
    // The record type of each collection the change feed carries: an event's `state` is
    // the JSON of its collection's type.
    let mut collections = serde_json::Map::new();
    macro_rules! fed_schemas {
        ($($t:ty),*) => { $(
            collections.insert(
                <$t as crate::document::Document>::COLLECTION.to_string(),
                generator.subschema_for::<$t>().to_value(),
            );
        )* };
    }
    crate::feed::for_each_fed!(fed_schemas);
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kis API",
        "entries": entries,
        "records": records,
        "collections": collections,
        "$defs": generator.take_definitions(true),
    })
}
