//! Sales made elsewhere, as sales facts (P5.3a, P9): validated like a delivery in kis
//! (customer, product and reps known, shares summing to 100, the price system's
//! currency), stored in the same segments, each fact listed in the batch's audit entry.
//! A sale's key is its date, order and line; a sale kis already holds as the row says
//! is left alone, one it holds otherwise is refused (a recorded sale is never rewritten).

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use super::outcome::{Outcome, TableCounts};
use super::rows::SaleRow;
use crate::engine::CommandContext;
use crate::error::{Error, Result};
use crate::facts::{SalesFact, scan_facts};
use crate::ids::UserId;
use crate::org::{Role, User, require_role};
use crate::sales::{Customer, Product, check_credits};

/// What the rows refer to, read once per batch however many rows name it.
#[derive(Default)]
struct Known {
    customers: HashMap<String, Option<Customer>>,
    products: HashMap<String, Option<Product>>,
    reps: HashMap<UserId, bool>,
}

impl Known {
    fn customer(&mut self, ctx: &mut CommandContext<'_>, id: &str) -> Result<Customer> {
        if !self.customers.contains_key(id) {
            let found = ctx.get::<Customer>(id)?.map(|c| c.value);
            self.customers.insert(id.to_string(), found);
        }
        self.customers
            .get(id)
            .and_then(Option::clone)
            .ok_or_else(|| Error::NotFound {
                kind: "customer",
                id: id.to_string(),
            })
    }

    fn product(&mut self, ctx: &mut CommandContext<'_>, id: &str) -> Result<Product> {
        if !self.products.contains_key(id) {
            let found = ctx.get::<Product>(id)?.map(|p| p.value);
            self.products.insert(id.to_string(), found);
        }
        self.products
            .get(id)
            .and_then(Option::clone)
            .ok_or_else(|| Error::NotFound {
                kind: "product",
                id: id.to_string(),
            })
    }

    /// Whether `id` is a rep (a former rep, deactivated, keeps their history).
    fn is_rep(&mut self, ctx: &mut CommandContext<'_>, id: &UserId) -> Result<bool> {
        if let Some(known) = self.reps.get(id) {
            return Ok(*known);
        }
        let rep = ctx
            .get::<User>(id.as_str())?
            .is_some_and(|u| u.value.role == Role::Rep);
        self.reps.insert(id.clone(), rep);
        Ok(rep)
    }
}

/// The sales fact a row describes, checked against what kis knows.
fn fact_of(ctx: &mut CommandContext<'_>, known: &mut Known, row: &SaleRow) -> Result<SalesFact> {
    crate::input::id("order", &row.order)?;
    if row.line == 0 {
        return Err(Error::invalid("line", "lines are numbered from 1"));
    }
    crate::input::date("date", row.date)?;
    crate::input::quantity("quantity", row.quantity)?;
    crate::input::non_negative("amount", row.amount)?;
    if let Some(cost) = row.cost {
        crate::input::non_negative("cost", cost)?;
    }
    let currency = ctx.policy().general().currency;
    if row.currency != currency {
        return Err(Error::invalid(
            "currency",
            format!(
                "is {}; sales are kept in the price system's currency, {currency}: convert \
                 them before importing",
                row.currency
            ),
        ));
    }
    let customer = known.customer(ctx, &row.customer)?;
    let product = known.product(ctx, &row.product)?;
    if let Some(category) = &row.category
        && *category != product.category
    {
        return Err(Error::invalid(
            "category",
            format!(
                "is {category:?}, but product {} is in {:?}; import the product with its \
                 category first",
                product.id, product.category
            ),
        ));
    }
    if let Some(region) = &row.region
        && Some(region) != customer.region.as_ref()
    {
        return Err(Error::invalid(
            "region",
            format!(
                "is {region:?}, but customer {} is in {:?}; import the customer with its \
                 region first",
                customer.id, customer.region
            ),
        ));
    }
    check_credits("credits", &row.credits, |rep| known.is_rep(ctx, rep))?;
    let cost = match row.cost {
        Some(cost) => cost,
        None => ctx.policy().rounding().round_decimal(crate::checked::mul(
            "cost",
            product.cost.amount,
            row.quantity,
        )?),
    };
    let line = usize::try_from(row.line).map_err(|_| Error::invalid("line", "too large"))?;
    Ok(SalesFact {
        id: SalesFact::make_id(row.date, &row.order, line),
        date: row.date,
        order: row.order.clone(),
        // Made outside kis: there is no kis contract behind it.
        contract: String::new(),
        customer: customer.id,
        product: product.id,
        quantity: row.quantity,
        amount: row.amount,
        cost,
        currency,
        credits: row.credits.clone(),
    })
}

