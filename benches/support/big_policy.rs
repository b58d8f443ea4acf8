//! The 10,000-rule policy of the pricing benchmarks, shared by `pricing` and `sync`.

use kis::Policy;

const EXAMPLE: &str = include_str!("../../examples/policy.toml");
pub const GROUPS: usize = 50;
pub const CATEGORIES: usize = 25;

/// The example policy with 10,000 generated rules.
pub fn big_policy() -> Policy {
    let mut rules = String::from("[pricing]\nfloor_margin_pct = \"5\"\n");
    let breaks = [(1, 9), (10, 49), (50, 199), (200, 100000)];
    let windows = [("2026-01-01", "2026-06-30"), ("2026-07-01", "2026-12-31")];
    for g in 0..GROUPS {
        for c in 0..CATEGORIES {
            for (b, (min, max)) in breaks.iter().enumerate() {
                for (w, (from, to)) in windows.iter().enumerate() {
                    let pct = 1 + (g * 7 + c * 3 + b * 5 + w) % 30;
                    rules.push_str(&format!(
                        "[[pricing.rules]]\nid = \"g{g}-c{c}-b{b}-w{w}\"\ncustomers = {{ group = \"group{g}\" }}\n\
                         products = {{ category = \"dept{}>cat{c}\" }}\nmin_qty = {min}\nmax_qty = {max}\n\
                         valid = {{ from = {from}, to = {to} }}\naction = {{ percent_off = \"{pct}\" }}\n",
                        c % 5
                    ));
                }
            }
        }
    }
    let start = EXAMPLE.find("[pricing]").unwrap();
    let end = EXAMPLE
        .find("# ---------------------------------------------------------------- approval chains")
        .unwrap();
    Policy::from_toml(&format!(
        "{}{rules}\n{}",
        &EXAMPLE[..start],
        &EXAMPLE[end..]
    ))
    .unwrap()
}
