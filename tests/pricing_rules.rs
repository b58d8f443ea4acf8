//! P4.1, P4.2: the pricing engine's semantics, scenario by scenario (the pricing issue's
//! list), plus the property that the order of rules in the file never matters.

use chrono::NaiveDate;
use kis::pricing::{Outcome, PriceRequest, PricedLine};
use kis::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

const EXAMPLE: &str = include_str!("../examples/policy.toml");

/// The example policy with its `[pricing]` section replaced.
fn policy(pricing: &str) -> Policy {
    let start = EXAMPLE.find("[pricing]").unwrap();
    let end = EXAMPLE
        .find("# ---------------------------------------------------------------- approval chains")
        .unwrap();
    let text = format!("{}{pricing}\n{}", &EXAMPLE[..start], &EXAMPLE[end..]);
    Policy::from_toml(&text).unwrap_or_else(|e| panic!("{e}"))
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

struct Line<'a> {
    product: &'a str,
    category: &'a str,
    list: &'a str,
    cost: &'a str,
    customer: Option<&'a str>,
    group: Option<&'a str>,
    qty: i64,
    date: &'a str,
}

const BASE: Line<'static> = Line {
    product: "P1",
    category: "software>erp",
    list: "100",
    cost: "10",
    customer: None,
    group: None,
    qty: 1,
    date: "2026-12-01",
};

fn price(p: &Policy, l: &Line<'_>) -> PricedLine {
    let req = PriceRequest {
        product: l.product,
        category: l.category,
        list_price: dec(l.list),
        cost: dec(l.cost),
        currency: Currency::new("CNY").unwrap(),
        customer: l.customer,
        customer_group: l.group,
        quantity: Decimal::from(l.qty),
        date: day(l.date),
    };
    p.price_book().price(&req, true).unwrap()
}

fn unit(p: &Policy, l: &Line<'_>) -> Decimal {
    price(p, l).unit_price
}

#[test]
fn s1_no_rule_gives_the_list_price_and_a_product_rule_applies() {
    let none = policy("[pricing]\n");
    let line = price(&none, &BASE);
    assert_eq!(
        (line.unit_price, line.line_total),
        (dec("100"), dec("100.00"))
    );
    assert!(line.applied.is_empty() && line.trace.is_empty());
    let p = policy(
        "[pricing]\n[[pricing.rules]]\nid = \"p10\"\nproducts = { id = \"P1\" }\naction = { percent_off = \"10\" }\n",
    );
    assert_eq!(unit(&p, &BASE), dec("90"));
    assert_eq!(
        unit(
            &p,
            &Line {
                product: "P2",
                ..BASE
            }
        ),
        dec("100"),
        "another product"
    );
}

#[test]
fn s2_the_more_specific_scope_wins_at_equal_priority_and_priority_beats_specificity() {
    let rules = |cat_priority: i32, prod_priority: i32| {
        policy(&format!(
            "[pricing]\n[[pricing.rules]]\nid = \"cat15\"\nproducts = {{ category = \"software\" }}\npriority = {cat_priority}\naction = {{ percent_off = \"15\" }}\n\
             [[pricing.rules]]\nid = \"prod10\"\nproducts = {{ id = \"P1\" }}\npriority = {prod_priority}\naction = {{ percent_off = \"10\" }}\n"
        ))
    };
    let same = rules(0, 0);
    let line = price(&same, &BASE);
    assert_eq!(line.unit_price, dec("90"));
    let cat = line.trace.iter().find(|t| t.rule == "cat15").unwrap();
    assert_eq!(cat.outcome, Outcome::Outranked);
    assert!(cat.detail.contains("prod10"), "{}", cat.detail);
    assert_eq!(
        unit(&rules(5, 1), &BASE),
        dec("85"),
        "priority 5 beats the product rule's 1"
    );
}

#[test]
fn s2b_a_deeper_category_beats_a_shallower_one() {
    let p = policy(
        "[pricing]\n[[pricing.rules]]\nid = \"a\"\nproducts = { category = \"software\" }\naction = { percent_off = \"5\" }\n\
         [[pricing.rules]]\nid = \"b\"\nproducts = { category = \"software>erp\" }\naction = { percent_off = \"7\" }\n",
    );
    assert_eq!(unit(&p, &BASE), dec("93"));
    assert_eq!(
        unit(
            &p,
            &Line {
                category: "software>crm",
                ..BASE
            }
        ),
        dec("95")
    );
}

