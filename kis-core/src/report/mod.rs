//! Sales reports (P9): what a manager analyses (target completion, trends, customers,
//! P9.2) and sends to the director (P9.3). A report is data first ([`SalesReport`]);
//! [`SalesReport::to_markdown`] renders it as a document, [`SalesReport::to_html`] as a
//! self-contained web page with a chart.

mod build;
mod html;
mod markdown;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::{TeamId, UserId};
use crate::kpi::Period;
use crate::money::Currency;

/// Whose sales a report covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The whole company (the director, finance, admins).
    Company,
    /// One team (its manager, the director...).
    Team(TeamId),
    /// One rep (the rep, their manager, the director...).
    Rep(UserId),
}

impl Scope {
    /// The company, a team or a rep, as the bindings take it: at most one of `team` and
    /// `rep`.
    pub fn of(team: Option<&str>, rep: Option<&str>) -> crate::error::Result<Scope> {
        match (team, rep) {
            (None, None) => Ok(Scope::Company),
            (Some(t), None) => Ok(Scope::Team(t.into())),
            (None, Some(r)) => Ok(Scope::Rep(r.into())),
            (Some(_), Some(_)) => Err(crate::error::Error::invalid(
                "team",
                "give a team or a rep, not both",
            )),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Company => f.write_str("company"),
            Scope::Team(t) => write!(f, "team {t}"),
            Scope::Rep(r) => write!(f, "rep {r}"),
        }
    }
}

/// Revenue and profit of a period, the basis of the trend.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Totals {
    /// Revenue, each sale weighted by the scope's share of its credit.
    pub revenue: Decimal,
    /// Profit (revenue less cost), weighted the same way.
    pub profit: Decimal,
    /// Units delivered, weighted the same way.
    pub quantity: Decimal,
    /// Orders with a delivery in the period.
    pub orders: u64,
    /// Customers with a delivery in the period.
    pub customers: u64,
}

/// One metric against its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Completion {
    /// `revenue`, `profit` or `new_customers`.
    pub metric: String,
    /// What was achieved.
    pub actual: Decimal,
    /// The summed targets of the scope's reps (none set: `None`).
    pub target: Option<Decimal>,
    /// Actual / target in percent, two decimals (no target: `None`).
    pub completion_pct: Option<Decimal>,
}

/// One slice of the sales (a product, a category, a customer group, a region).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Slice {
    /// The product id, category, group or region (`(none)` when unrecorded).
    pub key: String,
    /// Revenue.
    pub revenue: Decimal,
    /// Profit.
    pub profit: Decimal,
    /// Units.
    pub quantity: Decimal,
    /// Share of the period's revenue, percent, two decimals.
    pub share_pct: Decimal,
}

/// New against returning customers among those who bought in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CustomerMix {
    /// Customers whose first signed contract falls in the period (as in P5.3a).
    pub new_customers: u64,
    /// Their revenue.
    pub new_revenue: Decimal,
    /// The others who bought.
    pub returning_customers: u64,
    /// Their revenue.
    pub returning_revenue: Decimal,
}

/// The period against an earlier one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Comparison {
    /// The earlier period.
    pub period: Period,
    /// Its totals.
    pub totals: Totals,
    /// Revenue change in percent (`None` when the earlier revenue is zero).
    pub revenue_change_pct: Option<Decimal>,
    /// Profit change in percent (`None` when the earlier profit is zero).
    pub profit_change_pct: Option<Decimal>,
}

/// One rep's line in the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Performer {
    /// The rep.
    pub rep: UserId,
    /// Their team.
    pub team: Option<TeamId>,
    /// Revenue credited.
    pub revenue: Decimal,
    /// Revenue target of the period.
    pub revenue_target: Option<Decimal>,
    /// Revenue completion, percent.
    pub completion_pct: Option<Decimal>,
    /// KPI score (P5).
    pub score: Decimal,
    /// KPI band.
    pub band: String,
}

/// An open complaint of the scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
// `crm::OpenComplaint` has the name already; in the schema (and so in every binding)
// this one is the report's.
#[schemars(rename = "ReportedComplaint")]
pub struct OpenComplaint {
    /// The complaint.
    pub id: String,
    /// The customer.
    pub customer: String,
    /// Who handles it.
    pub owner: UserId,
    /// Severity.
    pub severity: String,
    /// `open`, `acknowledged` or `resolved` (waiting for the customer).
    pub status: String,
    /// When it came in.
    pub opened_at: DateTime<Utc>,
    /// The deadline missed (`response`, `resolution`), if any.
    pub overdue: Option<String>,
}

/// Leads captured in the period from one source (P3.1), and what became of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LeadFunnel {
    /// The source.
    pub source: String,
    /// Captured in the period.
    pub captured: u64,
    /// Of those, converted into customers.
    pub converted: u64,
    /// Closed without a sale.
    pub closed: u64,
    /// Still being worked.
    pub open: u64,
}

