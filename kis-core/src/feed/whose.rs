//! Whose each stored document is (P2), in one table: what [`may_read`] needs to decide
//! who reads it, in the queries and in the change feed. Adding a document type to the
//! feed is one line in [`for_each_fed!`] and its `Owned` impl here.
//!
//! [`may_read`]: crate::org::may_read

use crate::approval::Delegation;
use crate::crm::{Complaint, Lead, Visit};
use crate::engine::PolicyVersion;
use crate::expense::{Budget, ExpenseClaim};
use crate::facts::SalesFact;
use crate::kpi::{Rating, Survey, Targets};
use crate::org::{Owned, Team, User, Whose};
use crate::sales::{Contract, ContractChange, Customer, Order, PriceException, Product, Quote};

/// Expands `$m!` with every document type the change feed carries, in the order a
/// replica applies them (the directory first, documents after the records they name).
/// Internal collections (idempotency records, the approval queue, the receipt register)
/// are not fed: they are the engine's bookkeeping, not anyone's data.
macro_rules! for_each_fed {
    ($m:ident) => {
        $m! {
            $crate::org::User,
            $crate::org::Team,
            $crate::engine::PolicyVersion,
            $crate::sales::Product,
            $crate::sales::Customer,
            $crate::sales::Quote,
            $crate::sales::PriceException,
            $crate::sales::Contract,
            $crate::sales::ContractChange,
            $crate::sales::Order,
            $crate::facts::SalesFact,
            $crate::crm::Lead,
            $crate::crm::Complaint,
            $crate::crm::Visit,
            $crate::kpi::Targets,
            $crate::kpi::Survey,
            $crate::kpi::Rating,
            $crate::expense::Budget,
            $crate::expense::ExpenseClaim,
            $crate::approval::Delegation
        }
    };
}
pub(crate) use for_each_fed;

macro_rules! everyone {
    ($($t:ty),*) => { $(
        impl Owned for $t {
            fn whose(&self) -> Whose<'_> {
                Whose::Everyone
            }
        }
    )* };
}

macro_rules! owned_by {
    ($($t:ty => $field:ident),*) => { $(
        impl Owned for $t {
            fn whose(&self) -> Whose<'_> {
                Whose::User(&self.$field)
            }
        }
    )* };
}

// The directory, the price book and the policy are every user's to read (P2, P4.1).
everyone!(User, Team, PolicyVersion, Product);

// A rep's own records: theirs, their manager's, the company-wide roles' (P2.3).
owned_by!(
    Customer => owner,
    Quote => owner,
    PriceException => owner,
    Contract => owner,
    ContractChange => owner,
    Order => owner,
    Complaint => owner,
    Visit => rep,
    Targets => rep,
    Survey => rep,
    Rating => rep,
    ExpenseClaim => claimant
);

impl Owned for SalesFact {
    fn whose(&self) -> Whose<'_> {
        Whose::Users(self.credits.iter().map(|c| &c.rep).collect())
    }
}

impl Owned for Lead {
    fn whose(&self) -> Whose<'_> {
        Whose::Lead(self.assigned_to.as_ref())
    }
}

impl Owned for Budget {
    fn whose(&self) -> Whose<'_> {
        Whose::Team(&self.team)
    }
}

impl Owned for Delegation {
    fn whose(&self) -> Whose<'_> {
        Whose::Between(&self.from, &self.to)
    }
}
