//! Properties (#16): any amounts, quantities and shares give a result or a typed error,
//! never a panic, on the pure paths every entry point shares (pricing, the KPI tally,
//! money arithmetic, exact decimal parsing).

use chrono::NaiveDate;
use kis_core::kpi::SalesTally;
use kis_core::pricing::PriceRequest;
use kis_core::{Currency, Error, Money, Policy};
use proptest::prelude::*;
use rust_decimal::Decimal;

const POLICY: &str = include_str!("../../examples/policy.toml");

/// Any decimal rust_decimal can hold, weighted towards the edges: zero, negatives, the
/// largest and the smallest, 28 decimal places.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::ZERO),
        Just(Decimal::new(1, 28)),
        Just(Decimal::new(-1, 28)),
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        (any::<i128>(), 0u32..=28).prop_map(|(m, s)| {
            Decimal::try_from_i128_with_scale(m % 79_228_162_514_264_337_593_543_950_335, s)
                .unwrap_or_default()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn pricing_gives_a_price_or_an_invalid_input(
        list in any_decimal(), cost in any_decimal(), quantity in any_decimal(), day in 0u32..3000,
    ) {
        let policy = Policy::from_toml(POLICY).unwrap();
        let req = PriceRequest {
            product: "KIS-PRO",
            category: "software>erp",
            list_price: list,
            cost,
            currency: policy.general().currency,
            customer: Some("C-1"),
            customer_group: Some("key-accounts"),
            quantity,
            date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(u64::from(day)),
        };
        match policy.price_book().price(&req, true) {
            Ok(line) => {
                prop_assert!(list >= Decimal::ZERO && cost >= Decimal::ZERO && quantity > Decimal::ZERO);
                prop_assert!(line.unit_price >= Decimal::ZERO);
                prop_assert!(line.line_total >= Decimal::ZERO);
            }
            Err(e) => prop_assert!(!e.field.is_empty() && !e.reason.is_empty()),
        }
    }

    #[test]
    fn the_tally_adds_or_refuses(
        sales in prop::collection::vec((any_decimal(), any_decimal(), 0u32..=10_000, 1u32..=12), 1..20),
    ) {
        let mut tally = SalesTally::new(2026);
        for (amount, cost, share, month) in sales {
            let date = NaiveDate::from_ymd_opt(2026, month, 1).unwrap();
            let result = tally.add("rep", date, amount, cost, Decimal::new(i64::from(share), 2));
            if let Err(e) = result {
                prop_assert!(matches!(e, Error::Invalid(_)), "{e}");
            }
        }
        // Reading back: a total or an error naming the rep, never a panic.
        for month in [Some(1), Some(12), None] {
            if let Err(e) = tally.totals("rep", month) {
                prop_assert!(e.to_string().contains("rep"), "{e}");
            }
        }
    }

    #[test]
    fn money_arithmetic_is_checked(a in any_decimal(), b in any_decimal()) {
        let cny = Currency::new("CNY").unwrap();
        let (x, y) = (Money::new(a, cny), Money::new(b, cny));
        prop_assert_eq!(x.checked_add(&y).ok().map(|m| m.amount), a.checked_add(b));
        prop_assert_eq!(x.checked_sub(&y).ok().map(|m| m.amount), a.checked_sub(b));
        prop_assert_eq!(x.checked_mul(b).ok().map(|m| m.amount), a.checked_mul(b));
    }

    /// Whatever text comes in, the exact parser gives the decimal it says, digit for
    /// digit, or refuses it; a decimal's own text always comes back as itself.
    #[test]
    fn decimal_text_is_parsed_exactly(d in any_decimal(), junk in "\\PC{0,40}") {
        let back = kis_core::input::parse_decimal("amount", &d.to_string()).unwrap();
        prop_assert_eq!(back, d);
        prop_assert_eq!(back.scale(), d.scale());
        if let Ok(v) = kis_core::input::parse_decimal("amount", &junk) {
            prop_assert_eq!(v, junk.trim().parse::<Decimal>().unwrap_or(v));
        }
    }
}
