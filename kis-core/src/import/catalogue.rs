//! Products with their list prices (P4.1a), customers with their contacts (P8.1, P8.2)
//! and reps' targets (P2.2), through the commands that keep each.

use super::org::run;
use super::outcome::Outcome;
use super::rows::{CustomerRow, TargetRow};
use crate::crm::UpdateCustomer;
use crate::engine::{Command, CommandContext};
use crate::error::{Error, Result};
use crate::kpi::{SetTargets, Targets};
use crate::sales::{AddCustomer, Customer, Product, PutProduct};

/// A product row: the price system's entry, replaced whole when it differs.
pub(super) fn apply_product(ctx: &mut CommandContext<'_>, product: &Product) -> Result<Outcome> {
    let put = PutProduct {
        product: product.clone(),
    };
    put.authorize(ctx)?;
    let outcome = match ctx.get::<Product>(&product.id)? {
        Some(old) if old.value == *product => return Ok(Outcome::Unchanged),
        Some(_) => Outcome::Updated,
        None => Outcome::Created,
    };
    put.execute(ctx)?;
    Ok(outcome)
}

impl CustomerRow {
    /// The update that brings `old` to this row: only the fields the row gives and kis
    /// holds otherwise.
    fn update_of(&self, old: &Customer) -> UpdateCustomer {
        let changed = |new: &Option<String>, old: &Option<String>| {
            new.clone().filter(|n| old.as_ref() != Some(n))
        };
        UpdateCustomer {
            id: self.id.clone(),
            name: (old.name != self.name).then(|| self.name.clone()),
            group: (old.group != self.group).then(|| self.group.clone()),
            region: changed(&self.region, &old.region),
            industry: changed(&self.industry, &old.industry),
            preferences: changed(&self.preferences, &old.preferences),
            contacts: (!self.contacts.is_empty() && self.contacts != old.contacts)
                .then(|| self.contacts.clone()),
        }
    }

    pub(super) fn apply(&self, ctx: &mut CommandContext<'_>) -> Result<Outcome> {
        let Some(old) = ctx.get::<Customer>(&self.id)? else {
            let added = run(
                ctx,
                &AddCustomer {
                    id: self.id.clone(),
                    name: self.name.clone(),
                    group: self.group.clone(),
                    owner: self.owner.clone(),
                },
            )?;
            // The rest of the record, as the owner would add it, in the same command.
            let rest = self.update_of(&added);
            if !is_empty(&rest) {
                rest.execute(ctx)?;
            }
            return Ok(Outcome::Created);
        };
        let old = old.value;
        if old.owner != self.owner {
            return Err(Error::InvalidState {
                kind: "customer",
                id: self.id.clone(),
                reason: format!(
                    "is owned by {}, the row says {}; ownership moves by transfer_customer, \
                     audited as a transfer (P8.1)",
                    old.owner, self.owner
                ),
            });
        }
        let update = self.update_of(&old);
        update.authorize(ctx)?;
        if is_empty(&update) {
            return Ok(Outcome::Unchanged);
        }
        update.execute(ctx)?;
        Ok(Outcome::Updated)
    }
}

fn is_empty(u: &UpdateCustomer) -> bool {
    u.name.is_none()
        && u.group.is_none()
        && u.region.is_none()
        && u.industry.is_none()
        && u.preferences.is_none()
        && u.contacts.is_none()
}

impl TargetRow {
    pub(super) fn apply(&self, ctx: &mut CommandContext<'_>) -> Result<Outcome> {
        let set = SetTargets {
            rep: self.rep.clone(),
            year: self.year,
            annual: self.annual.clone(),
            distribution: self.distribution.clone(),
        };
        set.authorize(ctx)?;
        let outcome = match ctx.get::<Targets>(&format!("{}:{}", self.year, self.rep))? {
            Some(old)
                if old.value.annual == self.annual
                    && old.value.distribution == self.distribution =>
            {
                return Ok(Outcome::Unchanged);
            }
            Some(_) => Outcome::Updated,
            None => Outcome::Created,
        };
        set.execute(ctx)?;
        Ok(outcome)
    }
}
