//! The report as a Markdown document a manager sends to the director (P9.3).

use std::fmt::Write;

use rust_decimal::Decimal;

use super::{Comparison, Performer, SalesReport, Slice};

/// How many reps the top and bottom tables show.
pub(super) const PERFORMERS_SHOWN: usize = 3;

/// `1234567.5` as `1,234,567.50`: amounts with two decimals and thousands separators.
pub fn amount(value: Decimal) -> String {
    let rounded = value.round_dp(2);
    let text = format!("{:.2}", rounded.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && int.len().saturating_sub(i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{frac}")
}

pub(super) fn percent(value: Option<Decimal>) -> String {
    value.map_or("n/a".into(), |v| format!("{v}%"))
}

pub(super) fn change(value: Option<Decimal>) -> String {
    match value {
        Some(v) if v.is_sign_positive() && !v.is_zero() => format!("+{v}%"),
        other => percent(other),
    }
}

fn slice_table(out: &mut String, title: &str, column: &str, rows: &[Slice]) {
    let _ = writeln!(out, "\n### By {title}\n");
    if rows.is_empty() {
        out.push_str("No sales.\n");
        return;
    }
    let _ = writeln!(out, "| {column} | Revenue | Share | Profit | Units |");
    out.push_str("|---|---:|---:|---:|---:|\n");
    for s in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {}% | {} | {} |",
            s.key,
            amount(s.revenue),
            s.share_pct,
            amount(s.profit),
            s.quantity
        );
    }
}

fn performer_table(out: &mut String, title: &str, rows: &[Performer]) {
    let _ = writeln!(out, "\n### {title}\n");
    if rows.is_empty() {
        out.push_str("None.\n");
        return;
    }
    out.push_str("| Rep | Team | Revenue | Target | Completion | Score | Band |\n");
    out.push_str("|---|---|---:|---:|---:|---:|---|\n");
    for p in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            p.rep,
            p.team.as_ref().map_or("-", |t| t.as_str()),
            amount(p.revenue),
            p.revenue_target.map_or("-".into(), amount),
            percent(p.completion_pct),
            p.score,
            p.band
        );
    }
}

fn comparison_cells(c: &Comparison) -> (String, String, String, String) {
    (
        amount(c.totals.revenue),
        change(c.revenue_change_pct),
        amount(c.totals.profit),
        change(c.profit_change_pct),
    )
}

impl SalesReport {
    /// The report as Markdown: summary and trend, target completion, the best and weakest
    /// reps, sales by product, category, customer group and region, customers, leads and
    /// open complaints.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Sales report: {}, {}\n", self.scope, self.period);
        let _ = writeln!(
            out,
            "Prepared by {} on {} under policy {}. Amounts in {}.",
            self.prepared_by,
            self.prepared_at.format("%Y-%m-%d %H:%M UTC"),
            &self.policy_version[..self.policy_version.len().min(12)],
            self.currency
        );

        out.push_str("\n## Summary\n\n");
        let (prev_rev, prev_rev_ch, prev_prof, prev_prof_ch) = comparison_cells(&self.previous);
        let (ly_rev, ly_rev_ch, ly_prof, ly_prof_ch) = comparison_cells(&self.last_year);
        let _ = writeln!(
            out,
            "| | {} | {} (previous) | Change | {} (a year earlier) | Change |",
            self.period, self.previous.period, self.last_year.period
        );
        out.push_str("|---|---:|---:|---:|---:|---:|\n");
        let _ = writeln!(
            out,
            "| Revenue | {} | {prev_rev} | {prev_rev_ch} | {ly_rev} | {ly_rev_ch} |",
            amount(self.totals.revenue)
        );
        let _ = writeln!(
            out,
            "| Profit | {} | {prev_prof} | {prev_prof_ch} | {ly_prof} | {ly_prof_ch} |",
            amount(self.totals.profit)
        );
        let _ = writeln!(
            out,
            "\nOrders delivered: {}. Customers: {} ({} new, {} returning). Units: {}.",
            self.totals.orders,
            self.totals.customers,
            self.customers.new_customers,
            self.customers.returning_customers,
            self.totals.quantity
        );

        out.push_str("\n## Target completion\n\n");
        out.push_str("| Metric | Actual | Target | Completion |\n|---|---:|---:|---:|\n");
        for c in &self.completion {
            let money = c.metric != "new_customers";
            let show = |v: Decimal| if money { amount(v) } else { v.to_string() };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                c.metric.replace('_', " "),
                show(c.actual),
                c.target.map_or("-".into(), show),
                percent(c.completion_pct)
            );
        }

        out.push_str("\n## Performers\n");
        if self.performers.len() <= 2 * PERFORMERS_SHOWN {
            performer_table(&mut out, "Ranking", &self.performers);
        } else {
            performer_table(&mut out, "Best", self.top(PERFORMERS_SHOWN));
            performer_table(&mut out, "Weakest", self.bottom(PERFORMERS_SHOWN));
        }

        out.push_str("\n## Sales\n");
        slice_table(&mut out, "product", "Product", &self.by_product);
        slice_table(&mut out, "category", "Category", &self.by_category);
        slice_table(&mut out, "customer group", "Group", &self.by_customer_group);
        slice_table(&mut out, "region", "Region", &self.by_region);

        out.push_str("\n## Customers\n\n");
        let _ = writeln!(
            out,
            "- New: {} customers, {} revenue\n- Returning: {} customers, {} revenue",
            self.customers.new_customers,
            amount(self.customers.new_revenue),
            self.customers.returning_customers,
            amount(self.customers.returning_revenue)
        );

        out.push_str("\n## Leads\n\n");
        if self.leads.is_empty() {
            out.push_str("No leads captured in the period.\n");
        } else {
            out.push_str("| Source | Captured | Converted | Closed | Open |\n");
            out.push_str("|---|---:|---:|---:|---:|\n");
            for l in &self.leads {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    l.source, l.captured, l.converted, l.closed, l.open
                );
            }
        }

        out.push_str("\n## Open complaints\n\n");
        if self.open_complaints.is_empty() {
            out.push_str("None.\n");
        } else {
            out.push_str(
                "| Complaint | Customer | Owner | Severity | Status | Opened | Overdue |\n",
            );
            out.push_str("|---|---|---|---|---|---|---|\n");
            for c in &self.open_complaints {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    c.id,
                    c.customer,
                    c.owner,
                    c.severity,
                    c.status,
                    c.opened_at.format("%Y-%m-%d"),
                    c.overdue.as_deref().unwrap_or("no")
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_get_two_decimals_and_thousands_separators() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(amount(d("1234567.5")), "1,234,567.50");
        assert_eq!(amount(d("999")), "999.00");
        assert_eq!(amount(d("-1000.004")), "-1,000.00");
        assert_eq!(amount(d("-0.001")), "0.00");
        assert_eq!(amount(Decimal::ZERO), "0.00");
    }
}
