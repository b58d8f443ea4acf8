//! Importing what a company already keeps elsewhere (#22): its organisation (P2.1),
//! price system (P4.1a), customers (P8.1), targets (P2.2) and the sales its ERP
//! recorded (P5.3a), through the engine: each row authorised and validated as the
//! command that keeps it would be, the batch audited as one entry.
//!
//! - **All or nothing per batch.** A batch is one command in one transaction: a refused
//!   row ([`Error::ImportRow`], naming the table, the row and its key, with the row's own
//!   error inside) rolls the whole batch back. [`Engine::check_import`] reports every
//!   refused row of a batch instead, writing nothing.
//! - **Idempotent per row key.** A row whose record kis already holds as the row says is
//!   counted `unchanged` and writes nothing, so importing a file again is harmless; a row
//!   that differs updates the record where kis has an update for it (users, teams,
//!   products, customers, targets). A recorded sale is never rewritten.
//! - **Order within a batch**: users without a team (managers, directors), teams, users
//!   with a team, products, customers, targets, sales; so one batch can hold a whole
//!   organisation and its history.
//!
//! Tables (CSV, Arrow, Parquet) become batches in `columnar::import`.

mod catalogue;
mod org;
mod outcome;
mod rows;
mod sales;

use serde::{Deserialize, Serialize};

pub use outcome::{ImportSummary, TableCounts};
pub use rows::{CustomerRow, SaleRow, TargetRow, TeamRow, UserRow};

use crate::engine::{Command, CommandContext, Engine};
use crate::error::{Error, Result};
use crate::org::Actor;
use crate::sales::Product;
use outcome::Outcome;

/// Records to import, by table. Every table may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImportBatch {
    /// Users (P2.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserRow>,
    /// Teams (P2.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<TeamRow>,
    /// Products with list price and cost (P4.1a).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<Product>,
    /// Customers with contacts (P8.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customers: Vec<CustomerRow>,
    /// Reps' annual targets (P2.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<TargetRow>,
    /// Sales delivered and recorded elsewhere (P5.3a).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sales: Vec<SaleRow>,
}

impl ImportBatch {
    /// The number of rows of every table.
    pub fn len(&self) -> usize {
        [
            self.users.len(),
            self.teams.len(),
            self.products.len(),
            self.customers.len(),
            self.targets.len(),
            self.sales.len(),
        ]
        .iter()
        .fold(0usize, |a, n| a.saturating_add(*n))
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// This batch cut into batches of at most `sales_per_batch` sales (at least one),
    /// every other table's rows in the first: the few rows a sale refers to come before
    /// the many sales. Each comes with the index of its first sale in this batch.
    pub fn in_batches(mut self, sales_per_batch: usize) -> Vec<(usize, ImportBatch)> {
        let size = sales_per_batch.max(1);
        let sales = std::mem::take(&mut self.sales);
        let mut out = vec![(0, self)];
        let mut rest = sales.into_iter().peekable();
        let mut first = 0usize;
        while rest.peek().is_some() {
            let part: Vec<SaleRow> = rest.by_ref().take(size).collect();
            let n = part.len();
            match out.last_mut() {
                Some((_, last)) if last.sales.is_empty() && first == 0 => last.sales = part,
                _ => out.push((
                    first,
                    ImportBatch {
                        sales: part,
                        ..ImportBatch::default()
                    },
                )),
            }
            first = first.saturating_add(n);
        }
        out
    }

    /// Applies every row in dependency order. A refused row goes to `refuse`: returning
    /// its error stops the batch (an import), returning `Ok` goes on to the next row (a
    /// check that lists them all).
    fn apply(
        &self,
        ctx: &mut CommandContext<'_>,
        refuse: &mut dyn FnMut(Error) -> Result<()>,
    ) -> Result<ImportSummary> {
        let mut summary = ImportSummary::default();
        let leaders = self
            .users
            .iter()
            .enumerate()
            .filter(|(_, u)| u.team.is_none());
        let members = self
            .users
            .iter()
            .enumerate()
            .filter(|(_, u)| u.team.is_some());
        let user_key = |u: &UserRow| u.id.to_string();
        let mut s = Table {
            summary: &mut summary,
            ctx,
            refuse,
        };
        s.rows("users", leaders, user_key, UserRow::apply)?;
        let teams = self.teams.iter().enumerate();
        s.rows("teams", teams, |t| t.id.to_string(), TeamRow::apply)?;
        s.rows("users", members, user_key, UserRow::apply)?;
        let products = self.products.iter().enumerate();
        s.rows(
            "products",
            products,
            |p| p.id.clone(),
            |p, ctx| catalogue::apply_product(ctx, p),
        )?;
        let customers = self.customers.iter().enumerate();
        s.rows("customers", customers, |c| c.id.clone(), CustomerRow::apply)?;
        let targets = self.targets.iter().enumerate();
        s.rows(
            "targets",
            targets,
            |t| format!("{}:{}", t.year, t.rep),
            TargetRow::apply,
        )?;
        if !self.sales.is_empty() {
            let mut counts = TableCounts::new("sales");
            sales::apply_sales(s.ctx, &self.sales, &mut counts, s.refuse)?;
            summary.tables.push(counts);
        }
        Ok(summary)
    }
}

/// The rows of one table applied in turn, counted into the summary.
struct Table<'s, 'c, 'x> {
    summary: &'s mut ImportSummary,
    ctx: &'s mut CommandContext<'c>,
    refuse: &'x mut dyn FnMut(Error) -> Result<()>,
}

