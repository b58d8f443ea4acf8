//! The catalogue (products with list price and cost) and minimal customer records, as the
//! documents need them. The pricing engine (P4.1, P4.2) and full customer files (P8.1)
//! build on these.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::ids::{UserId, validate_id};
use crate::money::Money;
use crate::org::{Directory, Role, User, require_role};

/// A product of the company price system (P4.1a).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Product {
    /// Unique id (SKU).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Category path, `/`-free segments joined by `>` (`software>erp`).
    pub category: String,
    /// List price per unit.
    pub list_price: Money,
    /// Cost per unit.
    pub cost: Money,
}

impl Document for Product {
    const COLLECTION: &'static str = "products";
    const KIND: &'static str = "product";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

/// A customer (minimal: the full customer file is the CRM's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Customer {
    /// Unique id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Customer group (price rules and approval conditions refer to it).
    pub group: String,
    /// The rep who owns the relationship.
    pub owner: UserId,
    /// When the customer was recorded.
    pub created_at: DateTime<Utc>,
    /// Region (P8.1).
    #[serde(default)]
    pub region: Option<String>,
    /// Industry (P8.1).
    #[serde(default)]
    pub industry: Option<String>,
    /// Preferences and needs, as the rep noted them (P8.1).
    #[serde(default)]
    pub preferences: Option<String>,
    /// Contacts, with birthdays for greetings (P8.2).
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// The lead it was won from (P3.1), whose history stays readable.
    #[serde(default)]
    pub lead: Option<String>,
}

/// A contact person at a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Role or title.
    pub title: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Birthday (greeted on the day, P8.2).
    pub birthday: Option<chrono::NaiveDate>,
}

impl Document for Customer {
    const COLLECTION: &'static str = "customers";
    const KIND: &'static str = "customer";
    fn doc_id(&self) -> String {
        self.id.clone()
    }
}

/// Adds or replaces a product in the price system. The director or an admin maintains it;
/// reps cannot change prices (P4.1b).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PutProduct {
    /// The product.
    pub product: Product,
}

impl Command for PutProduct {
    type Output = Product;
    const NAME: &'static str = "catalogue.put_product";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        require_role(
            ctx.actor()?,
            &[Role::Director, Role::Admin],
            "change the price system (P4.1b)",
        )
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Product> {
        let p = &self.product;
        validate_id("product.id", &p.id)?;
        crate::input::name("product.name", &p.name)?;
        crate::input::category("product.category", &p.category)?;
        let currency = ctx.policy().general().currency;
        for (field, m) in [
            ("product.list_price", &p.list_price),
            ("product.cost", &p.cost),
        ] {
            if m.currency != currency {
                return Err(Error::invalid(
                    field,
                    format!("is in {}, the price system is in {currency}", m.currency),
                ));
            }
            if m.is_negative() {
                return Err(Error::invalid(field, "must not be negative"));
            }
        }
        match ctx.get::<Product>(&p.id)? {
            Some(old) => Ok(ctx.update(&old, p.clone())?.value),
            None => Ok(ctx.insert(p)?.value),
        }
    }
}

/// Records a customer. A rep records their own; a manager may assign one to a rep of
/// their team; the director or an admin to anyone.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AddCustomer {
    /// Unique id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Customer group.
    pub group: String,
    /// The owning rep.
    pub owner: UserId,
}

impl Command for AddCustomer {
    type Output = Customer;
    const NAME: &'static str = "crm.add_customer";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let actor = ctx.actor()?.clone();
        let allowed = match actor.role {
            Role::Rep => actor.id == self.owner,
            Role::Manager => Directory::new(ctx.tx()).leads_team_of(&actor.id, &self.owner)?,
            Role::Director | Role::Admin => true,
            _ => false,
        };
        if !allowed {
            return Err(Error::not_authorized(
                &actor.id,
                "record this customer",
                format!(
                    "a {} may not assign customers to {} (P2)",
                    actor.role, self.owner
                ),
            ));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Customer> {
        validate_id("id", &self.id)?;
        crate::input::name("name", &self.name)?;
        crate::input::group("group", &self.group)?;
        match ctx.get::<User>(self.owner.as_str())? {
            Some(u) if u.value.role == Role::Rep && u.value.active => {}
            _ => {
                return Err(Error::invalid(
                    "owner",
                    format!("{} is not an active rep", self.owner),
                ));
            }
        }
        let customer = Customer {
            id: self.id.clone(),
            name: self.name.clone(),
            group: self.group.clone(),
            owner: self.owner.clone(),
            created_at: ctx.now(),
            region: None,
            industry: None,
            preferences: None,
            contacts: Vec::new(),
            lead: None,
        };
        Ok(ctx.insert(&customer)?.value)
    }
}
