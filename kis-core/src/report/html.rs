//! The report as one self-contained HTML page (P9.3): the same sections as the Markdown
//! document, styled inline, with SVG bar charts of the trend and of sales by category.
//! No script, no external file: it opens from a mail attachment as it is.

use std::fmt::Write;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::markdown::{PERFORMERS_SHOWN, amount, change, percent};
use super::{Performer, SalesReport, Slice};

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:60rem;color:#1d2330;padding:0 1rem}\
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #d5d9e2;padding-bottom:.2rem}\
table{border-collapse:collapse;margin:.6rem 0;width:100%}th,td{padding:.3rem .6rem;border-bottom:1px solid #e6e8ee;text-align:left}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#5b6475}svg text{font-size:12px;fill:#1d2330}";

/// A table: a header row (`n:` marks a numeric column), then rows of cells.
fn table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    let numeric: Vec<bool> = head.iter().map(|h| h.starts_with("n:")).collect();
    out.push_str("<table><thead><tr>");
    for h in head {
        let (class, label) = match h.strip_prefix("n:") {
            Some(label) => (" class=\"n\"", label),
            None => ("", *h),
        };
        let _ = write!(out, "<th{class}>{}</th>", esc(label));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let class = if numeric.get(i).copied().unwrap_or(false) {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", esc(cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

/// A horizontal bar chart of labelled amounts (negative ones drawn as empty bars).
fn bars(out: &mut String, title: &str, items: &[(String, Decimal)]) {
    const WIDTH: i64 = 560;
    const LABEL: i64 = 180;
    const ROW: i64 = 24;
    let largest = items
        .iter()
        .map(|(_, v)| *v)
        .filter(|v| v.is_sign_positive())
        .max()
        .unwrap_or(Decimal::ZERO);
    let rows = i64::try_from(items.len()).unwrap_or(0);
    let height = rows.saturating_mul(ROW).saturating_add(8);
    let _ = write!(
        out,
        "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        WIDTH.saturating_add(LABEL).saturating_add(120),
        esc(title)
    );
    for (i, (label, value)) in items.iter().enumerate() {
        let y = i64::try_from(i)
            .unwrap_or(0)
            .saturating_mul(ROW)
            .saturating_add(4);
        // Pixels only: the value's share of the largest, whole pixels, in decimals.
        let length = if largest.is_zero() || !value.is_sign_positive() {
            0
        } else {
            value
                .checked_mul(Decimal::from(WIDTH))
                .and_then(|v| v.checked_div(largest))
                .and_then(|v| v.round().to_i64())
                .unwrap_or(0)
        };
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{}\">{}</text><rect x=\"{LABEL}\" y=\"{y}\" width=\"{length}\" height=\"{}\" fill=\"#3d6fd6\"/><text x=\"{}\" y=\"{}\">{}</text>",
            y.saturating_add(15),
            esc(label),
            ROW.saturating_sub(6),
            LABEL.saturating_add(length).saturating_add(6),
            y.saturating_add(15),
            esc(&amount(*value))
        );
    }
    let _ = writeln!(
        out,
        "</svg><figcaption>{}</figcaption></figure>",
        esc(title)
    );
}

fn slice_rows(rows: &[Slice]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|s| {
            vec![
                s.key.clone(),
                amount(s.revenue),
                format!("{}%", s.share_pct),
                amount(s.profit),
                s.quantity.to_string(),
            ]
        })
        .collect()
}

fn performer_rows(rows: &[Performer]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|p| {
            vec![
                p.rep.to_string(),
                p.team.as_ref().map_or("-".into(), ToString::to_string),
                amount(p.revenue),
                p.revenue_target.map_or("-".into(), amount),
                percent(p.completion_pct),
                p.score.to_string(),
                p.band.clone(),
            ]
        })
        .collect()
}