/// A sales report for a period and a scope (P9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SalesReport {
    /// The period.
    pub period: Period,
    /// The scope.
    pub scope: Scope,
    /// Who asked for it.
    pub prepared_by: UserId,
    /// When.
    pub prepared_at: DateTime<Utc>,
    /// The currency of every amount.
    pub currency: Currency,
    /// The policy version of the period (targets and scores follow it).
    pub policy_version: String,
    /// The period's totals.
    pub totals: Totals,
    /// Revenue, profit and new customers against targets (P9.2).
    pub completion: Vec<Completion>,
    /// Against the previous period.
    pub previous: Comparison,
    /// Against the same period a year earlier.
    pub last_year: Comparison,
    /// Sales by product, largest first.
    pub by_product: Vec<Slice>,
    /// By product category.
    pub by_category: Vec<Slice>,
    /// By customer group.
    pub by_customer_group: Vec<Slice>,
    /// By region.
    pub by_region: Vec<Slice>,
    /// New and returning customers.
    pub customers: CustomerMix,
    /// The scope's reps, best KPI score first (ties by rep id).
    pub performers: Vec<Performer>,
    /// The scope's complaints not yet closed, oldest first.
    pub open_complaints: Vec<OpenComplaint>,
    /// Leads captured in the period, by source.
    pub leads: Vec<LeadFunnel>,
}

impl SalesReport {
    /// The best `n` performers.
    pub fn top(&self, n: usize) -> &[Performer] {
        self.performers.get(..n).unwrap_or(&self.performers)
    }

    /// The weakest `n` performers, weakest last, never overlapping [`Self::top`]'s `n`.
    pub fn bottom(&self, n: usize) -> &[Performer] {
        let len = self.performers.len();
        let start = len.saturating_sub(n).max(n.min(len));
        self.performers.get(start..).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_with(n: usize) -> SalesReport {
        let nothing = Comparison {
            period: Period::Year(2025),
            totals: Totals::default(),
            revenue_change_pct: None,
            profit_change_pct: None,
        };
        SalesReport {
            period: Period::Year(2026),
            scope: Scope::Company,
            prepared_by: UserId::new("dir"),
            prepared_at: DateTime::<Utc>::MIN_UTC,
            currency: Currency::new("CNY").unwrap(),
            policy_version: "v".into(),
            totals: Totals::default(),
            completion: Vec::new(),
            previous: nothing.clone(),
            last_year: nothing,
            by_product: Vec::new(),
            by_category: Vec::new(),
            by_customer_group: Vec::new(),
            by_region: Vec::new(),
            customers: CustomerMix::default(),
            performers: (0..n)
                .map(|i| Performer {
                    rep: UserId::new(format!("r{i}")),
                    team: None,
                    revenue: Decimal::ZERO,
                    revenue_target: None,
                    completion_pct: None,
                    score: Decimal::from(100 - i as i64),
                    band: "B".into(),
                })
                .collect(),
            open_complaints: Vec::new(),
            leads: Vec::new(),
        }
    }

    fn ids(p: &[Performer]) -> Vec<&str> {
        p.iter().map(|p| p.rep.as_str()).collect()
    }

    #[test]
    fn a_scope_is_the_company_a_team_or_a_rep_never_both() {
        assert_eq!(Scope::of(None, None).unwrap(), Scope::Company);
        assert_eq!(
            Scope::of(Some("east"), None).unwrap(),
            Scope::Team("east".into())
        );
        assert_eq!(
            Scope::of(None, Some("li")).unwrap(),
            Scope::Rep("li".into())
        );
        assert!(matches!(
            Scope::of(Some("east"), Some("li")),
            Err(crate::Error::Invalid(e)) if e.field == "team"
        ));
        assert_eq!(
            Period::of(2026, Some(3)).unwrap(),
            Period::Month {
                year: 2026,
                month: 3
            }
        );
        assert_eq!(Period::of(2026, None).unwrap(), Period::Year(2026));
        assert!(Period::of(2026, Some(13)).is_err());
        assert!(Period::of(1 << 31, None).is_err());
    }

    #[test]
    fn top_and_bottom_never_overlap() {
        let r = report_with(7);
        assert_eq!(ids(r.top(3)), ["r0", "r1", "r2"]);
        assert_eq!(ids(r.bottom(3)), ["r4", "r5", "r6"]);
        let r = report_with(4);
        assert_eq!(ids(r.top(3)), ["r0", "r1", "r2"]);
        assert_eq!(ids(r.bottom(3)), ["r3"]);
        let r = report_with(0);
        assert!(r.top(3).is_empty() && r.bottom(3).is_empty());
        // Seven reps: the document shows the best and weakest three.
        let md = r.to_markdown();
        assert!(md.contains("### Ranking"));
        let md = report_with(7).to_markdown();
        assert!(md.contains("### Best") && md.contains("### Weakest") && md.contains("| r6 |"));
        assert!(!md.contains("| r3 |"));
    }
}
