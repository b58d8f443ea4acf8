//! A sales report's sections as record batches (P9), for DataFrames: the same rows the
//! Markdown document shows.

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_array::builder::UInt64Builder;
use rust_decimal::Decimal;

use super::export::Columns;
use crate::error::Result;
use crate::report::{SalesReport, Slice};

/// The names of [`report_table`]'s sections.
pub const REPORT_TABLES: [&str; 10] = [
    "trend",
    "completion",
    "by_product",
    "by_category",
    "by_customer_group",
    "by_region",
    "customers",
    "performers",
    "open_complaints",
    "leads",
];

fn counts(c: &mut Columns, name: &str, values: impl Iterator<Item = u64>) {
    let mut b = UInt64Builder::new();
    for v in values {
        b.append_value(v);
    }
    c.push(name, false, Arc::new(b.finish()));
}

fn slices(rows: &[Slice], key: &str) -> Result<RecordBatch> {
    let mut c = Columns::default();
    c.text(key, rows.iter().map(|s| Some(s.key.as_str())));
    let col = |f: fn(&Slice) -> Decimal| rows.iter().map(|s| Some(f(s))).collect::<Vec<_>>();
    c.decimal("revenue", &col(|s| s.revenue), 2)?;
    c.decimal("profit", &col(|s| s.profit), 2)?;
    c.decimal("quantity", &col(|s| s.quantity), 0)?;
    c.decimal("share_pct", &col(|s| s.share_pct), 2)?;
    c.finish()
}

/// One section of the report as a table, by name (one of [`REPORT_TABLES`]); `None` for
/// an unknown name.
pub fn report_table(report: &SalesReport, name: &str) -> Option<Result<RecordBatch>> {
    Some(match name {
        "trend" => trend(report),
        "completion" => {
            let rows = &report.completion;
            let mut c = Columns::default();
            c.text("metric", rows.iter().map(|r| Some(r.metric.as_str())));
            let actual: Vec<_> = rows.iter().map(|r| Some(r.actual)).collect();
            let target: Vec<_> = rows.iter().map(|r| r.target).collect();
            let pct: Vec<_> = rows.iter().map(|r| r.completion_pct).collect();
            c.decimal("actual", &actual, 2)
                .and_then(|_| c.decimal("target", &target, 2))
                .and_then(|_| c.decimal("completion_pct", &pct, 2))
                .and_then(|_| c.finish())
        }
        "by_product" => slices(&report.by_product, "product"),
        "by_category" => slices(&report.by_category, "category"),
        "by_customer_group" => slices(&report.by_customer_group, "group"),
        "by_region" => slices(&report.by_region, "region"),
        "customers" => {
            let m = &report.customers;
            let mut c = Columns::default();
            c.text("kind", [Some("new"), Some("returning")].into_iter());
            counts(
                &mut c,
                "customers",
                [m.new_customers, m.returning_customers].into_iter(),
            );
            c.decimal(
                "revenue",
                &[Some(m.new_revenue), Some(m.returning_revenue)],
                2,
            )
            .and_then(|_| c.finish())
        }
        "performers" => {
            let rows = &report.performers;
            let mut c = Columns::default();
            c.text("rep", rows.iter().map(|p| Some(p.rep.as_str())));
            c.text(
                "team",
                rows.iter().map(|p| p.team.as_ref().map(|t| t.as_str())),
            );
            let revenue: Vec<_> = rows.iter().map(|p| Some(p.revenue)).collect();
            let target: Vec<_> = rows.iter().map(|p| p.revenue_target).collect();
            let pct: Vec<_> = rows.iter().map(|p| p.completion_pct).collect();
            let score: Vec<_> = rows.iter().map(|p| Some(p.score)).collect();
            let r = c
                .decimal("revenue", &revenue, 2)
                .and_then(|_| c.decimal("revenue_target", &target, 2))
                .and_then(|_| c.decimal("completion_pct", &pct, 2))
                .and_then(|_| c.decimal("score", &score, 2));
            c.text("band", rows.iter().map(|p| Some(p.band.as_str())));
            r.and_then(|_| c.finish())
        }
        "open_complaints" => {
            let rows = &report.open_complaints;
            let mut c = Columns::default();
            c.text("id", rows.iter().map(|r| Some(r.id.as_str())));
            c.text("customer", rows.iter().map(|r| Some(r.customer.as_str())));
            c.text("owner", rows.iter().map(|r| Some(r.owner.as_str())));
            c.text("severity", rows.iter().map(|r| Some(r.severity.as_str())));
            c.text("status", rows.iter().map(|r| Some(r.status.as_str())));
            c.timestamp("opened_at", rows.iter().map(|r| Some(r.opened_at)));
            c.text("overdue", rows.iter().map(|r| r.overdue.as_deref()));
            c.finish()
        }
        "leads" => {
            let rows = &report.leads;
            let mut c = Columns::default();
            c.text("source", rows.iter().map(|l| Some(l.source.as_str())));
            counts(&mut c, "captured", rows.iter().map(|l| l.captured));
            counts(&mut c, "converted", rows.iter().map(|l| l.converted));
            counts(&mut c, "closed", rows.iter().map(|l| l.closed));
            counts(&mut c, "open", rows.iter().map(|l| l.open));
            c.finish()
        }
        _ => return None,
    })
}

