//! The lines of a claim against the policy (P6.2): categories, receipts, dates, limits.

#[allow(unused_imports)]
use super::*;

/// Checks the lines of a claim against the policy (P6.2). Pure.
pub fn check_lines(
    rules: &ExpensePolicy,
    lines: &[ClaimLine],
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<()> {
    if lines.is_empty() {
        return Err(Error::invalid(
            "lines",
            "a claim needs at least one expense",
        ));
    }
    if to < from || from.year() != to.year() {
        return Err(Error::invalid(
            "period_to",
            format!("the period {from}..{to} must run forward within one year"),
        ));
    }
    for (i, l) in lines.iter().enumerate() {
        let field = |name: &str| format!("lines[{i}].{name}");
        if !rules.categories.contains(&l.category) {
            return Err(Error::invalid(
                field("category"),
                format!("{:?} is not one of {:?}", l.category, rules.categories),
            ));
        }
        if l.amount <= Decimal::ZERO {
            return Err(Error::invalid(
                field("amount"),
                format!("{} must be positive", l.amount),
            ));
        }
        if l.description.trim().is_empty() {
            return Err(Error::invalid(
                field("description"),
                "say what the expense was",
            ));
        }
        if l.date < from || l.date > to {
            return Err(Error::invalid(
                field("date"),
                format!("{} is outside the claim's period {from}..{to}", l.date),
            ));
        }
        if l.date > today {
            return Err(Error::invalid(
                field("date"),
                format!("{} is in the future", l.date),
            ));
        }
        let age = today.signed_duration_since(l.date).num_days();
        if age > i64::from(rules.file_within_days) {
            return Err(Error::invalid(
                field("date"),
                format!(
                    "filed {age} days after the expense; claims are filed within {} days (P6.2)",
                    rules.file_within_days
                ),
            ));
        }
        match &l.receipt {
            None if l.amount > rules.receipt_required_over => {
                return Err(Error::invalid(
                    field("receipt"),
                    format!(
                        "{} is over {}: a receipt is required (P6.2)",
                        l.amount, rules.receipt_required_over
                    ),
                ));
            }
            None => {}
            Some(r) => {
                if r.issuer.trim().is_empty() || r.number.trim().is_empty() {
                    return Err(Error::invalid(
                        field("receipt"),
                        "a receipt names its issuer and number",
                    ));
                }
                if r.date != l.date {
                    return Err(Error::invalid(
                        field("receipt.date"),
                        format!("the receipt is dated {}, the expense {}", r.date, l.date),
                    ));
                }
                if r.amount < l.amount {
                    return Err(Error::invalid(
                        field("receipt.amount"),
                        format!(
                            "the receipt shows {}, less than the {} claimed",
                            r.amount, l.amount
                        ),
                    ));
                }
                if let Some(h) = &r.file_sha256
                    && (h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()))
                {
                    return Err(Error::invalid(
                        field("receipt.file_sha256"),
                        "must be 64 hex digits",
                    ));
                }
            }
        }
        if let Some(limit) = rules.limits.get(&l.category).and_then(|x| x.per_event)
            && l.amount > limit
        {
            return Err(Error::invalid(
                field("amount"),
                format!(
                    "{} is over the {} limit of {limit} per event",
                    l.amount, l.category
                ),
            ));
        }
    }
    // Per day and person, within the claim.
    let mut per_day: BTreeMap<(&str, NaiveDate), Decimal> = BTreeMap::new();
    for l in lines {
        let sum = per_day.entry((l.category.as_str(), l.date)).or_default();
        *sum = crate::checked::add("lines", *sum, l.amount)?;
    }
    for ((category, day), total) in per_day {
        if let Some(limit) = rules.limits.get(category).and_then(|x| x.per_day)
            && total > limit
        {
            return Err(Error::invalid(
                "lines",
                format!("{total} of {category} on {day} is over the limit of {limit} per day"),
            ));
        }
    }
    Ok(())
}
