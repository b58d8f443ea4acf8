//! The price book: the policy's rules compiled into an index, and the pricing of a line.
//! Pure and deterministic: the same rules (in any order), product, customer, quantity
//! and date always give the same price and the same trace.

use std::sync::Arc;

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::trace::{Outcome, TraceStep};
use crate::checked;
use crate::error::InvalidInput;
use crate::input;
use crate::input::CATEGORY_SEPARATOR;
use crate::money::{Currency, RoundingPolicy};
use crate::policy::{Action, Policy, PriceRule, PricingPolicy, Stacking, TierMode};
use crate::policy::{CustomerKey, ProductKey};

impl Policy {
    /// The compiled price rules, built once per policy on first use and kept with it.
    pub fn price_book(&self) -> Arc<PriceBook> {
        let cached = self
            .derived()
            .get_or_init(|| Arc::new(PriceBook::new(self.pricing(), self.rounding())));
        // Only this function fills the cache, always with a price book; were it anything
        // else, a fresh book is still the right answer.
        Arc::clone(cached)
            .downcast::<PriceBook>()
            .unwrap_or_else(|_| Arc::new(PriceBook::new(self.pricing(), self.rounding())))
    }
}

/// What a line is priced for.
#[derive(Debug, Clone, Copy)]
pub struct PriceRequest<'a> {
    /// Product id.
    pub product: &'a str,
    /// The product's category path (`software>erp`).
    pub category: &'a str,
    /// List price per unit.
    pub list_price: Decimal,
    /// Cost per unit (markup rules and the floor guard use it).
    pub cost: Decimal,
    /// Currency of the prices.
    pub currency: Currency,
    /// The customer, if known.
    pub customer: Option<&'a str>,
    /// The customer's group, if known.
    pub customer_group: Option<&'a str>,
    /// Units ordered.
    pub quantity: Decimal,
    /// The pricing date (validity windows).
    pub date: NaiveDate,
}

/// A priced line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PricedLine {
    /// The list price per unit.
    pub list_price: Decimal,
    /// The engine's unit price (exact; `line_total` is what is rounded).
    pub unit_price: Decimal,
    /// Units charged.
    pub quantity: Decimal,
    /// Units given free on top (buy N get M).
    pub free_units: Decimal,
    /// `unit_price * quantity`, rounded once by policy.
    pub line_total: Decimal,
    /// The rules that changed the price or gave free units, in the order applied.
    pub applied: Vec<String>,
    /// Every rule considered, and what it did or why not (empty when not asked for).
    pub trace: Vec<TraceStep>,
}

#[derive(Debug, Clone)]
struct Compiled {
    rule: PriceRule,
    product: ProductKey,
    customer: CustomerKey,
    /// Precomputed for ranking: product and customer specificity, start of validity.
    product_rank: u32,
    customer_rank: u32,
    starts: Option<NaiveDate>,
    /// The rule's place in the precedence of [`Compiled::outranks`] (0 ranks first):
    /// candidates are put in order by this number, not by comparing rules.
    rank: u32,
}

impl Compiled {
    fn is_free_units(&self) -> bool {
        self.rule.action.free_units.is_some()
    }

    /// The precedence among exclusive rules: higher priority, then the more specific
    /// product scope, then the more specific customer scope, then the later `valid.from`,
    /// then the rule id. A total order, so the file's order never matters.
    fn outranks(&self, other: &Compiled) -> Ordering {
        other
            .rule
            .priority
            .cmp(&self.rule.priority)
            .then_with(|| other.product_rank.cmp(&self.product_rank))
            .then_with(|| other.customer_rank.cmp(&self.customer_rank))
            .then_with(|| other.starts.cmp(&self.starts))
            .then_with(|| self.rule.id.cmp(&other.rule.id))
    }
}

/// Rules of one product scope, by customer scope.
#[derive(Debug, Default, Clone)]
struct Bucket {
    by_customer: HashMap<String, Scoped>,
    by_group: HashMap<String, Scoped>,
    all: Scoped,
}

