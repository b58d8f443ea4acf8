//! Who is credited with a sale (P5.3a): reps, with positive shares summing to 100. One
//! check for an order's credits and an imported sale's.

use std::collections::HashSet;

use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::facts::Credit;
use crate::ids::UserId;

/// Refuses credits that are empty, name a rep twice, have a share that is not positive,
/// do not sum to 100, or name someone `is_rep` says is not a rep. Errors name `field`
/// (`credits`, `credits[1].rep`).
pub fn check_credits(
    field: &str,
    credits: &[Credit],
    mut is_rep: impl FnMut(&UserId) -> Result<bool>,
) -> Result<()> {
    let total = crate::checked::sum(field, credits.iter().map(|c| c.share_pct))?;
    if credits.is_empty()
        || total != Decimal::ONE_HUNDRED
        || credits.iter().any(|c| c.share_pct <= Decimal::ZERO)
    {
        return Err(Error::invalid(
            field,
            format!("shares must be positive and sum to 100, not {total}"),
        ));
    }
    let mut seen = HashSet::with_capacity(credits.len());
    for (i, c) in credits.iter().enumerate() {
        if !seen.insert(&c.rep) {
            return Err(Error::invalid(
                format!("{field}[{i}].rep"),
                format!("{} is credited twice; give each rep one share", c.rep),
            ));
        }
        if !is_rep(&c.rep)? {
            return Err(Error::invalid(
                format!("{field}[{i}].rep"),
                format!("{} is not a rep", c.rep),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credit(rep: &str, share: i64) -> Credit {
        Credit {
            rep: UserId::from(rep),
            share_pct: Decimal::from(share),
        }
    }

    #[test]
    fn shares_sum_to_100_and_name_each_rep_once() {
        let reps = |r: &UserId| Ok(r.as_str() != "boss");
        assert!(check_credits("credits", &[credit("li", 60), credit("wang", 40)], reps).is_ok());
        for (bad, field) in [
            (vec![], "credits"),
            (vec![credit("li", 60)], "credits"),
            (vec![credit("li", 120), credit("wang", -20)], "credits"),
            (vec![credit("li", 50), credit("li", 50)], "credits[1].rep"),
            (vec![credit("li", 50), credit("boss", 50)], "credits[1].rep"),
        ] {
            match check_credits("credits", &bad, reps) {
                Err(Error::Invalid(e)) => assert_eq!(e.field, field, "{bad:?}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }
}
