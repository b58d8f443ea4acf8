//! The sales report (P9) for Kotlin and Swift: the figures as records, and the Markdown
//! document a manager forwards to the director.

use kis::Actor;
use kis::kpi::Period;
use kis::report as r;

use crate::engine::KisEngine;
use crate::error::KisError;
use crate::values::Amount;

/// One metric against its target.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Completion {
    /// revenue, profit or new_customers.
    pub metric: String,
    /// Achieved.
    pub actual: Amount,
    /// Target, if set.
    pub target: Option<Amount>,
    /// Percent of target.
    pub completion_pct: Option<Amount>,
}

/// A slice of the sales (a product, category, customer group or region).
#[derive(Debug, Clone, uniffi::Record)]
pub struct SalesSlice {
    /// The key.
    pub key: String,
    /// Revenue.
    pub revenue: Amount,
    /// Profit.
    pub profit: Amount,
    /// Percent of the period's revenue.
    pub share_pct: Amount,
}

/// A rep in the ranking.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Performer {
    /// The rep.
    pub rep: String,
    /// Revenue.
    pub revenue: Amount,
    /// Revenue completion, percent.
    pub completion_pct: Option<Amount>,
    /// KPI score.
    pub score: Amount,
    /// KPI band.
    pub band: String,
}

/// A sales report for a period and a scope.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SalesReport {
    /// "2026-11" or "2026".
    pub period: String,
    /// "company", "team east", "rep li".
    pub scope: String,
    /// Currency of every amount.
    pub currency: String,
    /// Revenue.
    pub revenue: Amount,
    /// Profit.
    pub profit: Amount,
    /// Orders delivered.
    pub orders: u64,
    /// Customers who bought.
    pub customers: u64,
    /// New customers among them.
    pub new_customers: u64,
    /// Revenue of the previous period.
    pub previous_revenue: Amount,
    /// Change against it, percent.
    pub previous_change_pct: Option<Amount>,
    /// Revenue a year earlier.
    pub last_year_revenue: Amount,
    /// Change against it, percent.
    pub last_year_change_pct: Option<Amount>,
    /// Revenue, profit and new customers against targets.
    pub completion: Vec<Completion>,
    /// By product, largest first.
    pub by_product: Vec<SalesSlice>,
    /// By region.
    pub by_region: Vec<SalesSlice>,
    /// By customer group.
    pub by_customer_group: Vec<SalesSlice>,
    /// The reps, best first.
    pub performers: Vec<Performer>,
    /// Complaints not closed: "id (severity, status)".
    pub open_complaints: Vec<String>,
    /// The whole report as Markdown.
    pub markdown: String,
}

fn amount(d: rust_decimal::Decimal) -> Amount {
    Amount::from_decimal(d)
}

fn slices(rows: &[r::Slice]) -> Vec<SalesSlice> {
    rows.iter()
        .map(|s| SalesSlice {
            key: s.key.clone(),
            revenue: amount(s.revenue),
            profit: amount(s.profit),
            share_pct: amount(s.share_pct),
        })
        .collect()
}

impl From<r::SalesReport> for SalesReport {
    fn from(x: r::SalesReport) -> Self {
        SalesReport {
            markdown: x.to_markdown(),
            period: x.period.to_string(),
            scope: x.scope.to_string(),
            currency: x.currency.to_string(),
            revenue: amount(x.totals.revenue),
            profit: amount(x.totals.profit),
            orders: x.totals.orders,
            customers: x.totals.customers,
            new_customers: x.customers.new_customers,
            previous_revenue: amount(x.previous.totals.revenue),
            previous_change_pct: x.previous.revenue_change_pct.map(amount),
            last_year_revenue: amount(x.last_year.totals.revenue),
            last_year_change_pct: x.last_year.revenue_change_pct.map(amount),
            completion: x
                .completion
                .iter()
                .map(|c| Completion {
                    metric: c.metric.clone(),
                    actual: amount(c.actual),
                    target: c.target.map(amount),
                    completion_pct: c.completion_pct.map(amount),
                })
                .collect(),
            by_product: slices(&x.by_product),
            by_region: slices(&x.by_region),
            by_customer_group: slices(&x.by_customer_group),
            performers: x
                .performers
                .iter()
                .map(|p| Performer {
                    rep: p.rep.to_string(),
                    revenue: amount(p.revenue),
                    completion_pct: p.completion_pct.map(amount),
                    score: amount(p.score),
                    band: p.band.clone(),
                })
                .collect(),
            open_complaints: x
                .open_complaints
                .iter()
                .map(|c| format!("{} ({}, {})", c.id, c.severity, c.status))
                .collect(),
        }
    }
}

#[uniffi::export]
impl KisEngine {
    /// The sales report of a month (or of the year when `month` is null) for the company,
    /// or for `team`, or for `rep` (give at most one of them).
    pub fn sales_report(
        &self,
        actor: String,
        year: i32,
        month: Option<u32>,
        team: Option<String>,
        rep: Option<String>,
    ) -> Result<SalesReport, KisError> {
        let scope = r::Scope::of(team.as_deref(), rep.as_deref())?;
        let period =
            Period::of(i128::from(year), month.map(i128::from)).map_err(kis::Error::from)?;
        Ok(self
            .engine()
            .sales_report(&Actor::new(actor), period, scope)?
            .into())
    }
}
