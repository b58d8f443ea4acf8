//! Reading the sales documents, each user seeing what their role allows (P2): a rep their
//! own, a manager their team's, the director and the back office everything.

use std::ops::ControlFlow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Contract, Customer, Order, OrderStatus, PriceException, Product, Quote, SalesFact};
use crate::document::{self, Document};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::org::{Actor, Owned, Role, may_read, may_see};

/// A fulfilment step that is late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LateStep {
    /// The order.
    pub order: String,
    /// The customer.
    pub customer: String,
    /// The owning rep.
    pub owner: UserId,
    /// The step.
    pub step: String,
    /// When it was due.
    pub due: NaiveDate,
    /// Days past due.
    pub days_late: i64,
}

fn visible<T: Document + Owned>(engine: &Engine, actor: &Actor, id: &str) -> Result<T> {
    let viewer = engine.acting_user(actor)?;
    engine.read(|tx| {
        let doc = document::load::<T>(tx, id)?.value;
        if !may_read(tx, &viewer, &doc.whose())? {
            return Err(Error::not_authorized(
                &viewer.id,
                format!("read {} {id}", T::KIND),
                "it belongs to another team (P2)",
            ));
        }
        Ok(doc)
    })
}

/// Every document of `T` that `actor` may read (P2), in id order.
fn readable<T: Document + Owned>(engine: &Engine, actor: &Actor) -> Result<Vec<T>> {
    let viewer = engine.acting_user(actor)?;
    engine.read(|tx| {
        let mut out = Vec::new();
        for doc in document::all::<T>(tx)? {
            if may_read(tx, &viewer, &doc.whose())? {
                out.push(doc);
            }
        }
        Ok(out)
    })
}

impl Engine {
    /// A product of the price system (every active user may read it, P4.1a).
    pub fn product(&self, actor: &Actor, id: &str) -> Result<Product> {
        self.acting_user(actor)?;
        self.read(|tx| Ok(document::load::<Product>(tx, id)?.value))
    }

    /// The price `customer` gets today for `quantity` units of `product`, with the trace
    /// of every rule considered (what a rep's phone shows). The actor must be allowed to
    /// see the customer (P2).
    pub fn price_for(
        &self,
        actor: &Actor,
        customer: &str,
        product: &str,
        quantity: rust_decimal::Decimal,
    ) -> Result<crate::pricing::PricedLine> {
        let viewer = self.acting_user(actor)?;
        if quantity <= rust_decimal::Decimal::ZERO {
            return Err(Error::invalid(
                "quantity",
                format!("{quantity} must be positive"),
            ));
        }
        let policy = self.policy();
        let today = self.today();
        self.read(|tx| {
            let customer = document::load::<Customer>(tx, customer)?.value;
            if !may_see(tx, &viewer, &customer.owner)? {
                return Err(Error::not_authorized(
                    &viewer.id,
                    format!("price for customer {}", customer.id),
                    "the customer belongs to another team (P2)",
                ));
            }
            let product = document::load::<Product>(tx, product)?.value;
            let who = super::PricingFor {
                customer: &customer.id,
                group: &customer.group,
                date: today,
            };
            super::engine_price(&policy.price_book(), &product, quantity, who, true)
        })
    }

    /// The whole price system, in id order.
    pub fn products(&self, actor: &Actor) -> Result<Vec<Product>> {
        self.acting_user(actor)?;
        self.read(|tx| document::all::<Product>(tx))
    }

    /// The customers the actor may see (P2): a rep their own, a manager their team's.
    pub fn customers(&self, actor: &Actor) -> Result<Vec<Customer>> {
        let viewer = self.acting_user(actor)?;
        self.read(|tx| {
            let mut out = Vec::new();
            for c in document::all::<Customer>(tx)? {
                if may_see(tx, &viewer, &c.owner)? {
                    out.push(c);
                }
            }
            Ok(out)
        })
    }

    /// A quote (its owner, their manager, the director and back office may read it).
    pub fn quote(&self, actor: &Actor, id: &str) -> Result<Quote> {
        visible(self, actor, id)
    }

    /// The quotes the actor may read (P2): a rep's own, a manager's team's, every quote
    /// for the director, finance and admins; in id order.
    pub fn quotes(&self, actor: &Actor) -> Result<Vec<Quote>> {
        readable(self, actor)
    }

    /// A price exception.
    pub fn price_exception(&self, actor: &Actor, id: &str) -> Result<PriceException> {
        visible(self, actor, id)
    }

    /// A contract.
    pub fn contract(&self, actor: &Actor, id: &str) -> Result<Contract> {
        visible(self, actor, id)
    }

    /// An order.
    pub fn order(&self, actor: &Actor, id: &str) -> Result<Order> {
        visible(self, actor, id)
    }

    /// The late fulfilment steps of the open orders the actor may see, latest first.
    pub fn late_steps(&self, actor: &Actor) -> Result<Vec<LateStep>> {
        let viewer = self.acting_user(actor)?;
        let today = self.today();
        self.read(|tx| {
            let mut orders = Vec::new();
            document::scan::<Order>(tx, "", |o| {
                if o.value.status == OrderStatus::Open {
                    orders.push(o.value);
                }
                ControlFlow::Continue(())
            })?;
            let mut late = Vec::new();
            for order in orders {
                if !may_see(tx, &viewer, &order.owner)? {
                    continue;
                }
                for (step, days_late) in order.late_steps(today) {
                    late.push(LateStep {
                        order: order.id.clone(),
                        customer: order.customer.clone(),
                        owner: order.owner.clone(),
                        step: step.name.clone(),
                        due: step.due,
                        days_late,
                    });
                }
            }
            late.sort_by(|a, b| {
                b.days_late
                    .cmp(&a.days_late)
                    .then_with(|| a.order.cmp(&b.order))
            });
            Ok(late)
        })
    }

    /// Visits the sales facts dated `from..=to`, in date order, streaming from the store.
    /// Reading every rep's sales is for the director, finance and admin; a rep or a
    /// manager reads their scorecards instead.
    pub fn scan_sales_facts(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        visit: impl FnMut(SalesFact) -> ControlFlow<()>,
    ) -> Result<()> {
        let viewer = self.acting_user(actor)?;
        crate::org::require_role(
            &viewer,
            &[Role::Director, Role::Finance, Role::Admin],
            "read every rep's sales facts",
        )?;
        self.read(|tx| crate::facts::scan_facts(tx, from, to, visit))
    }
}