#[test]
fn s3_customer_then_group_then_everyone() {
    let p = policy(
        "[pricing]\n[[pricing.rules]]\nid = \"c\"\ncustomers = { id = \"C-1\" }\naction = { percent_off = \"20\" }\n\
         [[pricing.rules]]\nid = \"g\"\ncustomers = { group = \"key\" }\naction = { percent_off = \"15\" }\n\
         [[pricing.rules]]\nid = \"all\"\naction = { percent_off = \"10\" }\n",
    );
    assert_eq!(
        unit(
            &p,
            &Line {
                customer: Some("C-1"),
                group: Some("key"),
                ..BASE
            }
        ),
        dec("80")
    );
    assert_eq!(
        unit(
            &p,
            &Line {
                customer: Some("C-2"),
                group: Some("key"),
                ..BASE
            }
        ),
        dec("85")
    );
    assert_eq!(
        unit(
            &p,
            &Line {
                customer: Some("C-3"),
                group: Some("retail"),
                ..BASE
            }
        ),
        dec("90")
    );
}

#[test]
fn s4_a_quantity_window() {
    let p = policy(
        "[pricing]\n[[pricing.rules]]\nid = \"w\"\nmin_qty = 5\nmax_qty = 7\naction = { percent_off = \"10\" }\n",
    );
    assert_eq!(unit(&p, &Line { qty: 6, ..BASE }), dec("90"));
    let line = price(&p, &Line { qty: 10, ..BASE });
    assert_eq!(line.unit_price, dec("100"));
    assert_eq!(line.trace[0].outcome, Outcome::NotMatched);
    assert_eq!(line.trace[0].detail, "quantity 10 is above max_qty 7");
}

#[test]
fn s5_a_validity_window_is_inclusive() {
    let p = policy(
        "[pricing]\n[[pricing.rules]]\nid = \"eoy\"\ncampaign = \"year end\"\nvalid = { from = 2026-12-27, to = 2026-12-31 }\naction = { percent_off = \"10\" }\n",
    );
    assert_eq!(
        unit(
            &p,
            &Line {
                date: "2026-12-31",
                ..BASE
            }
        ),
        dec("90")
    );
    assert_eq!(
        unit(
            &p,
            &Line {
                date: "2026-12-27",
                ..BASE
            }
        ),
        dec("90")
    );
    let line = price(
        &p,
        &Line {
            date: "2027-01-01",
            ..BASE
        },
    );
    assert_eq!(line.unit_price, dec("100"));
    assert!(line.trace[0].detail.contains("outside the window"));
}

#[test]
fn s6_additive_and_compound_stacking() {
    let stack = |mode: &str| {
        policy(&format!(
            "[pricing]\n[[pricing.rules]]\nid = \"s20\"\npriority = 2\nstacking = \"{mode}\"\naction = {{ percent_off = \"20\" }}\n\
             [[pricing.rules]]\nid = \"s10\"\npriority = 1\nstacking = \"{mode}\"\naction = {{ percent_off = \"10\" }}\n"
        ))
    };
    assert_eq!(unit(&stack("additive"), &BASE), dec("70"));
    assert_eq!(unit(&stack("compound"), &BASE), dec("72"));
    let p = policy(
        "[pricing]\n[[pricing.rules]]\nid = \"pct\"\npriority = 2\nstacking = \"compound\"\naction = { percent_off = \"10\" }\n\
         [[pricing.rules]]\nid = \"off\"\npriority = 1\nstacking = \"compound\"\naction = { amount_off = \"200\" }\n",
    );
    assert_eq!(
        unit(
            &p,
            &Line {
                list: "1000",
                ..BASE
            }
        ),
        dec("700")
    );
}

#[test]
fn s7_markup_on_cost() {
    let p = policy(
        "[pricing]\n[[pricing.rules]]\nid = \"m\"\naction = { markup_on_cost_pct = \"25\" }\n",
    );
    assert_eq!(unit(&p, &Line { cost: "80", ..BASE }), dec("100"));
}

#[test]
fn s8_range_and_slab_tiers() {
    let tiers = |mode: &str| {
        policy(&format!(
            "[pricing]\n[[pricing.rules]]\nid = \"t\"\naction = {{ tiers = [ {{ from = 1, percent_off = \"10\" }}, {{ from = 10, percent_off = \"20\" }}, \
             {{ from = 20, percent_off = \"30\" }} ], mode = \"{mode}\" }}\n"
        ))
    };
    assert_eq!(
        price(&tiers("range"), &Line { qty: 30, ..BASE }).line_total,
        dec("2100.00")
    );
    assert_eq!(
        price(&tiers("slab"), &Line { qty: 30, ..BASE }).line_total,
        dec("2380.00")
    );
    assert_eq!(
        price(&tiers("range"), &Line { qty: 9, ..BASE }).line_total,
        dec("810.00")
    );
}