/// The period, the previous one and a year earlier: revenue, profit, orders, customers,
/// and the change of the period against each.
fn trend(report: &SalesReport) -> Result<RecordBatch> {
    let rows = [
        ("current", report.period, &report.totals, None, None),
        (
            "previous",
            report.previous.period,
            &report.previous.totals,
            report.previous.revenue_change_pct,
            report.previous.profit_change_pct,
        ),
        (
            "a_year_earlier",
            report.last_year.period,
            &report.last_year.totals,
            report.last_year.revenue_change_pct,
            report.last_year.profit_change_pct,
        ),
    ];
    let mut c = Columns::default();
    c.text("row", rows.iter().map(|r| Some(r.0)));
    let periods: Vec<String> = rows.iter().map(|r| r.1.to_string()).collect();
    c.text("period", periods.iter().map(|p| Some(p.as_str())));
    let revenue: Vec<_> = rows.iter().map(|r| Some(r.2.revenue)).collect();
    let profit: Vec<_> = rows.iter().map(|r| Some(r.2.profit)).collect();
    c.decimal("revenue", &revenue, 2)?;
    c.decimal("profit", &profit, 2)?;
    counts(&mut c, "orders", rows.iter().map(|r| r.2.orders));
    counts(&mut c, "customers", rows.iter().map(|r| r.2.customers));
    // The change of the current period against this row's.
    let rev_change: Vec<_> = rows.iter().map(|r| r.3).collect();
    let prof_change: Vec<_> = rows.iter().map(|r| r.4).collect();
    c.decimal("revenue_change_pct", &rev_change, 2)?;
    c.decimal("profit_change_pct", &prof_change, 2)?;
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Comparison, CustomerMix, Performer, Totals};

    #[test]
    fn every_section_is_a_table_and_unknown_names_are_none() {
        let nothing = Comparison {
            period: crate::kpi::Period::Year(2025),
            totals: Totals::default(),
            revenue_change_pct: None,
            profit_change_pct: None,
        };
        let report = SalesReport {
            period: crate::kpi::Period::Year(2026),
            scope: crate::report::Scope::Company,
            prepared_by: "dir".into(),
            prepared_at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
            currency: crate::Currency::new("CNY").unwrap(),
            policy_version: "v".into(),
            totals: Totals {
                revenue: Decimal::new(12345, 2),
                ..Totals::default()
            },
            completion: Vec::new(),
            previous: nothing.clone(),
            last_year: nothing,
            by_product: vec![Slice {
                key: "P".into(),
                revenue: Decimal::new(12345, 2),
                profit: Decimal::ONE,
                quantity: Decimal::new(15, 1),
                share_pct: Decimal::ONE_HUNDRED,
            }],
            by_category: Vec::new(),
            by_customer_group: Vec::new(),
            by_region: Vec::new(),
            customers: CustomerMix::default(),
            performers: vec![Performer {
                rep: "li".into(),
                team: None,
                revenue: Decimal::ZERO,
                revenue_target: None,
                completion_pct: None,
                score: Decimal::ZERO,
                band: "D".into(),
            }],
            open_complaints: Vec::new(),
            leads: Vec::new(),
        };
        for name in REPORT_TABLES {
            let t = report_table(&report, name).unwrap().unwrap();
            assert!(t.num_columns() > 1, "{name}");
        }
        assert_eq!(
            report_table(&report, "trend").unwrap().unwrap().num_rows(),
            3
        );
        assert_eq!(
            report_table(&report, "by_product")
                .unwrap()
                .unwrap()
                .num_rows(),
            1
        );
        assert!(report_table(&report, "nope").is_none());
    }
}
