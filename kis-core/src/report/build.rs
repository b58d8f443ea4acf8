//! Building a report from the store: one scan of each period's sales facts, the KPI
//! scoreboard for completion and ranking, complaints and leads of the scope.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::ControlFlow;

use rust_decimal::Decimal;

use super::{
    Comparison, Completion, CustomerMix, LeadFunnel, OpenComplaint, Performer, SalesReport, Scope,
    Slice, Totals,
};
use crate::crm::{Complaint, ComplaintStatus, Lead, LeadStatus};
use crate::document;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::kpi::Period;
use crate::money::RoundingPolicy;
use crate::org::{Actor, Role, Team, User, require_role};
use crate::sales::{Customer, Product, SalesFact, may_see, scan_facts};
use crate::store::Transaction;

/// Which reps a scope covers; `None` is the whole company.
type Members = Option<BTreeSet<UserId>>;

/// The scope's part of a sale: all of it for the company, else its reps' shares.
fn weight(members: &Members, fact: &SalesFact) -> Decimal {
    match members {
        None => Decimal::ONE,
        Some(reps) => fact
            .credits
            .iter()
            .filter(|c| reps.contains(&c.rep))
            // Shares are percentages summing to 100 (checked when the order was made).
            .fold(Decimal::ZERO, |s, c| {
                s.saturating_add(
                    c.share_pct
                        .checked_div(Decimal::ONE_HUNDRED)
                        .unwrap_or_default(),
                )
            }),
    }
}

fn in_scope(members: &Members, rep: &UserId) -> bool {
    members.as_ref().is_none_or(|m| m.contains(rep))
}

/// `part` of `whole` in percent, always with two decimals (`90.00`, not `90`).
fn pct(part: Decimal, whole: Decimal) -> Option<Decimal> {
    (!whole.is_zero())
        .then(|| {
            // A ratio past 28 digits has no percentage worth showing: absent, as for a
            // zero base.
            let mut p = part
                .checked_div(whole)?
                .checked_mul(Decimal::ONE_HUNDRED)?
                .round_dp(2);
            p.rescale(2);
            Some(p)
        })
        .flatten()
}

fn change_pct(now: Decimal, before: Decimal) -> Option<Decimal> {
    pct(now.checked_sub(before)?, before.abs())
}

#[derive(Default)]
struct Sums {
    revenue: Decimal,
    profit: Decimal,
    quantity: Decimal,
}

impl Sums {
    fn add(
        &mut self,
        revenue: Decimal,
        profit: Decimal,
        quantity: Decimal,
    ) -> Result<(), crate::error::InvalidInput> {
        self.revenue = crate::checked::add("revenue", self.revenue, revenue)?;
        self.profit = crate::checked::add("profit", self.profit, profit)?;
        self.quantity = crate::checked::add("quantity", self.quantity, quantity)?;
        Ok(())
    }
}

/// One period's sales of the scope, by every dimension the report shows.
#[derive(Default)]
struct Aggregate {
    total: Sums,
    orders: BTreeSet<String>,
    by_customer: BTreeMap<String, Sums>,
    by_product: BTreeMap<String, Sums>,
}

fn aggregate(tx: &mut dyn Transaction, period: Period, members: &Members) -> Result<Aggregate> {
    let mut agg = Aggregate::default();
    let mut failure = None;
    scan_facts(tx, period.first(), period.last(), |f| {
        let w = weight(members, &f);
        if w.is_zero() {
            return ControlFlow::Continue(());
        }
        let mut step = || -> Result<(), crate::error::InvalidInput> {
            use crate::checked::{mul, sub};
            let revenue = mul("amount", f.amount, w)?;
            let profit = mul("cost", sub("cost", f.amount, f.cost)?, w)?;
            let quantity = mul("quantity", f.quantity, w)?;
            agg.total.add(revenue, profit, quantity)?;
            agg.orders.insert(f.order.clone());
            agg.by_customer
                .entry(f.customer.clone())
                .or_default()
                .add(revenue, profit, quantity)?;
            agg.by_product
                .entry(f.product.clone())
                .or_default()
                .add(revenue, profit, quantity)
        };
        match step() {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                failure = Some(e);
                ControlFlow::Break(())
            }
        }
    })?;
    match failure {
        Some(e) => Err(e.into()),
        None => Ok(agg),
    }
}

fn totals(agg: &Aggregate, rounding: &RoundingPolicy) -> Totals {
    Totals {
        revenue: rounding.round_decimal(agg.total.revenue),
        profit: rounding.round_decimal(agg.total.profit),
        quantity: agg.total.quantity.normalize(),
        orders: agg.orders.len() as u64,
        customers: agg.by_customer.len() as u64,
    }
}

fn compare(now: &Totals, period: Period, before: Totals) -> Comparison {
    Comparison {
        period,
        revenue_change_pct: change_pct(now.revenue, before.revenue),
        profit_change_pct: change_pct(now.profit, before.profit),
        totals: before,
    }
}

