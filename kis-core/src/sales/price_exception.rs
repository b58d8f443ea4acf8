//! Price exceptions (P4.1c): a rep's application for a special price for one customer
//! and product, approved by the team's manager and then the director.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::catalogue::{Customer, Product};
use crate::approval::{Approval, ApprovalStatus, DocKind, Facts, Reviewable};
use crate::document::Document;
use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::ids::{UserId, validate_id};
use crate::org::{Role, require_role};

/// Where a price exception stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionStatus {
    /// Being written, or back from review.
    Draft,
    /// Under review.
    Submitted,
    /// Approved: the price applies within its limits.
    Approved,
}

/// An application for a special price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PriceException {
    /// Unique id.
    pub id: String,
    /// The customer.
    pub customer: String,
    /// The customer's group (for conditions).
    pub customer_group: String,
    /// The product.
    pub product: String,
    /// The special unit price asked for.
    pub price: Decimal,
    /// The engine price when applied for.
    pub engine_price: Decimal,
    /// The most units it covers.
    pub max_quantity: Decimal,
    /// First day it applies.
    pub valid_from: NaiveDate,
    /// Last day it applies.
    pub valid_to: NaiveDate,
    /// Why the customer or order is special.
    pub reason: String,
    /// The applying rep.
    pub owner: UserId,
    /// Where it stands.
    pub status: ExceptionStatus,
    /// The review.
    pub approval: Option<Approval>,
    /// When it was filed.
    pub created_at: DateTime<Utc>,
}

impl Document for PriceException {
    const COLLECTION: &'static str = "price_exceptions";
    const KIND: &'static str = "price exception";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

impl Reviewable for PriceException {
    const DOC_KIND: DocKind = DocKind::PriceException;

    crate::approval::review_fields!(approval, owner);
    fn facts(&self) -> Facts {
        let discount = if self.engine_price.is_zero() {
            Decimal::ZERO
        } else {
            // 0 <= price < engine price (checked when filed): a share of 100 at most.
            let off = self.engine_price.saturating_sub(self.price);
            off.checked_div(self.engine_price)
                .unwrap_or_default()
                .saturating_mul(Decimal::ONE_HUNDRED)
                .round_dp(2)
        };
        Facts {
            // Checked to fit when the exception was filed.
            total: Some(self.price.saturating_mul(self.max_quantity)),
            max_discount_pct: Some(discount),
            customer_group: Some(self.customer_group.clone()),
        }
    }
    fn check_submittable(&self) -> std::result::Result<(), String> {
        match self.status {
            ExceptionStatus::Draft => Ok(()),
            ExceptionStatus::Submitted | ExceptionStatus::Approved => {
                Err("it was already submitted".into())
            }
        }
    }
    fn on_outcome(&mut self, outcome: ApprovalStatus) {
        self.status = match outcome {
            ApprovalStatus::Pending => ExceptionStatus::Submitted,
            ApprovalStatus::Approved => ExceptionStatus::Approved,
            _ => ExceptionStatus::Draft,
        };
    }
    fn summary(&self) -> String {
        format!(
            "special price {} (engine {}) for {} x {} to {}",
            self.price, self.engine_price, self.max_quantity, self.product, self.customer
        )
    }
}

impl PriceException {
    /// Why this exception does not cover a line of `quantity` at `unit_price` for
    /// `customer` and `product` on `day`, or `None` if it does.
    pub fn refusal(
        &self,
        customer: &str,
        product: &str,
        quantity: Decimal,
        unit_price: Decimal,
        day: NaiveDate,
    ) -> Option<String> {
        if !(self.status == ExceptionStatus::Approved
            && self
                .approval
                .as_ref()
                .is_some_and(Approval::is_fully_approved))
        {
            return Some(format!(
                "price exception {} is not approved (P4.1c)",
                self.id
            ));
        }
        if self.customer != customer || self.product != product {
            return Some(format!(
                "price exception {} is for {} / {}, not {customer} / {product}",
                self.id, self.customer, self.product
            ));
        }
        if unit_price < self.price {
            return Some(format!(
                "price {unit_price} is below the approved {}",
                self.price
            ));
        }
        if quantity > self.max_quantity {
            return Some(format!(
                "quantity {quantity} is over the approved cap {}",
                self.max_quantity
            ));
        }
        if day < self.valid_from || day > self.valid_to {
            return Some(format!(
                "price exception {} is valid {}..{}, not on {day}",
                self.id, self.valid_from, self.valid_to
            ));
        }
        None
    }
}

/// A rep files a price exception (then submits it for review).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FilePriceException {
    /// Unique id.
    pub id: String,
    /// The customer.
    pub customer: String,
    /// The product.
    pub product: String,
    /// The special unit price.
    pub price: Decimal,
    /// The most units it covers.
    pub max_quantity: Decimal,
    /// First day.
    pub valid_from: NaiveDate,
    /// Last day.
    pub valid_to: NaiveDate,
    /// Why.
    pub reason: String,
}

impl Command for FilePriceException {
    type Output = PriceException;
    const NAME: &'static str = "pricing.file_price_exception";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        require_role(ctx.actor()?, &[Role::Rep], "apply for a special price")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<PriceException> {
        validate_id("id", &self.id)?;
        let owner = ctx.actor()?.id.clone();
        let customer = ctx
            .get::<Customer>(&self.customer)?
            .ok_or_else(|| {
                Error::invalid("customer", format!("{:?} does not exist", self.customer))
            })?
            .value;
        if customer.owner != owner {
            return Err(Error::not_authorized(
                &owner,
                "apply for a special price",
                format!("customer {} belongs to {}", customer.id, customer.owner),
            ));
        }
        let product = ctx
            .get::<Product>(&self.product)?
            .ok_or_else(|| {
                Error::invalid(
                    "product",
                    format!("{:?} is not in the catalogue", self.product),
                )
            })?
            .value;
        let who = super::lines::PricingFor {
            customer: &customer.id,
            group: &customer.group,
            date: ctx.today(),
        };
        let engine_price = super::lines::engine_price(
            &ctx.policy().price_book(),
            &product,
            self.max_quantity.max(Decimal::ONE),
            who,
            false,
        )?
        .unit_price;
        if self.price < Decimal::ZERO || self.price >= engine_price {
            return Err(Error::invalid(
                "price",
                format!(
                    "{} must be below the engine price {engine_price} and not negative",
                    self.price
                ),
            ));
        }
        if self.max_quantity <= Decimal::ZERO {
            return Err(Error::invalid("max_quantity", "must be positive"));
        }
        if let Err(e) = crate::checked::mul("max_quantity", self.price, self.max_quantity) {
            return Err(e.into());
        }
        if self.valid_to < self.valid_from {
            return Err(Error::invalid(
                "valid_to",
                format!("{} is before {}", self.valid_to, self.valid_from),
            ));
        }
        if self.reason.trim().is_empty() {
            return Err(Error::invalid(
                "reason",
                "say why this customer or order is special (P4.1c)",
            ));
        }
        let exception = PriceException {
            id: self.id.clone(),
            customer: customer.id,
            customer_group: customer.group,
            product: product.id,
            price: self.price,
            engine_price,
            max_quantity: self.max_quantity,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            reason: self.reason.clone(),
            owner,
            status: ExceptionStatus::Draft,
            approval: None,
            created_at: ctx.now(),
        };
        Ok(ctx.insert(&exception)?.value)
    }
}