#[test]
fn s9_buy_three_get_one() {
    let free = |recursive: bool| {
        policy(&format!(
            "[pricing]\n[[pricing.rules]]\nid = \"b3g1\"\nmin_qty = 3\naction = {{ free_units = {{ per = 3, get = 1, recursive = {recursive} }} }}\n"
        ))
    };
    let line = price(&free(true), &Line { qty: 7, ..BASE });
    assert_eq!(
        (line.free_units, line.line_total),
        (dec("2"), dec("700.00"))
    );
    assert_eq!(
        price(&free(false), &Line { qty: 7, ..BASE }).free_units,
        dec("1")
    );
    assert_eq!(
        price(&free(true), &Line { qty: 2, ..BASE }).free_units,
        dec("0")
    );
}

#[test]
fn s10_the_floor_guard_clamps_and_says_so() {
    let p = policy(
        "[pricing]\nfloor_margin_pct = \"5\"\n[[pricing.rules]]\nid = \"d20\"\naction = { percent_off = \"20\" }\n",
    );
    let line = price(&p, &Line { cost: "90", ..BASE });
    assert_eq!(line.unit_price, dec("94.5"));
    let guard = line.trace.last().unwrap();
    assert_eq!(
        (guard.rule.as_str(), &guard.outcome),
        ("pricing.floor_margin_pct", &Outcome::Guard)
    );
    assert!(
        guard.detail.contains("clamped to cost 90 + 5% = 94.50"),
        "{}",
        guard.detail
    );
}

#[test]
fn the_engine_never_gives_more_than_the_largest_line_discount() {
    let p = policy(
        "[pricing]\nmax_line_discount_pct = \"40\"\n[[pricing.rules]]\nid = \"d50\"\naction = { percent_off = \"50\" }\n",
    );
    let line = price(&p, &BASE);
    assert_eq!(line.unit_price, dec("60"));
    assert!(
        line.trace
            .iter()
            .any(|t| t.rule == "pricing.max_line_discount_pct")
    );
}

#[test]
fn the_line_total_is_rounded_once_by_policy() {
    let p =
        policy("[pricing]\n[[pricing.rules]]\nid = \"d\"\naction = { percent_off = \"33.333\" }\n");
    let line = price(
        &p,
        &Line {
            list: "0.10",
            cost: "0.01",
            qty: 7,
            ..BASE
        },
    );
    // 0.10 * 0.66667 = 0.066667 per unit; 7 units = 0.466669 -> 0.47 (not 7 x 0.07 = 0.49).
    assert_eq!(line.line_total, dec("0.47"));
}

#[test]
fn ambiguous_rules_are_reported_when_the_policy_loads() {
    let p = policy(
        "[pricing]\n[[pricing.rules]]\nid = \"x\"\nproducts = { id = \"P1\" }\naction = { percent_off = \"5\" }\n\
         [[pricing.rules]]\nid = \"y\"\nproducts = { id = \"P1\" }\nmin_qty = 10\naction = { percent_off = \"8\" }\n\
         [[pricing.rules]]\nid = \"z\"\nproducts = { id = \"P1\" }\npriority = 1\naction = { percent_off = \"9\" }\n",
    );
    let lints = p.lints();
    assert_eq!(lints.len(), 1, "{lints:?}");
    assert_eq!(lints[0].key, "pricing.rules[1]");
    assert!(
        lints[0].message.contains("\"x\" and \"y\""),
        "{}",
        lints[0].message
    );
    assert!(lints[0].line.is_some());
    // The example policy is free of such ambiguity.
    assert!(Policy::from_toml(EXAMPLE).unwrap().lints().is_empty());
}

/// P4.1, #16: 10,000 rules of one scope and priority, each window meeting the next, load
/// with one lint per rule after the first (found by a sweep, not by comparing 50 million
/// pairs), and each lint names its rule and the one before it.
#[test]
fn a_large_ambiguous_group_gives_one_lint_per_rule() {
    let mut text = String::from("[pricing]\n");
    for n in 0..10_000u32 {
        // Windows of two days, one day apart: each meets only its neighbours.
        let from =
            chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(n.into());
        let to = from + chrono::Days::new(1);
        text.push_str(&format!(
            "[[pricing.rules]]\nid = \"r{n}\"\nproducts = {{ id = \"P1\" }}\nvalid = {{ from = \"{from}\", to = \"{to}\" }}\naction = {{ percent_off = \"1\" }}\n"
        ));
    }
    let p = policy(&text);
    let lints = p.lints();
    assert_eq!(lints.len(), 9_999);
    assert_eq!(lints[0].key, "pricing.rules[1]");
    assert!(
        lints[0].message.contains("\"r0\" and \"r1\""),
        "{}",
        lints[0].message
    );
    assert_eq!(lints[9_998].key, "pricing.rules[9999]");
    assert!(lints[9_998].message.contains("\"r9998\" and \"r9999\""));
}