impl Bucket {
    fn add(&mut self, key: &CustomerKey, rule: usize) {
        match key {
            CustomerKey::Customer(c) => self.by_customer.entry(c.clone()).or_default().add(rule),
            CustomerKey::Group(g) => self.by_group.entry(g.clone()).or_default().add(rule),
            CustomerKey::All => self.all.add(rule),
        }
    }

    fn lists_mut(&mut self) -> impl Iterator<Item = &mut Scoped> {
        self.by_customer
            .values_mut()
            .chain(self.by_group.values_mut())
            .chain([&mut self.all])
    }

    /// The rules of the customer's scopes: all of them, or (`on`) only those whose
    /// validity covers that date.
    fn collect(
        &self,
        customer: Option<&str>,
        group: Option<&str>,
        on: Option<NaiveDate>,
        out: &mut Vec<usize>,
    ) {
        if let Some(rules) = customer.and_then(|c| self.by_customer.get(c)) {
            rules.collect(on, out);
        }
        if let Some(rules) = group.and_then(|g| self.by_group.get(g)) {
            rules.collect(on, out);
        }
        self.all.collect(on, out);
    }
}

/// The rules of one product and customer scope, and an index of them by date: the days
/// where the set of rules in their validity changes, and for each stretch between two
/// such days the rules valid throughout it. A line is then checked only against the
/// rules of its day, so pricing stays nearly flat as a policy gathers rules by season,
/// campaign or month (#21). The index is left out where it would hold many times the
/// rules (long overlapping windows); the list alone is always right.
#[derive(Debug, Default, Clone)]
struct Scoped {
    rules: Vec<usize>,
    /// Sorted days where a validity starts or ends (the day after `to`).
    days: Vec<NaiveDate>,
    /// `stretches[i]`: the rules valid on every day from `days[i - 1]` (or ever) to the
    /// day before `days[i]` (or for ever); one more than `days`.
    stretches: Vec<Vec<usize>>,
}

/// How many times the rules a date index may hold before it is left out.
const INDEX_GROWTH: usize = 8;

impl Scoped {
    fn add(&mut self, rule: usize) {
        self.rules.push(rule);
    }

    /// Builds the date index from the rules' windows (`window(rule)`).
    fn index(&mut self, window: impl Fn(usize) -> Option<(NaiveDate, Option<NaiveDate>)>) {
        let mut days: Vec<NaiveDate> = self
            .rules
            .iter()
            .filter_map(|&r| window(r))
            .flat_map(|(from, after)| [Some(from), after])
            .flatten()
            .collect();
        days.sort_unstable();
        days.dedup();
        if days.is_empty() {
            return;
        }
        let mut stretches = vec![Vec::new(); days.len().saturating_add(1)];
        let budget = self
            .rules
            .len()
            .saturating_mul(INDEX_GROWTH)
            .saturating_add(64);
        let mut held = 0usize;
        for &r in &self.rules {
            // Stretch i starts at days[i - 1]; a window [from, after) covers the
            // stretches from the one starting at `from` to the one before `after`.
            let (first, end) = match window(r) {
                None => (0, stretches.len()),
                Some((from, after)) => (
                    days.partition_point(|d| *d <= from),
                    after.map_or(stretches.len(), |a| days.partition_point(|d| *d <= a)),
                ),
            };
            for stretch in stretches.iter_mut().take(end).skip(first) {
                stretch.push(r);
                held = held.saturating_add(1);
            }
            if held > budget {
                return;
            }
        }
        self.days = days;
        self.stretches = stretches;
    }

    fn collect(&self, on: Option<NaiveDate>, out: &mut Vec<usize>) {
        match on {
            Some(day) if !self.stretches.is_empty() => {
                let i = self.days.partition_point(|d| *d <= day);
                if let Some(rules) = self.stretches.get(i) {
                    out.extend(rules);
                }
            }
            _ => out.extend(&self.rules),
        }
    }
}