/// Slices `sums` re-keyed by `key_of` (a product's category, a customer's group...),
/// largest revenue first, ties by key.
fn slices<'a>(
    sums: impl Iterator<Item = (&'a String, &'a Sums)>,
    key_of: impl Fn(&str) -> String,
    total: Decimal,
    rounding: &RoundingPolicy,
) -> Result<Vec<Slice>> {
    let mut grouped: BTreeMap<String, Sums> = BTreeMap::new();
    for (id, s) in sums {
        grouped
            .entry(key_of(id))
            .or_default()
            .add(s.revenue, s.profit, s.quantity)?;
    }
    let mut out: Vec<Slice> = grouped
        .into_iter()
        .map(|(key, s)| Slice {
            key,
            revenue: rounding.round_decimal(s.revenue),
            profit: rounding.round_decimal(s.profit),
            quantity: s.quantity.normalize(),
            share_pct: pct(s.revenue, total).unwrap_or_default(),
        })
        .collect();
    out.sort_by(|a, b| b.revenue.cmp(&a.revenue).then_with(|| a.key.cmp(&b.key)));
    Ok(out)
}

const NONE: &str = "(none)";

impl Engine {
    /// Who a scope covers, after checking that the actor may read it (P2): the company is
    /// for the director, finance and admins; a team for its manager too; a rep for whoever
    /// may see their documents.
    fn report_members(&self, viewer: &User, scope: &Scope) -> Result<Members> {
        self.read(|tx| match scope {
            Scope::Company => {
                require_role(
                    viewer,
                    &[Role::Director, Role::Finance, Role::Admin],
                    "read the company's sales report",
                )?;
                Ok(None)
            }
            Scope::Team(id) => {
                let team = document::load::<Team>(tx, id.as_str())?.value;
                let allowed = matches!(viewer.role, Role::Finance | Role::Admin)
                    || team.manager == viewer.id
                    || (viewer.role == Role::Director
                        && team.director.as_ref().is_none_or(|d| d == &viewer.id));
                if !allowed {
                    return Err(Error::not_authorized(
                        &viewer.id,
                        format!("read team {id}'s sales report"),
                        "a manager reads their own team's (P2.3)",
                    ));
                }
                Ok(Some(
                    document::all::<User>(tx)?
                        .into_iter()
                        .filter(|u| u.team.as_ref() == Some(id))
                        .map(|u| u.id)
                        .collect(),
                ))
            }
            Scope::Rep(rep) => {
                document::load::<User>(tx, rep.as_str())?;
                if !may_see(tx, viewer, rep)? {
                    return Err(Error::not_authorized(
                        &viewer.id,
                        format!("read {rep}'s sales report"),
                        "a rep reads their own, a manager their team's (P2)",
                    ));
                }
                Ok(Some(BTreeSet::from([rep.clone()])))
            }
        })
    }