/// Imports the sales rows: every row checked (a refused one goes to `refuse`, which
/// stops the batch or notes it and goes on), then the new facts appended in one write.
pub(super) fn apply_sales(
    ctx: &mut CommandContext<'_>,
    rows: &[SaleRow],
    counts: &mut TableCounts,
    refuse: &mut dyn FnMut(Error) -> Result<()>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    if let Err(e) = require_role(
        ctx.actor()?,
        &[Role::Director, Role::Admin],
        "record sales made outside kis (P5.3a)",
    ) {
        return refuse(Error::import_row("sales", 0, rows_key(rows), e));
    }
    let mut known = Known::default();
    let mut facts: Vec<(usize, SalesFact)> = Vec::with_capacity(rows.len());
    let mut first_row: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let checked = fact_of(ctx, &mut known, row).and_then(|fact| {
            match first_row.insert(fact.id.clone(), i) {
                Some(earlier) => Err(Error::invalid(
                    "line",
                    format!("the batch holds this sale already, at row {earlier}"),
                )),
                None => Ok(fact),
            }
        });
        match checked {
            Ok(fact) => facts.push((i, fact)),
            // The store's own failures are not the row's: the engine retries them.
            Err(e @ Error::Store(_)) => return Err(e),
            Err(e) => refuse(Error::import_row("sales", i, row.key(), e))?,
        }
    }
    let stored = stored_facts(ctx, &facts)?;
    let mut new = Vec::with_capacity(facts.len());
    for (i, fact) in facts {
        match stored.get(&fact.id) {
            Some(old) if *old == fact => counts.add(Outcome::Unchanged),
            Some(old) => {
                let row = rows.get(i).map(SaleRow::key).unwrap_or_default();
                refuse(Error::import_row(
                    "sales",
                    i,
                    row,
                    Error::InvalidState {
                        kind: "sales fact",
                        id: fact.id.clone(),
                        reason: format!(
                            "is recorded already with amount {} and quantity {}; a recorded \
                             sale is never rewritten (record a return or correction as a \
                             sale of its own)",
                            old.amount, old.quantity
                        ),
                    },
                ))?;
            }
            None => {
                counts.add(Outcome::Created);
                new.push(fact);
            }
        }
    }
    ctx.append_facts(&new)
}

fn rows_key(rows: &[SaleRow]) -> String {
    rows.first().map(SaleRow::key).unwrap_or_default()
}

/// The stored facts with the ids of `facts`, read over the days they span.
fn stored_facts(
    ctx: &mut CommandContext<'_>,
    facts: &[(usize, SalesFact)],
) -> Result<HashMap<String, SalesFact>> {
    let mut found = HashMap::new();
    let (Some(from), Some(to)) = (
        facts.iter().map(|(_, f)| f.date).min(),
        facts.iter().map(|(_, f)| f.date).max(),
    ) else {
        return Ok(found);
    };
    let wanted: HashSet<&str> = facts.iter().map(|(_, f)| f.id.as_str()).collect();
    scan_facts(ctx.tx(), from, to, |fact| {
        if wanted.contains(fact.id.as_str()) {
            found.insert(fact.id.clone(), fact);
        }
        ControlFlow::Continue(())
    })?;
    Ok(found)
}