/// The compiled price rules of a policy: the one price system reps cannot change (P4.1).
///
/// ```
/// use kis_core::pricing::PriceRequest;
/// use kis_core::{Currency, Policy};
/// use rust_decimal::Decimal;
///
/// let policy = Policy::from_toml(&std::fs::read_to_string("../examples/policy.toml")?)?;
/// let line = policy.price_book().price(
///     &PriceRequest {
///         product: "KIS-SEAT",
///         category: "software>seats",
///         list_price: Decimal::from(800),
///         cost: Decimal::from(300),
///         currency: Currency::new("CNY")?,
///         customer: Some("C-HUA"),
///         customer_group: Some("key-accounts"),
///         quantity: Decimal::from(15),
///         date: "2026-11-27".parse()?,
///     },
///     true,
/// )?;
/// assert_eq!(line.unit_price, Decimal::from(720));   // key accounts: 10 % off software
/// assert_eq!(line.free_units, Decimal::from(5));     // buy 3, get 1
/// assert_eq!(line.line_total.to_string(), "10800.00");
/// assert!(!line.trace.is_empty());                    // why, rule by rule
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PriceBook {
    rules: Vec<Compiled>,
    by_product: HashMap<String, Bucket>,
    by_category: HashMap<String, Bucket>,
    all_products: Bucket,
    rounding: RoundingPolicy,
    floor_margin_pct: Decimal,
    max_line_discount_pct: Option<Decimal>,
}

impl PriceBook {
    /// Compiles the rules of `[pricing]`, rounding by `rounding`.
    pub fn new(pricing: &PricingPolicy, rounding: RoundingPolicy) -> PriceBook {
        let mut rules: Vec<Compiled> = pricing
            .rules
            .iter()
            .map(|r| {
                let (product, customer) = (ProductKey::of(r), CustomerKey::of(r));
                Compiled {
                    product_rank: product.specificity(),
                    customer_rank: customer.specificity(),
                    starts: r.valid.as_ref().map(|w| w.from),
                    rule: r.clone(),
                    product,
                    customer,
                    rank: 0,
                }
            })
            .collect();
        // Each rule's rank in the total order of precedence; then index order is the
        // rule id order, not the file order.
        rules.sort_by(|a, b| a.outranks(b));
        for (rank, c) in rules.iter_mut().enumerate() {
            c.rank = u32::try_from(rank).unwrap_or(u32::MAX);
        }
        rules.sort_by(|a, b| a.rule.id.cmp(&b.rule.id));
        let mut book = PriceBook {
            by_product: HashMap::new(),
            by_category: HashMap::new(),
            all_products: Bucket::default(),
            rounding,
            floor_margin_pct: pricing.floor_margin_pct,
            max_line_discount_pct: pricing.max_line_discount_pct,
            rules: Vec::new(),
        };
        for (i, c) in rules.iter().enumerate() {
            let bucket = match &c.product {
                ProductKey::Product(p) => book.by_product.entry(p.clone()).or_default(),
                ProductKey::Category(cat) => book.by_category.entry(cat.clone()).or_default(),
                ProductKey::All => &mut book.all_products,
            };
            bucket.add(&c.customer, i);
        }
        // Every list by date: a window is [from, to], so it ends the day after `to`.
        let window = |i: usize| {
            rules
                .get(i)
                .and_then(|c| c.rule.valid.as_ref())
                .map(|w| (w.from, w.to.succ_opt()))
        };
        for bucket in book
            .by_product
            .values_mut()
            .chain(book.by_category.values_mut())
            .chain([&mut book.all_products])
        {
            for list in bucket.lists_mut() {
                list.index(window);
            }
        }
        book.rules = rules;
        book
    }

    /// The number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rules whose product and customer scopes cover the request, best first: all
    /// of them (for a trace, which lists every rule considered), or only those valid on
    /// the request's date (the same price, without checking the others).
    fn candidates(&self, req: &PriceRequest<'_>, explain: bool) -> Vec<usize> {
        let mut out = Vec::new();
        let (customer, group) = (req.customer, req.customer_group);
        let on = (!explain).then_some(req.date);
        if let Some(b) = self.by_product.get(req.product) {
            b.collect(customer, group, on, &mut out);
        }
        let mut path = req.category.trim();
        while !path.is_empty() {
            if let Some(b) = self.by_category.get(path) {
                b.collect(customer, group, on, &mut out);
            }
            path = path.rfind(CATEGORY_SEPARATOR).map_or("", |i| &path[..i]);
        }
        self.all_products.collect(customer, group, on, &mut out);
        // Candidates are positions in `rules` (the index was built from it).
        out.retain(|&i| i < self.rules.len());
        out.sort_unstable_by_key(|&i| self.rules.get(i).map_or(u32::MAX, |c| c.rank));
        out
    }