    /// The sales report of a period for a scope (P9): target completion, sales by product,
    /// category, customer group and region, new against returning customers, the trend
    /// against the previous period and the same period last year, the reps ranked, the
    /// open complaints and the period's leads.
    pub fn sales_report(&self, actor: &Actor, period: Period, scope: Scope) -> Result<SalesReport> {
        period.check()?;
        let viewer = self.acting_user(actor)?;
        let members = self.report_members(&viewer, &scope)?;
        let policy = self.policy_for_period(period)?;
        let rounding = &policy.rounding();
        let now = self.now();

        let (current, previous, last_year) = self.read(|tx| {
            Ok::<_, Error>((
                aggregate(tx, period, &members)?,
                aggregate(tx, period.previous(), &members)?,
                aggregate(tx, period.a_year_earlier(), &members)?,
            ))
        })?;
        let (products, customers, first_signed, complaints, leads) = self.read(|tx| {
            let products: HashMap<String, Product> = document::all::<Product>(tx)?
                .into_iter()
                .map(|p| (p.id.clone(), p))
                .collect();
            let customers: HashMap<String, Customer> = document::all::<Customer>(tx)?
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect();
            let first_signed = crate::kpi::first_signings(tx)?;
            Ok::<_, Error>((
                products,
                customers,
                first_signed,
                document::all::<Complaint>(tx)?,
                document::all::<Lead>(tx)?,
            ))
        })?;

        let totals_now = totals(&current, rounding);
        let total_revenue = current.total.revenue;
        let category = |id: &str| products.get(id).map_or(NONE.into(), |p| p.category.clone());
        let group = |id: &str| customers.get(id).map_or(NONE.into(), |c| c.group.clone());
        let region = |id: &str| {
            customers
                .get(id)
                .and_then(|c| c.region.clone())
                .unwrap_or_else(|| NONE.into())
        };

        let mut mix = CustomerMix::default();
        for (customer, s) in &current.by_customer {
            if first_signed
                .get(customer)
                .is_some_and(|d| period.contains(*d))
            {
                mix.new_customers = mix.new_customers.saturating_add(1);
                mix.new_revenue = crate::checked::add("revenue", mix.new_revenue, s.revenue)?;
            } else {
                mix.returning_customers = mix.returning_customers.saturating_add(1);
                mix.returning_revenue =
                    crate::checked::add("revenue", mix.returning_revenue, s.revenue)?;
            }
        }
        mix.new_revenue = rounding.round_decimal(mix.new_revenue);
        mix.returning_revenue = rounding.round_decimal(mix.returning_revenue);

        // Completion and ranking come from the KPI scoreboard, so that they agree with it.
        let board = self.scoreboard(actor, period, None)?;
        let cards: Vec<_> = board
            .reps
            .into_iter()
            .filter(|r| in_scope(&members, &r.rep))
            .collect();
        let sum = |f: &dyn Fn(&crate::kpi::Metrics) -> Option<Decimal>, of_targets: bool| {
            cards
                .iter()
                .filter_map(|c| f(if of_targets { &c.targets } else { &c.actuals }))
                // Each rep's figure fits and a team has at most thousands of reps: a
                // sum past 28 digits stays at the largest decimal rather than wrapping.
                .fold(None, |acc: Option<Decimal>, v| {
                    Some(acc.unwrap_or_default().saturating_add(v))
                })
        };
        let completion = [
            (
                "revenue",
                &(|m: &crate::kpi::Metrics| m.revenue) as &dyn Fn(&_) -> _,
            ),
            ("profit", &|m: &crate::kpi::Metrics| m.profit),
            ("new_customers", &|m: &crate::kpi::Metrics| m.new_customers),
        ]
        .into_iter()
        .map(|(metric, f)| {
            let actual = sum(f, false).unwrap_or_default();
            let target = sum(f, true);
            Completion {
                metric: metric.into(),
                actual,
                completion_pct: target.and_then(|t| pct(actual, t)),
                target,
            }
        })
        .collect();
        let performers = cards
            .iter()
            .map(|c| {
                let revenue = c.actuals.revenue.unwrap_or_default();
                Performer {
                    rep: c.rep.clone(),
                    team: c.team.clone(),
                    revenue,
                    revenue_target: c.targets.revenue,
                    completion_pct: c.targets.revenue.and_then(|t| pct(revenue, t)),
                    score: c.card.score,
                    band: c.card.band.clone(),
                }
            })
            .collect();

        let mut open_complaints: Vec<OpenComplaint> = complaints
            .into_iter()
            .filter(|c| c.status != ComplaintStatus::Closed && in_scope(&members, &c.owner))
            .map(|c| OpenComplaint {
                overdue: c.missed_deadline(now).map(|(what, _)| what.to_string()),
                status: crate::wire_name(&c.status),
                id: c.id,
                customer: c.customer,
                owner: c.owner,
                severity: c.severity,
                opened_at: c.opened_at,
            })
            .collect();
        open_complaints.sort_by(|a, b| a.opened_at.cmp(&b.opened_at).then(a.id.cmp(&b.id)));

        let mut funnels: BTreeMap<String, LeadFunnel> = BTreeMap::new();
        for lead in leads {
            let captured_on = policy.business_date(lead.captured_at);
            let counted = match (&members, &lead.assigned_to) {
                (None, _) => true,
                (Some(m), Some(rep)) => m.contains(rep),
                (Some(_), None) => false,
            };
            if !counted || !period.contains(captured_on) {
                continue;
            }
            let f = funnels
                .entry(lead.source.clone())
                .or_insert_with(|| LeadFunnel {
                    source: lead.source.clone(),
                    ..LeadFunnel::default()
                });
            f.captured = f.captured.saturating_add(1);
            match lead.status {
                LeadStatus::Converted => f.converted = f.converted.saturating_add(1),
                LeadStatus::Closed => f.closed = f.closed.saturating_add(1),
                LeadStatus::New | LeadStatus::Assigned => f.open = f.open.saturating_add(1),
            }
        }

        Ok(SalesReport {
            period,
            previous: compare(&totals_now, period.previous(), totals(&previous, rounding)),
            last_year: compare(
                &totals_now,
                period.a_year_earlier(),
                totals(&last_year, rounding),
            ),
            by_product: slices(
                current.by_product.iter(),
                |p| p.to_string(),
                total_revenue,
                rounding,
            )?,
            by_category: slices(current.by_product.iter(), category, total_revenue, rounding)?,
            by_customer_group: slices(current.by_customer.iter(), group, total_revenue, rounding)?,
            by_region: slices(current.by_customer.iter(), region, total_revenue, rounding)?,
            totals: totals_now,
            scope,
            prepared_by: viewer.id,
            prepared_at: now,
            currency: policy.general().currency,
            policy_version: policy.hash().to_string(),
            completion,
            customers: mix,
            performers,
            open_complaints,
            leads: funnels.into_values().collect(),
        })
    }
}