impl SalesReport {
    /// The report as a self-contained HTML page: summary with a trend chart, target
    /// completion, performers, sales by product, category (charted), customer group and
    /// region, customers, leads and open complaints. Every text is escaped.
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        let title = format!("Sales report: {}, {}", self.scope, self.period);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
            esc(&title),
            esc(&title)
        );
        let _ = writeln!(
            out,
            "<p class=\"meta\">Prepared by {} on {} under policy {}. Amounts in {}.</p>",
            esc(self.prepared_by.as_str()),
            self.prepared_at.format("%Y-%m-%d %H:%M UTC"),
            esc(self
                .policy_version
                .get(..12)
                .unwrap_or(&self.policy_version)),
            self.currency
        );

        out.push_str("<h2>Summary</h2>\n");
        let trend =
            |label: String, t: &super::Totals, rev: Option<Decimal>, prof: Option<Decimal>| {
                vec![
                    label,
                    amount(t.revenue),
                    change(rev),
                    amount(t.profit),
                    change(prof),
                ]
            };
        table(
            &mut out,
            &["Period", "n:Revenue", "n:Change", "n:Profit", "n:Change"],
            &[
                vec![
                    self.period.to_string(),
                    amount(self.totals.revenue),
                    String::new(),
                    amount(self.totals.profit),
                    String::new(),
                ],
                trend(
                    format!("{} (previous)", self.previous.period),
                    &self.previous.totals,
                    self.previous.revenue_change_pct,
                    self.previous.profit_change_pct,
                ),
                trend(
                    format!("{} (a year earlier)", self.last_year.period),
                    &self.last_year.totals,
                    self.last_year.revenue_change_pct,
                    self.last_year.profit_change_pct,
                ),
            ],
        );
        bars(
            &mut out,
            "Revenue: this period, the previous one and a year earlier",
            &[
                (self.period.to_string(), self.totals.revenue),
                (
                    self.previous.period.to_string(),
                    self.previous.totals.revenue,
                ),
                (
                    self.last_year.period.to_string(),
                    self.last_year.totals.revenue,
                ),
            ],
        );
        let _ = writeln!(
            out,
            "<p>Orders delivered: {}. Customers: {} ({} new, {} returning). Units: {}.</p>",
            self.totals.orders,
            self.totals.customers,
            self.customers.new_customers,
            self.customers.returning_customers,
            self.totals.quantity
        );

        out.push_str("<h2>Target completion</h2>\n");
        let completion: Vec<Vec<String>> = self
            .completion
            .iter()
            .map(|c| {
                let money = c.metric != "new_customers";
                let show = |v: Decimal| if money { amount(v) } else { v.to_string() };
                vec![
                    c.metric.replace('_', " "),
                    show(c.actual),
                    c.target.map_or("-".into(), show),
                    percent(c.completion_pct),
                ]
            })
            .collect();
        table(
            &mut out,
            &["Metric", "n:Actual", "n:Target", "n:Completion"],
            &completion,
        );

        out.push_str("<h2>Performers</h2>\n");
        let head = [
            "Rep",
            "Team",
            "n:Revenue",
            "n:Target",
            "n:Completion",
            "n:Score",
            "Band",
        ];
        if self.performers.len() <= 2 * PERFORMERS_SHOWN {
            table(&mut out, &head, &performer_rows(&self.performers));
        } else {
            out.push_str("<h3>Best</h3>\n");
            table(&mut out, &head, &performer_rows(self.top(PERFORMERS_SHOWN)));
            out.push_str("<h3>Weakest</h3>\n");
            table(
                &mut out,
                &head,
                &performer_rows(self.bottom(PERFORMERS_SHOWN)),
            );
        }

        out.push_str("<h2>Sales</h2>\n");
        let chart: Vec<(String, Decimal)> = self
            .by_category
            .iter()
            .map(|s| (s.key.clone(), s.revenue))
            .collect();
        if !chart.is_empty() {
            bars(&mut out, "Revenue by category", &chart);
        }
        for (title, column, rows) in [
            ("product", "Product", &self.by_product),
            ("category", "Category", &self.by_category),
            ("customer group", "Group", &self.by_customer_group),
            ("region", "Region", &self.by_region),
        ] {
            let _ = writeln!(out, "<h3>By {title}</h3>");
            if rows.is_empty() {
                out.push_str("<p>No sales.</p>\n");
            } else {
                table(
                    &mut out,
                    &[column, "n:Revenue", "n:Share", "n:Profit", "n:Units"],
                    &slice_rows(rows),
                );
            }
        }

        out.push_str("<h2>Customers</h2>\n");
        table(
            &mut out,
            &["", "n:Customers", "n:Revenue"],
            &[
                vec![
                    "New".into(),
                    self.customers.new_customers.to_string(),
                    amount(self.customers.new_revenue),
                ],
                vec![
                    "Returning".into(),
                    self.customers.returning_customers.to_string(),
                    amount(self.customers.returning_revenue),
                ],
            ],
        );

        out.push_str("<h2>Leads</h2>\n");
        if self.leads.is_empty() {
            out.push_str("<p>No leads captured in the period.</p>\n");
        } else {
            let rows: Vec<Vec<String>> = self
                .leads
                .iter()
                .map(|l| {
                    vec![
                        l.source.clone(),
                        l.captured.to_string(),
                        l.converted.to_string(),
                        l.closed.to_string(),
                        l.open.to_string(),
                    ]
                })
                .collect();
            table(
                &mut out,
                &["Source", "n:Captured", "n:Converted", "n:Closed", "n:Open"],
                &rows,
            );
        }

        out.push_str("<h2>Open complaints</h2>\n");
        if self.open_complaints.is_empty() {
            out.push_str("<p>None.</p>\n");
        } else {
            let rows: Vec<Vec<String>> = self
                .open_complaints
                .iter()
                .map(|c| {
                    vec![
                        c.id.clone(),
                        c.customer.clone(),
                        c.owner.to_string(),
                        c.severity.clone(),
                        c.status.clone(),
                        c.opened_at.format("%Y-%m-%d").to_string(),
                        c.overdue.clone().unwrap_or_else(|| "no".into()),
                    ]
                })
                .collect();
            table(
                &mut out,
                &[
                    "Complaint",
                    "Customer",
                    "Owner",
                    "Severity",
                    "Status",
                    "Opened",
                    "Overdue",
                ],
                &rows,
            );
        }
        out.push_str("</body></html>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<b>\"R&D\"</b>"),
            "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;"
        );
    }

    #[test]
    fn bars_scale_to_the_largest_in_whole_pixels() {
        let mut out = String::new();
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        bars(
            &mut out,
            "t",
            &[
                ("a".into(), d("100")),
                ("b".into(), d("50")),
                ("<c>".into(), d("-5")),
            ],
        );
        assert!(out.contains("width=\"560\""), "{out}");
        assert!(out.contains("width=\"280\""), "{out}");
        assert!(out.contains("width=\"0\""), "{out}");
        assert!(out.contains("&lt;c&gt;"), "{out}");
    }
}