    /// Prices one line. With `explain`, the result carries the full trace.
    ///
    /// The request is checked first (the product id, the category path, prices and cost
    /// not below zero, a positive quantity, the date); a field out of range, or amounts
    /// too large to compute with exactly, are an [`InvalidInput`] naming the field.
    pub fn price(&self, req: &PriceRequest<'_>, explain: bool) -> Result<PricedLine, InvalidInput> {
        check_request(req)?;
        let mut trace = Vec::new();
        // The detail is a closure: its text is built only when a trace is asked for.
        let mut note =
            |rule: &str, outcome: Outcome, detail: &dyn Fn() -> String, unit: Option<Decimal>| {
                if explain {
                    trace.push(TraceStep {
                        rule: rule.to_string(),
                        outcome,
                        detail: detail(),
                        unit_price: unit,
                    });
                }
            };
        let candidates = self.candidates(req, explain);
        let mut exclusive = Vec::new();
        let mut additive = Vec::new();
        let mut compound = Vec::new();
        let mut free = Vec::new();
        for c in candidates.iter().filter_map(|&i| self.rules.get(i)) {
            match mismatch(&c.rule, req) {
                Some(why) => {
                    if explain {
                        note(
                            &c.rule.id,
                            Outcome::NotMatched,
                            &|| why.describe(&c.rule, req),
                            None,
                        );
                    }
                }
                None if c.is_free_units() => free.push(c),
                None => match c.rule.stacking {
                    Stacking::Exclusive => exclusive.push(c),
                    Stacking::Additive => additive.push(c),
                    Stacking::Compound => compound.push(c),
                },
            }
        }
        let list = req.list_price;
        let qty = req.quantity;
        let mut unit = list;
        let mut applied = Vec::new();
        // 1. The best exclusive rule, on the list price.
        if let Some((winner, rest)) = exclusive.split_first() {
            let (new_unit, how) =
                apply_exclusive(&winner.rule.action, list, req.cost, qty, explain)?;
            unit = new_unit;
            applied.push(winner.rule.id.clone());
            note(
                &winner.rule.id,
                Outcome::Applied,
                &|| how.clone(),
                Some(unit),
            );
            for c in rest {
                note(
                    &c.rule.id,
                    Outcome::Outranked,
                    &|| {
                        format!(
                            "outranked by {} (priority, then specificity, then later start, then id)",
                            winner.rule.id
                        )
                    },
                    None,
                );
            }
        }
        // 2. Additive percentages, summed, on the price so far.
        if !additive.is_empty() {
            let total_pct = checked::sum(
                UNIT,
                additive.iter().filter_map(|c| c.rule.action.percent_off),
            )?;
            unit = non_negative(checked::less_percent(UNIT, unit, total_pct)?);
            for c in &additive {
                applied.push(c.rule.id.clone());
                let pct = c.rule.action.percent_off.unwrap_or_default();
                note(
                    &c.rule.id,
                    Outcome::Applied,
                    &|| format!("additive {pct}% off (additive rules together: {total_pct}%)"),
                    Some(unit),
                );
            }
        }
        // 3. Compound rules, each on the price the previous left, in precedence order.
        for c in &compound {
            let before = unit;
            let how = match (c.rule.action.percent_off, c.rule.action.amount_off) {
                (Some(p), _) => {
                    unit = non_negative(checked::less_percent(UNIT, unit, p)?);
                    format!("compound {p}% off {before}")
                }
                (None, Some(a)) => {
                    unit = non_negative(checked::sub(UNIT, unit, a)?);
                    format!("compound {a} off {before}")
                }
                _ => "no change".to_string(),
            };
            applied.push(c.rule.id.clone());
            note(&c.rule.id, Outcome::Applied, &|| how.clone(), Some(unit));
        }
        // 4. Guards: the largest discount the engine gives, and the margin floor.
        if !applied.is_empty() {
            if let Some(max) = self.max_line_discount_pct {
                let cap = checked::less_percent("list_price", list, max)?;
                if unit < cap {
                    unit = cap;
                    note(
                        "pricing.max_line_discount_pct",
                        Outcome::Guard,
                        &|| {
                            format!(
                                "capped at {max}% off list; more needs a price exception (P4.1c)"
                            )
                        },
                        Some(unit),
                    );
                }
            }
            let floor = checked::plus_percent("cost", req.cost, self.floor_margin_pct)?.min(list);
            if unit < floor {
                unit = floor;
                note(
                    "pricing.floor_margin_pct",
                    Outcome::Guard,
                    &|| {
                        format!(
                            "clamped to cost {} + {}% = {floor}",
                            req.cost, self.floor_margin_pct
                        )
                    },
                    Some(unit),
                );
            }
        }
        // 5. Free units: the best free-units rule, alongside the price.
        let mut free_units = Decimal::ZERO;
        if let Some((winner, rest)) = free.split_first()
            && let Some(f) = &winner.rule.action.free_units
        {
            let per = Decimal::from(f.per);
            let times = if f.recursive {
                checked::div("quantity", qty, per)?.floor()
            } else {
                Decimal::from(u8::from(qty >= per))
            };
            free_units = checked::mul("quantity", times, Decimal::from(f.get))?;
            applied.push(winner.rule.id.clone());
            note(
                &winner.rule.id,
                Outcome::Applied,
                &|| {
                    format!(
                        "buy {} get {}{}: {free_units} free",
                        f.per,
                        f.get,
                        if f.recursive { ", repeating" } else { ", once" }
                    )
                },
                None,
            );
            for c in rest {
                note(
                    &c.rule.id,
                    Outcome::Outranked,
                    &|| format!("outranked by {}", winner.rule.id),
                    None,
                );
            }
        }
        let line_total = self
            .rounding
            .round_decimal(checked::mul("quantity", unit, qty)?);
        Ok(PricedLine {
            list_price: list,
            unit_price: unit.normalize(),
            quantity: qty,
            free_units,
            line_total,
            applied,
            trace,
        })
    }
}

