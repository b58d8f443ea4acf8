//! The pricing engine (P4.1, P4.2): one company price system, rules and promotions from
//! the policy file, applied deterministically, every price explained by its trace.
//!
//! Order of work on a line: the best exclusive rule (on the list price), then additive
//! percentages (summed), then compound rules (each on the price left), then the guards
//! (the largest discount the engine gives, `max_line_discount_pct`; the margin floor,
//! `floor_margin_pct`), then free units (the best buy-N-get-M rule, alongside the price).
//! The line total is rounded once, by policy.

mod book;
mod trace;

pub use book::{PriceBook, PriceRequest, PricedLine};
// The rule scopes and the ambiguity lint belong to the policy (its data, checked when it
// loads); they stay reachable here, where a pricing caller looks for them.
pub use crate::input::CATEGORY_SEPARATOR;
pub use crate::policy::{CustomerKey, ProductKey, customer_keys, lint, product_keys};
pub use trace::{Outcome, TraceStep};
