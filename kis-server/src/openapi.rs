//! The OpenAPI 3.1 document, generated from kis's one API declaration: one `POST
//! /v1/{entry}` per command and query with its request and output schemas (the same
//! JSON Schemas the bindings are generated from), plus sync, the change feed and the
//! operational routes.

use kis::api::{ENTRIES, Kind};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::problem::{PROBLEM_JSON, ProblemDetails};

fn problem_responses(codes: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    for code in codes {
        out.insert(
            (*code).to_string(),
            json!({ "$ref": format!("#/components/responses/Problem{code}") }),
        );
    }
    out
}

fn problem_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { PROBLEM_JSON: { "schema": { "$ref": "#/components/schemas/ProblemDetails" } } }
    })
}

/// The document, as served at `/openapi.json`.
pub fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .for_deserialize()
        .into_generator();
    let mut paths = Map::new();
    let api_errors = [
        "400", "401", "403", "404", "409", "413", "415", "422", "429", "503",
    ];
    for entry in ENTRIES {
        let doc = entry.doc.trim();
        let summary = doc.lines().next().unwrap_or(entry.name);
        let mut parameters = Vec::new();
        if entry.replayable {
            parameters.push(json!({
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "A retry with the same key and request returns the first result and writes nothing.",
                "schema": { "type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$" }
            }));
        }
        let mut responses = problem_responses(&api_errors);
        responses.insert(
            "200".into(),
            json!({
                "description": "The entry's output.",
                "content": { "application/json": { "schema": entry.output_schema(&mut generator) } }
            }),
        );
        let kind = match entry.kind {
            Kind::Command => "commands",
            Kind::Query => "queries",
        };
        paths.insert(
            format!("/v1/{}", entry.name),
            json!({ "post": {
                "operationId": entry.name,
                "summary": summary,
                "description": doc,
                "tags": [kind],
                "parameters": parameters,
                "requestBody": {
                    "required": true,
                    "content": { "application/json": { "schema": entry.request_schema(&mut generator) } }
                },
                "responses": responses,
            }}),
        );
    }
    let batch = generator.subschema_for::<kis::feed::ChangeBatch>();
    let feed_params = json!([
        { "name": "after", "in": "query", "required": false, "description": "The cursor to resume after (0: from the start).", "schema": { "type": "integer", "minimum": 0 } },
        { "name": "limit", "in": "query", "required": false, "description": "At most this many events (1 to 1000).", "schema": { "type": "integer", "minimum": 1, "maximum": 1000 } },
        { "name": "wait", "in": "query", "required": false, "description": "Seconds to wait for an event when there is none yet (long poll).", "schema": { "type": "integer", "minimum": 0, "maximum": 3600 } }
    ]);
    paths.insert(
        "/v1/changes".into(),
        json!({ "get": {
            "operationId": "changes",
            "summary": "The change feed: what the caller may see, in commit order (long poll with `wait`).",
            "tags": ["feed"],
            "parameters": feed_params,
            "responses": with_ok(problem_responses(&["400", "401", "429", "503"]),
                json!({ "description": "A batch of events and the cursor to resume from.",
                        "content": { "application/json": { "schema": batch } } })),
        }}),
    );
    paths.insert(
        "/v1/changes/stream".into(),
        json!({ "get": {
            "operationId": "changes_stream",
            "summary": "The change feed as server-sent events: `id` is each event's cursor, so `Last-Event-ID` resumes.",
            "tags": ["feed"],
            "parameters": [{ "name": "after", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 0 } }],
            "responses": with_ok(problem_responses(&["400", "401", "429", "503"]),
                json!({ "description": "A stream of `change` events, each a ChangeEvent as JSON.",
                        "content": { "text/event-stream": { "schema": { "type": "string" } } } })),
        }}),
    );
    let bytes =
        json!({ "schema": { "type": "string", "contentMediaType": "application/octet-stream" } });
    paths.insert(
        "/v1/sync/snapshot".into(),
        json!({ "get": {
            "operationId": "sync_snapshot",
            "summary": "A snapshot that seeds the caller's phone replica (kis's sync message bytes).",
            "tags": ["sync"],
            "responses": with_ok(problem_responses(&["401", "403", "429", "503"]),
                json!({ "description": "A Snapshot message.", "content": { "application/octet-stream": bytes } })),
        }}),
    );
    paths.insert(
        "/v1/sync".into(),
        json!({ "post": {
            "operationId": "sync",
            "summary": "Runs a replica's queued commands as the caller and answers with their outcomes and the changes since its cursor.",
            "tags": ["sync"],
            "requestBody": { "required": true, "content": { "application/octet-stream": bytes } },
            "responses": with_ok(problem_responses(&["400", "401", "403", "413", "415", "429", "503"]),
                json!({ "description": "A Reply message.", "content": { "application/octet-stream": bytes } })),
        }}),
    );
    for (path, id, summary) in [
        ("/health", "health", "Whether the process is up."),
        ("/ready", "ready", "Whether the store answers."),
    ] {
        paths.insert(
            path.into(),
            json!({ "get": {
                "operationId": id, "summary": summary, "tags": ["operations"], "security": [],
                "responses": with_ok(problem_responses(&["503"]), json!({
                    "description": "Up.",
                    "content": { "application/json": { "schema": { "type": "object", "properties": { "status": { "type": "string" } }, "required": ["status"] } } }
                })),
            }}),
        );
    }
    paths.insert(
        "/metrics".into(),
        json!({ "get": {
            "operationId": "metrics", "summary": "Prometheus metrics.", "tags": ["operations"], "security": [],
            "responses": { "200": { "description": "The text exposition format.", "content": { "text/plain": { "schema": { "type": "string" } } } } },
        }}),
    );
    let mut schemas = generator.take_definitions(true);
    let problem = schemars::schema_for!(ProblemDetails).to_value();
    schemas.insert("ProblemDetails".into(), strip_meta(problem));
    let mut responses = Map::new();
    for (code, what) in [
        (
            "400",
            "The request is not valid (InvalidInput, PolicyError, CurrencyMismatch).",
        ),
        (
            "401",
            "No credential, or one not accepted (Unauthenticated).",
        ),
        ("403", "The user may not do this (NotAuthorized)."),
        ("404", "No such record or entry (NotFound)."),
        (
            "409",
            "The record's state forbids it (InvalidState, Conflict, AlreadyExists, IdempotencyKeyReused).",
        ),
        ("413", "The body is too large (PayloadTooLarge)."),
        (
            "415",
            "The body is not of the media type the route takes (UnsupportedMediaType).",
        ),
        (
            "422",
            "A limit or budget stops it (LimitExceeded, BudgetExceeded).",
        ),
        (
            "429",
            "Too many requests with this credential (TooManyRequests).",
        ),
        (
            "503",
            "The store is busy or the request took too long (StoreError, Timeout); retry.",
        ),
    ] {
        responses.insert(format!("Problem{code}"), problem_response(what));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "kis",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "kis's sales-management engine over HTTP. Every command and query of the API is `POST /v1/{entry}` with the entry's request as JSON; the acting user is the bearer credential's. Decimals travel as strings, never floats. Errors are RFC 9457 problem+json with kis's error kind.",
            "license": { "name": "Apache-2.0", "identifier": "Apache-2.0" }
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": responses,
            "securitySchemes": { "bearer": {
                "type": "http", "scheme": "bearer",
                "description": "A kis API token (`kis_...`, issued by an admin), or an identity provider's JWT when the server is configured for one."
            } }
        }
    })
}

fn with_ok(mut responses: Map<String, Value>, ok: Value) -> Map<String, Value> {
    responses.insert("200".into(), ok);
    responses
}

fn strip_meta(mut schema: Value) -> Value {
    if let Some(map) = schema.as_object_mut() {
        map.remove("$schema");
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every entry is a path, and every `$ref` points at a schema the document holds.
    #[test]
    fn every_entry_is_a_path_and_every_ref_resolves() {
        let doc = document();
        for e in ENTRIES {
            assert!(
                doc["paths"][format!("/v1/{}", e.name)]["post"].is_object(),
                "{}",
                e.name
            );
        }
        let text = doc.to_string();
        for piece in text.split("\"$ref\":\"").skip(1) {
            let target = &piece[..piece.find('"').unwrap()];
            let pointer = target.trim_start_matches('#');
            assert!(doc.pointer(pointer).is_some(), "dangling {target}");
        }
    }
}
