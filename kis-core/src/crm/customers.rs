//! Customer records (P8.1): kept current by their owner, visible by role (P2), with
//! ownership changes audited.

use serde::{Deserialize, Serialize};

use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::org::{Directory, Role, User};
use crate::sales::{Contact, Customer, may_see};

/// Whether `actor` may change the records of a customer owned by `owner`: the owner,
/// their manager, the director or an admin.
fn may_edit(ctx: &mut CommandContext<'_>, owner: &UserId, action: &str) -> Result<()> {
    let actor = ctx.actor()?.clone();
    let allowed = matches!(
        actor.role,
        Role::Rep | Role::Manager | Role::Director | Role::Admin
    ) && may_see(ctx.tx(), &actor, owner)?;
    if !allowed {
        return Err(Error::not_authorized(
            &actor.id,
            action,
            format!(
                "the customer belongs to {owner}; a rep edits their own, a manager their team's (P2)"
            ),
        ));
    }
    Ok(())
}

/// Updates a customer's record; fields left out stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UpdateCustomer {
    /// The customer.
    pub id: String,
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// New region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// New industry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// New preferences note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferences: Option<String>,
    /// The contacts (replacing the list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<Contact>>,
}

impl Command for UpdateCustomer {
    type Output = Customer;
    const NAME: &'static str = "crm.update_customer";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let owner = ctx.load::<Customer>(&self.id)?.value.owner;
        may_edit(ctx, &owner, "update this customer")
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Customer> {
        let old = ctx.load::<Customer>(&self.id)?;
        let mut c = old.value.clone();
        if let Some(name) = &self.name {
            crate::input::name("name", name)?;
            c.name = name.clone();
        }
        if let Some(g) = &self.group {
            crate::input::group("group", g)?;
            c.group = g.clone();
        }
        if let Some(r) = &self.region {
            crate::input::name("region", r)?;
            c.region = Some(r.clone());
        }
        if let Some(i) = &self.industry {
            crate::input::name("industry", i)?;
            c.industry = Some(i.clone());
        }
        if let Some(p) = &self.preferences {
            crate::input::text("preferences", p)?;
            c.preferences = Some(p.clone());
        }
        if let Some(contacts) = &self.contacts {
            for (i, k) in contacts.iter().enumerate() {
                if k.name.trim().is_empty() {
                    return Err(Error::invalid(
                        format!("contacts[{i}].name"),
                        "must not be empty",
                    ));
                }
                if let Some(b) = k.birthday
                    && b > ctx.today()
                {
                    return Err(Error::invalid(
                        format!("contacts[{i}].birthday"),
                        format!("{b} is in the future"),
                    ));
                }
            }
            c.contacts = contacts.clone();
        }
        Ok(ctx.update(&old, c)?.value)
    }
}

/// Hands a customer to another rep (the team's manager or the director), with a reason;
/// the audit trail keeps who owned it before (P8.1).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TransferCustomer {
    /// The customer.
    pub id: String,
    /// The new owner (an active rep).
    pub to: UserId,
    /// Why.
    pub reason: String,
}

impl Command for TransferCustomer {
    type Output = Customer;
    const NAME: &'static str = "crm.transfer_customer";

    fn authorize(&self, ctx: &mut CommandContext<'_>) -> Result<()> {
        let actor = ctx.actor()?.clone();
        let owner = ctx.load::<Customer>(&self.id)?.value.owner;
        let allowed = match actor.role {
            Role::Director | Role::Admin => true,
            // A manager moves customers within their own team.
            Role::Manager => {
                let mut dir = Directory::new(ctx.tx());
                dir.leads_team_of(&actor.id, &owner)? && dir.leads_team_of(&actor.id, &self.to)?
            }
            _ => false,
        };
        if !allowed {
            return Err(Error::not_authorized(
                &actor.id,
                "transfer this customer",
                "the team's manager (within the team) or the director moves customers",
            ));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut CommandContext<'_>) -> Result<Customer> {
        if self.reason.trim().is_empty() {
            return Err(Error::invalid(
                "reason",
                "say why the customer changes hands",
            ));
        }
        match ctx.get::<User>(self.to.as_str())? {
            Some(u) if u.value.role == Role::Rep && u.value.active => {}
            _ => {
                return Err(Error::invalid(
                    "to",
                    format!("{} is not an active rep", self.to),
                ));
            }
        }
        let old = ctx.load::<Customer>(&self.id)?;
        if old.value.owner == self.to {
            return Err(Error::invalid("to", "the customer already belongs to them"));
        }
        let mut c = old.value.clone();
        c.owner = self.to.clone();
        Ok(ctx.update(&old, c)?.value)
    }
}