/// The field an overflow of the unit price is blamed on: the list price it starts from.
const UNIT: &str = "list_price";

/// The checks every priced line passes first, whichever path it comes by (one line,
/// a batch, an Arrow table, a document).
fn check_request(req: &PriceRequest<'_>) -> Result<(), InvalidInput> {
    input::id("product", req.product)?;
    input::category("category", req.category)?;
    input::price("list_price", req.list_price)?;
    input::price("cost", req.cost)?;
    input::quantity("quantity", req.quantity)?;
    input::optional_id("customer", req.customer)?;
    input::optional_name("customer_group", req.customer_group)?;
    input::date("date", req.date)?;
    Ok(())
}

fn non_negative(d: Decimal) -> Decimal {
    d.max(Decimal::ZERO)
}

/// Which condition of a rule failed (put in words only when a trace is asked for).
#[derive(Debug, Clone, Copy)]
enum Mismatch {
    Currency,
    BelowMin,
    AboveMax,
    OutsideWindow,
}

impl Mismatch {
    fn describe(self, rule: &PriceRule, req: &PriceRequest<'_>) -> String {
        match self {
            Mismatch::Currency => {
                let wanted = rule.currency.map(|c| c.to_string()).unwrap_or_default();
                format!("currency {} is not {wanted}", req.currency)
            }
            Mismatch::BelowMin => {
                format!(
                    "quantity {} is below min_qty {}",
                    req.quantity,
                    rule.min_qty.unwrap_or_default()
                )
            }
            Mismatch::AboveMax => {
                format!(
                    "quantity {} is above max_qty {}",
                    req.quantity,
                    rule.max_qty.unwrap_or_default()
                )
            }
            Mismatch::OutsideWindow => match &rule.valid {
                Some(w) => format!("{} is outside the window {}..{}", req.date, w.from, w.to),
                None => String::new(),
            },
        }
    }
}

