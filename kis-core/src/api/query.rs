//! Queries as request types: each read of the API is a struct (what it asks) with a
//! [`Query`] impl (who may ask is the engine's read it calls; P2), so that a query
//! crosses the wire, the bindings and the server exactly as a command does.

use std::ops::ControlFlow;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::audit::{AuditEntry, AuditReport};
use crate::engine::{Engine, PolicyVersion};
use crate::error::Result;
use crate::ids::{TeamId, UserId};
use crate::org::{Actor, Role, require_role};
use crate::store::{AuditFilter, DocKey};

/// A read-only request made by a user. Like a [`Command`](crate::Command) it names the
/// actor and is refused when the actor may not see what it asks (P2); unlike one it
/// writes nothing and so takes no idempotency key.
pub trait Query: Serialize + DeserializeOwned {
    /// What the query returns.
    type Output: Serialize;

    /// The entry's name in the API declaration.
    const NAME: &'static str;

    /// Reads the answer for `actor`.
    fn run(&self, engine: &Engine, actor: &Actor) -> Result<Self::Output>;
}

/// Declares query request types: `Name "entry" { fields } -> Output = |engine, actor,
/// request| read;`. Each gets serde (unknown fields refused), a JSON schema and its
/// [`Query`] impl.
macro_rules! queries {
    ($(
        $(#[$doc:meta])*
        $req:ident $name:literal { $( $(#[$fdoc:meta])* $field:ident : $fty:ty ),* $(,)? }
            -> $out:ty = |$e:ident, $a:ident, $r:ident| $body:expr;
    )*) => { $(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $req { $( $(#[$fdoc])* pub $field: $fty, )* }

        impl Query for $req {
            type Output = $out;
            const NAME: &'static str = $name;

            #[allow(unused_variables)]
            fn run(&self, $e: &Engine, $a: &Actor) -> Result<$out> {
                let $r = self;
                $body
            }
        }
    )* };
}

/// A rep's scorecard of one month (see [`RepHistory`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RepMonth {
    /// The month, 1-12.
    pub month: u32,
    /// The rep's score that month, under the policy in force then.
    pub score: crate::kpi::RepScore,
}

/// Who may read the audit trail (P1: the record of who did what is the company's).
fn may_read_audit(engine: &Engine, actor: &Actor) -> Result<()> {
    let viewer = engine.acting_user(actor)?;
    require_role(
        &viewer,
        &[Role::Director, Role::Finance, Role::Admin],
        "read the audit trail",
    )
}

queries! {
    /// One product by id.
    GetProduct "product" {
        /// The product id (SKU).
        id: String,
    } -> crate::sales::Product = |e, a, r| e.product(a, &r.id);

    /// Every product of the price system.
    ListProducts "products" {} -> Vec<crate::sales::Product> = |e, a, r| e.products(a);

    /// One customer by id.
    GetCustomer "customer" {
        /// The customer id.
        id: String,
    } -> crate::sales::Customer = |e, a, r| e.customer(a, &r.id);

    /// The customers the actor may see.
    ListCustomers "customers" {} -> Vec<crate::sales::Customer> = |e, a, r| e.customers(a);

    /// The price of a quantity of a product for a customer today.
    PriceFor "price_for" {
        /// The customer.
        customer: String,
        /// The product.
        product: String,
        /// How many units.
        quantity: Decimal,
    } -> crate::pricing::PricedLine = |e, a, r| e.price_for(a, &r.customer, &r.product, r.quantity);

    /// One quote by id.
    GetQuote "quote" {
        /// The quote id.
        id: String,
    } -> crate::sales::Quote = |e, a, r| e.quote(a, &r.id);

    /// The quotes the actor may read.
    ListQuotes "quotes" {} -> Vec<crate::sales::Quote> = |e, a, r| e.quotes(a);

    /// One special-price application by id.
    GetPriceException "price_exception" {
        /// The application id.
        id: String,
    } -> crate::sales::PriceException = |e, a, r| e.price_exception(a, &r.id);

    /// One contract by id.
    GetContract "contract" {
        /// The contract id.
        id: String,
    } -> crate::sales::Contract = |e, a, r| e.contract(a, &r.id);

    /// One order by id.
    GetOrder "order" {
        /// The order id.
        id: String,
    } -> crate::sales::Order = |e, a, r| e.order(a, &r.id);

    /// Late fulfilment steps.
    LateSteps "late_steps" {} -> Vec<crate::sales::LateStep> = |e, a, r| e.late_steps(a);

    /// The sales facts of a date range, one per fact (its credits inside).
    SalesFacts "sales_facts" {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    } -> Vec<crate::facts::SalesFact> = |e, a, r| {
        let mut out = Vec::new();
        e.scan_sales_facts(a, r.from, r.to, |f| {
            out.push(f);
            ControlFlow::Continue(())
        })?;
        Ok(out)
    };

    /// The actor's review inbox.
    Inbox "inbox" {} -> Vec<crate::approval::InboxItem> = |e, a, r| e.inbox(a);

    /// Reviews the actor may escalate.
    Escalations "escalations" {} -> Vec<crate::approval::InboxItem> = |e, a, r| e.escalations(a);

    /// One lead by id.
    GetLead "lead" {
        /// The lead id.
        id: String,
    } -> crate::crm::Lead = |e, a, r| e.lead(a, &r.id);

    /// The leads the actor may see.
    ListLeads "leads" {} -> Vec<crate::crm::Lead> = |e, a, r| e.leads(a);

    /// One complaint by id.
    GetComplaint "complaint" {
        /// The complaint id.
        id: String,
    } -> crate::crm::Complaint = |e, a, r| e.complaint(a, &r.id);

    /// Overdue complaints.
    ComplaintsOverdue "complaints_overdue" {} -> Vec<crate::crm::OverdueComplaint> =
        |e, a, r| e.complaints_overdue(a);

    /// Customers due for a revisit.
    RevisitsDue "revisits_due" {} -> Vec<crate::crm::Due> = |e, a, r| e.revisits_due(a);

    /// The care calendar of a date range.
    CareCalendar "care_calendar" {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    } -> Vec<crate::crm::Greeting> = |e, a, r| e.care_calendar(a, r.from, r.to);

    /// A customer's purchases.
    PurchaseHistory "purchase_history" {
        /// The customer.
        customer: String,
    } -> Vec<crate::facts::SalesFact> = |e, a, r| e.purchase_history(a, &r.customer);

    /// The acting user.
    Me "me" {} -> crate::org::User = |e, a, r| e.acting_user(a);

    /// One user by id.
    GetUser "user" {
        /// The user id.
        id: UserId,
    } -> crate::org::User = |e, a, r| e.user(a, &r.id);

    /// The users the actor may see.
    ListUsers "users" {} -> Vec<crate::org::User> = |e, a, r| e.users(a);

    /// API tokens, without their secrets.
    ListApiTokens "api_tokens" {
        /// Only this user's (an admin may name anyone; others only themselves).
        user: Option<UserId>,
    } -> Vec<crate::token::ApiTokenInfo> = |e, a, r| e.api_tokens(a, r.user.as_ref());

    /// One team by id.
    GetTeam "team" {
        /// The team id.
        id: TeamId,
    } -> crate::org::Team = |e, a, r| e.team(a, &r.id);

    /// The teams the actor may see.
    ListTeams "teams" {} -> Vec<crate::org::Team> = |e, a, r| e.teams(a);

    /// Every policy version installed.
    PolicyVersions "policy_versions" {} -> Vec<PolicyVersion> = |e, a, r| {
        e.acting_user(a)?;
        e.policy_versions()
    };

    /// The scoreboard of a month, or of a year when `month` is absent.
    GetScoreboard "scoreboard" {
        /// The year.
        year: i32,
        /// The month, 1-12; absent for the year.
        month: Option<u32>,
        /// A policy text to score under instead of the one in force ("what if").
        what_if: Option<String>,
    } -> crate::kpi::Scoreboard = |e, a, r| {
        let period = crate::kpi::Period::of(r.year.into(), r.month.map(Into::into))?;
        let what_if = r
            .what_if
            .as_deref()
            .map(crate::policy::Policy::from_toml)
            .transpose()
            .map_err(|e| crate::error::Error::invalid("what_if", e.to_string()))?;
        e.scoreboard(a, period, what_if.as_ref())
    };

    /// A rep's monthly scorecards through a year.
    RepHistory "rep_history" {
        /// The rep.
        rep: UserId,
        /// The year.
        year: i32,
    } -> Vec<RepMonth> = |e, a, r| {
        Ok(e.rep_history(a, &r.rep, r.year)?
            .into_iter()
            .map(|(month, score)| RepMonth { month, score })
            .collect())
    };

    /// Every rep's scores of a year.
    ScoreYear "score_year" {
        /// The year.
        year: i32,
    } -> Vec<crate::kpi::YearScore> = |e, a, r| e.score_year(a, r.year);

    /// One budget by id.
    GetBudget "budget" {
        /// The budget id.
        id: String,
    } -> crate::expense::Budget = |e, a, r| e.budget(a, &r.id);

    /// The budget lines of a year.
    GetBudgetStatus "budget_status" {
        /// The year.
        year: i32,
    } -> Vec<crate::expense::BudgetStatusLine> = |e, a, r| e.budget_status(a, r.year);

    /// One expense claim by id.
    GetExpenseClaim "expense_claim" {
        /// The claim id.
        id: String,
    } -> crate::expense::ExpenseClaim = |e, a, r| e.expense_claim(a, &r.id);

    /// The expense claims the actor may see.
    ListExpenseClaims "expense_claims" {} -> Vec<crate::expense::ExpenseClaim> =
        |e, a, r| e.expense_claims(a);

    /// The sales report of a period: the company's, or a team's, or a rep's.
    GetSalesReport "sales_report" {
        /// The year.
        year: i32,
        /// The month, 1-12; absent for the year.
        month: Option<u32>,
        /// Only this team.
        team: Option<String>,
        /// Only this rep.
        rep: Option<String>,
    } -> crate::report::SalesReport = |e, a, r| {
        let period = crate::kpi::Period::of(r.year.into(), r.month.map(Into::into))?;
        let scope = crate::report::Scope::of(r.team.as_deref(), r.rep.as_deref())?;
        e.sales_report(a, period, scope)
    };

    /// The audit trail.
    AuditTrail "audit_trail" {
        /// From this sequence number (0 or 1, or absent: from the start).
        #[serde(default)]
        from_seq: u64,
        /// Only the entries that changed this document: its collection...
        collection: Option<String>,
        /// ...and its id.
        id: Option<String>,
    } -> Vec<AuditEntry> = |e, a, r| {
        may_read_audit(e, a)?;
        let document = match (&r.collection, &r.id) {
            (Some(c), Some(i)) => Some(DocKey {
                collection: c.clone(),
                id: i.clone(),
            }),
            (None, None) => None,
            _ => {
                return Err(crate::error::Error::invalid(
                    "collection",
                    "give both collection and id, or neither",
                ));
            }
        };
        e.audit_trail(&AuditFilter {
            from_seq: r.from_seq,
            document,
        })
    };

    /// Checks the audit chain and the documents.
    VerifyAudit "verify_audit" {} -> AuditReport = |e, a, r| {
        may_read_audit(e, a)?;
        e.verify_audit()
    };

    /// What installing a policy would change, as the store is now.
    PolicyImpactOf "policy_impact" {
        /// The policy file's text (TOML), as `install_policy` takes it.
        policy: String,
    } -> crate::impact::PolicyImpact = |e, a, r| {
        e.policy_impact(a, &crate::policy::Policy::from_toml(&r.policy)?)
    };

    /// Every row of an import batch that an import would refuse, as problems with
    /// `table`, `row` and `key` among their fields; nothing is written.
    CheckImport "check_import" {
        /// The batch to check.
        batch: crate::import::ImportBatch,
    } -> Vec<super::Problem> = |e, a, r| {
        Ok(e.check_import(a, &r.batch)?.iter().map(super::Problem::from).collect())
    };

    /// The change feed: what was committed after a cursor that the actor may see.
    ChangesSince "changes_since" {
        /// The cursor of the last batch applied (0, or absent: from the start).
        #[serde(default)]
        after: u64,
        /// At most this many events, 1 to 1000 (100 when absent).
        limit: Option<u32>,
    } -> crate::feed::ChangeBatch = |e, a, r| {
        e.changes_since(a, r.after, r.limit.unwrap_or(DEFAULT_FEED_BATCH))
    };
}

/// The events of a feed batch when the request does not say.
pub const DEFAULT_FEED_BATCH: u32 = 100;
