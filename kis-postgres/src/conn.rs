//! A connection with its prepared statements.

use std::collections::HashMap;

use postgres::{Client, Statement};

use crate::errors::map;
use kis_core::store::StoreError;

/// A client and the statements prepared on it (prepared once per connection).
pub(crate) struct PgConn {
    pub(crate) client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl PgConn {
    pub(crate) fn new(client: Client) -> Self {
        PgConn {
            client,
            statements: HashMap::new(),
        }
    }

    /// The prepared statement for `sql`, preparing it on first use.
    pub(crate) fn statement(&mut self, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).map_err(map)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }
}