impl Table<'_, '_, '_> {
    fn rows<'r, T: 'r>(
        &mut self,
        name: &'static str,
        rows: impl Iterator<Item = (usize, &'r T)>,
        key: impl Fn(&T) -> String,
        apply: impl Fn(&T, &mut CommandContext<'_>) -> Result<Outcome>,
    ) -> Result<()> {
        let mut rows = rows.peekable();
        if rows.peek().is_none() {
            return Ok(());
        }
        // Users come in two passes (leaders, then members): one entry for both.
        let at = match self.summary.tables.iter().position(|t| t.table == name) {
            Some(at) => at,
            None => {
                self.summary.tables.push(TableCounts::new(name));
                self.summary.tables.len().saturating_sub(1)
            }
        };
        for (i, row) in rows {
            match apply(row, self.ctx) {
                Ok(outcome) => {
                    if let Some(counts) = self.summary.tables.get_mut(at) {
                        counts.add(outcome);
                    }
                }
                // The store's own failures are not the row's: the engine retries them.
                Err(e @ Error::Store(_)) => return Err(e),
                Err(e) => (self.refuse)(Error::import_row(name, i, key(row), e))?,
            }
        }
        Ok(())
    }
}

impl Command for ImportBatch {
    type Output = ImportSummary;
    const NAME: &'static str = "import.batch";

    /// Each row is authorised as the command that keeps its record (P2), in order, so
    /// that a row may rely on the rows before it.
    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        ctx.actor().map(|_| ())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<ImportSummary> {
        self.apply(ctx, &mut Err)
    }
}

impl Engine {
    /// Every row of `batch` that an import by `actor` would refuse, each an
    /// [`Error::ImportRow`], in the order the rows are applied; nothing is written. An
    /// empty list means the import would succeed, as the store is now.
    pub fn check_import(&self, actor: &Actor, batch: &ImportBatch) -> Result<Vec<Error>> {
        let mut problems = Vec::new();
        self.rehearse(actor, |ctx| {
            batch.apply(ctx, &mut |e| {
                problems.push(e);
                Ok(())
            })
        })?;
        Ok(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sale(order: &str) -> SaleRow {
        SaleRow {
            order: order.into(),
            line: 1,
            date: chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap_or_default(),
            customer: "C".into(),
            product: "P".into(),
            quantity: rust_decimal::Decimal::ONE,
            amount: rust_decimal::Decimal::ONE,
            cost: None,
            currency: crate::money::Currency::new("CNY").unwrap(),
            credits: Vec::new(),
            category: None,
            region: None,
        }
    }

    #[test]
    fn batches_put_the_small_tables_first() {
        let batch = ImportBatch {
            teams: vec![TeamRow {
                id: "east".into(),
                name: "East".into(),
                manager: "m".into(),
                director: None,
            }],
            sales: (0..5).map(|i| sale(&format!("O{i}"))).collect(),
            ..ImportBatch::default()
        };
        let parts = batch.in_batches(2);
        let shape: Vec<(usize, usize, usize)> = parts
            .iter()
            .map(|(first, b)| (*first, b.teams.len(), b.sales.len()))
            .collect();
        assert_eq!(shape, [(0, 1, 2), (2, 0, 2), (4, 0, 1)]);
        assert_eq!(ImportBatch::default().in_batches(10).len(), 1);
    }
}