/// Random rule sets: shuffling them in the file never changes a price or its trace.
fn rule_text(i: usize, kind: u8, scope: u8, priority: i32, pct: u8, stacking: u8) -> String {
    let products = match scope % 4 {
        0 => "products = { id = \"P1\" }\n",
        1 => "products = { category = \"software\" }\n",
        2 => "products = { category = \"software>erp\" }\n",
        _ => "",
    };
    let customers = match scope / 4 % 3 {
        0 => "customers = { id = \"C-1\" }\n",
        1 => "customers = { group = \"key\" }\n",
        _ => "",
    };
    let action = match kind % 4 {
        0 => format!("action = {{ percent_off = \"{pct}\" }}\n"),
        1 => format!("action = {{ amount_off = \"{pct}\" }}\n"),
        2 => format!("action = {{ fixed_price = \"{}\" }}\n", 50 + pct),
        _ => format!("action = {{ markup_on_cost_pct = \"{pct}\" }}\n"),
    };
    let (stacking, action) = match (stacking % 3, kind % 4) {
        (1, 0) => ("stacking = \"additive\"\n", action),
        (2, 0 | 1) => ("stacking = \"compound\"\n", action),
        _ => ("", action),
    };
    format!(
        "[[pricing.rules]]\nid = \"r{i:02}\"\n{products}{customers}priority = {priority}\n{stacking}{action}"
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn s12_shuffling_the_rules_never_changes_a_result(
        rules in prop::collection::vec((0u8..4, 0u8..12, 0i32..3, 1u8..40, 0u8..3), 1..12),
        seed in any::<u64>(),
        qty in 1i64..50,
    ) {
        let texts: Vec<String> = rules.iter().enumerate().map(|(i, r)| rule_text(i, r.0, r.1, r.2, r.3, r.4)).collect();
        let mut shuffled = texts.clone();
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let a = policy(&format!("[pricing]\nfloor_margin_pct = \"5\"\n{}", texts.join("")));
        let b = policy(&format!("[pricing]\nfloor_margin_pct = \"5\"\n{}", shuffled.join("")));
        for (customer, group) in [(Some("C-1"), Some("key")), (Some("C-2"), Some("key")), (None, None)] {
            let line = Line { customer, group, qty, ..BASE };
            prop_assert_eq!(price(&a, &line), price(&b, &line));
        }
    }
}

/// A rule with a validity window of `start..start + len` days of December 2026 (none
/// when `len` is 0) and perhaps a quantity range: what the date index narrows by (#21).
fn windowed_rule(
    i: usize,
    scope: u8,
    priority: i32,
    pct: u8,
    start: u8,
    len: u8,
    stacking: u8,
) -> String {
    let base = rule_text(i, 0, scope, priority, pct, stacking);
    let window = if len == 0 {
        String::new()
    } else {
        let from = 1 + start % 28;
        let to = (from + len).min(31);
        format!("valid = {{ from = 2026-12-{from:02}, to = 2026-12-{to:02} }}\n")
    };
    let qty = if pct.is_multiple_of(3) {
        "min_qty = 5\n"
    } else {
        ""
    };
    base.replacen("priority", &format!("{window}{qty}priority"), 1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Pricing without a trace checks only the rules valid on the line's date (the date
    /// index); with a trace it considers every rule. The price, the free units and the
    /// rules applied are the same either way, on every day.
    #[test]
    fn the_date_index_never_changes_a_price(
        rules in prop::collection::vec((0u8..12, 0i32..3, 1u8..40, 0u8..31, 0u8..12, 0u8..3), 1..24),
        qty in 1i64..12,
        day_of_month in 1u32..32,
    ) {
        let texts: Vec<String> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| windowed_rule(i, r.0, r.1, r.2, r.3, r.4, r.5))
            .collect();
        let p = policy(&format!("[pricing]\nfloor_margin_pct = \"5\"\n{}", texts.join("")));
        let date = format!("2026-12-{day_of_month:02}");
        for (customer, group) in [(Some("C-1"), Some("key")), (None, Some("key")), (None, None)] {
            let line = Line { customer, group, qty, date: &date, ..BASE };
            let traced = price(&p, &line);
            let req = PriceRequest {
                product: line.product,
                category: line.category,
                list_price: dec(line.list),
                cost: dec(line.cost),
                currency: Currency::new("CNY").unwrap(),
                customer,
                customer_group: group,
                quantity: Decimal::from(qty),
                date: day(&date),
            };
            let indexed = p.price_book().price(&req, false).unwrap();
            prop_assert_eq!(&indexed.unit_price, &traced.unit_price);
            prop_assert_eq!(&indexed.free_units, &traced.free_units);
            prop_assert_eq!(&indexed.line_total, &traced.line_total);
            prop_assert_eq!(&indexed.applied, &traced.applied);
            prop_assert!(indexed.trace.is_empty());
        }
    }
}