/// Which condition of a rule fails for a request, if any.
fn mismatch(rule: &PriceRule, req: &PriceRequest<'_>) -> Option<Mismatch> {
    if rule.currency.is_some_and(|c| c != req.currency) {
        return Some(Mismatch::Currency);
    }
    if rule.min_qty.is_some_and(|min| req.quantity < min) {
        return Some(Mismatch::BelowMin);
    }
    if rule.max_qty.is_some_and(|max| req.quantity > max) {
        return Some(Mismatch::AboveMax);
    }
    if rule
        .valid
        .as_ref()
        .is_some_and(|w| req.date < w.from || req.date > w.to)
    {
        return Some(Mismatch::OutsideWindow);
    }
    None
}

/// Formats only when a trace is asked for.
macro_rules! say {
    ($explain:expr, $($arg:tt)*) => {
        if $explain { format!($($arg)*) } else { String::new() }
    };
}

/// The unit price an exclusive rule gives from the list price, and how.
fn apply_exclusive(
    action: &Action,
    list: Decimal,
    cost: Decimal,
    qty: Decimal,
    explain: bool,
) -> Result<(Decimal, String), InvalidInput> {
    if let Some(p) = action.fixed_price {
        return Ok((p, say!(explain, "fixed price {p}")));
    }
    if let Some(p) = action.percent_off {
        return Ok((
            non_negative(checked::less_percent(UNIT, list, p)?),
            say!(explain, "{p}% off list {list}"),
        ));
    }
    if let Some(a) = action.amount_off {
        return Ok((
            non_negative(checked::sub(UNIT, list, a)?),
            say!(explain, "{a} off list {list}"),
        ));
    }
    if let Some(m) = action.markup_on_cost_pct {
        return Ok((
            checked::plus_percent("cost", cost, m)?,
            say!(explain, "cost {cost} + {m}%"),
        ));
    }
    if let Some(tiers) = &action.tiers {
        let mode = action.mode.unwrap_or(TierMode::Range);
        return Ok(match mode {
            TierMode::Range => {
                let reached = tiers.iter().rfind(|t| t.from <= qty);
                match reached {
                    Some(t) => (
                        checked::less_percent(UNIT, list, t.percent_off)?,
                        say!(
                            explain,
                            "range tier from {}: {}% off every unit",
                            t.from,
                            t.percent_off
                        ),
                    ),
                    None => (
                        list,
                        say!(explain, "quantity {qty} is below the first tier"),
                    ),
                }
            }
            TierMode::Slab => {
                let mut total = Decimal::ZERO;
                let mut parts = Vec::new();
                for (t, next) in tiers
                    .iter()
                    .zip(tiers.iter().skip(1).map(Some).chain([None]))
                {
                    // Tier bounds come from the validated policy (whole units well inside
                    // 28 digits); the quantity is the caller's, so each step is checked.
                    let last = match (t.to, next) {
                        (Some(to), _) => Some(to),
                        (None, Some(n)) => {
                            Some(checked::sub("pricing.tiers", n.from, Decimal::ONE)?)
                        }
                        (None, None) => None,
                    };
                    let start = t.from.max(Decimal::ONE);
                    let end = last.map_or(qty, |l| l.min(qty));
                    if end < start {
                        continue;
                    }
                    let units = checked::add(
                        "quantity",
                        checked::sub("quantity", end, start)?,
                        Decimal::ONE,
                    )?;
                    let tier_unit = checked::less_percent(UNIT, list, t.percent_off)?;
                    total = checked::add(
                        "quantity",
                        total,
                        checked::mul("quantity", units, tier_unit)?,
                    )?;
                    parts.push(say!(explain, "{units} at {}% off", t.percent_off));
                }
                (
                    checked::div("quantity", total, qty)?,
                    say!(explain, "slab tiers: {}", parts.join(", ")),
                )
            }
        });
    }
    Ok((list, "no price change".into()))
}
