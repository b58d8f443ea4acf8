//! The policy file: the shipped example loads, and bad files are refused with the key,
//! the line and the reason (at least one test per kind of problem).

use kis_core::policy::{Policy, PolicyError};

const EXAMPLE: &str = include_str!("../../examples/policy.toml");

/// The example with `from` replaced by `to` (which must occur exactly once).
fn edited(from: &str, to: &str) -> String {
    assert_eq!(
        EXAMPLE.matches(from).count(),
        1,
        "edit target {from:?} must be unique"
    );
    EXAMPLE.replace(from, to)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in text")
        + 1
}

/// Loads `text`, expects failure, and returns the single problem's (key, line, message).
fn refuse(text: &str) -> (String, Option<usize>, String) {
    let err = Policy::from_toml(text).expect_err("policy should be refused");
    let PolicyError::Invalid { problems } = &err;
    assert!(!problems.is_empty());
    let p = &problems[0];
    (p.key.clone(), p.line, p.message.clone())
}

#[test]
fn the_example_policy_loads() {
    let p = Policy::from_toml(EXAMPLE).expect("examples/policy.toml must be valid");
    assert_eq!(p.general().currency.code(), "CNY");
    assert_eq!(p.rounding().scale, 2);
    assert_eq!(p.pricing().rules.len(), 4);
    assert_eq!(p.approval().price_exception.steps.len(), 2);
    assert_eq!(p.hash().len(), 64);
    assert_eq!(p.zone().to_string(), "Asia/Shanghai");
}

#[test]
fn not_toml() {
    let (key, line, msg) = refuse("[general\ncurrency = \"CNY\"");
    assert_eq!(line, Some(1));
    assert!(msg.contains("not valid TOML"), "{msg}");
    assert_eq!(key, "");
}

#[test]
fn unknown_key_is_named_with_its_line() {
    let text = edited("money_scale = 2 ", "money_scale = 2\nmoney_sacle = 3 ");
    let (key, line, msg) = refuse(&text);
    assert!(msg.contains("unknown field `money_sacle`"), "{msg}");
    assert_eq!(line, Some(line_of(&text, "money_sacle")));
    assert!(key.starts_with("general"), "{key}");
}

#[test]
fn unknown_section_is_refused() {
    let text = format!("{EXAMPLE}\n[bonus]\nrate = \"1\"\n");
    let (_, line, msg) = refuse(&text);
    assert!(msg.contains("unknown field `bonus`"), "{msg}");
    assert_eq!(line, Some(line_of(&text, "[bonus]")));
}

#[test]
fn weights_that_do_not_sum_to_one() {
    let text = edited("supervisor = \"0.10\"", "supervisor = \"0.05\"");
    let (key, line, msg) = refuse(&text);
    assert_eq!(key, "kpi.weights");
    assert_eq!(line, Some(line_of(&text, "weights = {")));
    assert!(msg.contains("sum to 0.95"), "{msg}");
}

#[test]
fn a_float_weight_is_refused_not_rounded() {
    let text = edited("revenue = \"0.35\"", "revenue = 0.35");
    let (key, line, msg) = refuse(&text);
    assert!(msg.contains("is a float"), "{msg}");
    assert_eq!(line, Some(line_of(&text, "revenue = 0.35")));
    assert!(key.contains("weights"), "{key}");
}

#[test]
fn a_chain_step_naming_a_role_that_does_not_exist() {
    let text = edited(
        "steps = [ { role = \"manager\", scope = \"team\" }, { role = \"legal\" } ]",
        "steps = [ { role = \"manager\", scope = \"team\" }, { role = \"lawyer\" } ]",
    );
    let (key, line, msg) = refuse(&text);
    assert!(msg.contains("unknown variant `lawyer`"), "{msg}");
    assert_eq!(line, Some(line_of(&text, "lawyer")));
    assert!(key.starts_with("approval.contract"), "{key}");
}

#[test]
fn a_rep_cannot_be_a_reviewer() {
    let text = edited(
        "[approval.budget]                         # P6.1: finance reviews the budget\nsteps = [ { role = \"finance\" } ]",
        "[approval.budget]\nsteps = [ { role = \"rep\" } ]",
    );
    let (key, line, msg) = refuse(&text);
    assert_eq!(key, "approval.budget.steps[0].role");
    assert_eq!(line, Some(line_of(&text, "{ role = \"rep\" }")));
    assert!(msg.contains("cannot review"), "{msg}");
}

#[test]
fn overlapping_tiers() {
    let text = edited(
        "{ from = 10, percent_off = \"5\" }",
        "{ from = 10, to = 60, percent_off = \"5\" }",
    );
    let (key, line, msg) = refuse(&text);
    assert_eq!(key, "pricing.rules[1].action.tiers[2].from");
    assert!(msg.contains("overlapping tiers"), "{msg}");
    assert_eq!(line, Some(line_of(&text, "{ from = 50")));
}

#[test]
fn overlapping_bands() {
    let text = edited(
        "{ min = \"70\",  band = \"C\"",
        "{ min = \"90\",  band = \"C\"",
    );
    let (key, _, msg) = refuse(&text);
    assert_eq!(key, "kpi.bands[2].min");
    assert!(msg.contains("must not overlap"), "{msg}");
}

#[test]
fn a_window_that_ends_before_it_starts() {
    let text = edited(
        "valid = { from = 2026-11-01, to = 2026-11-11 }",
        "valid = { from = 2026-11-11, to = 2026-11-01 }",
    );
    let (key, line, msg) = refuse(&text);
    assert_eq!(key, "pricing.rules[2].valid");
    assert_eq!(line, Some(line_of(&text, "valid = {")));
    assert!(msg.contains("never match"), "{msg}");
}

#[test]
fn two_actions_in_one_rule() {
    let text = edited(
        "action = { percent_off = \"10\" }",
        "action = { percent_off = \"10\", amount_off = \"5\" }",
    );
    let (key, _, msg) = refuse(&text);
    assert_eq!(key, "pricing.rules[0].action");
    assert!(msg.contains("2 actions given"), "{msg}");
}

#[test]
fn duplicate_rule_ids() {
    let text = edited("id = \"buy-3-get-1\"", "id = \"key-accounts-10\"");
    let (key, _, msg) = refuse(&text);
    assert_eq!(key, "pricing.rules[3].id");
    assert!(msg.contains("also used by rules[0]"), "{msg}");
}

#[test]
fn a_limit_for_a_category_that_does_not_exist() {
    let text = edited(
        "limits = { entertainment = {",
        "limits = { entertainmnet = {",
    );
    let (key, _, msg) = refuse(&text);
    assert_eq!(key, "expense.limits.entertainmnet");
    assert!(msg.contains("not one of the categories"), "{msg}");
}

#[test]
fn a_bad_currency_and_a_bad_offset() {
    let text = edited("currency = \"CNY\"", "currency = \"yuan\"");
    let (_, line, msg) = refuse(&text);
    assert!(msg.contains("invalid currency code"), "{msg}");
    assert_eq!(line, Some(line_of(&text, "currency = \"yuan\"")));
    let zone = "time_zone = \"Asia/Shanghai\"";
    let text = edited(zone, "utc_offset = \"CST\"");
    let (key, _, msg) = refuse(&text);
    assert_eq!(key, "general.utc_offset");
    assert!(msg.contains("not an offset"), "{msg}");
    // An IANA name that does not exist, named with its line.
    let text = edited(zone, "time_zone = \"Asia/Atlantis\"");
    let (key, line, msg) = refuse(&text);
    assert_eq!(key, "general.time_zone");
    assert_eq!(line, Some(line_of(&text, "Asia/Atlantis")));
    assert!(msg.contains("IANA"), "{msg}");
    // Both keys: which one decides would be a guess.
    let text = edited(
        zone,
        "time_zone = \"Asia/Shanghai\"\nutc_offset = \"+08:00\"",
    );
    let (key, _, msg) = refuse(&text);
    assert_eq!(key, "general.utc_offset");
    assert!(msg.contains("not both"), "{msg}");
    // The fixed offset is still accepted.
    let fixed = Policy::from_toml(&edited(zone, "utc_offset = \"+08:00\"")).unwrap();
    assert_eq!(fixed.zone().to_string(), "UTC+08:00");
}

#[test]
fn a_missing_section_is_named() {
    let start = EXAMPLE.find("[kpi]").unwrap();
    let end = EXAMPLE
        .find("# ---------------------------------------------------------------- P6")
        .unwrap();
    let text = format!("{}{}", &EXAMPLE[..start], &EXAMPLE[end..]);
    let (_, _, msg) = refuse(&text);
    assert!(msg.contains("missing field `kpi`"), "{msg}");
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let text = edited("supervisor = \"0.10\"", "supervisor = \"0.20\"")
        .replace("escalate_after_days = 3", "escalate_after_days = 0")
        .replace("file_within_days = 30", "file_within_days = 0");
    let err = Policy::from_toml(&text).unwrap_err();
    let keys: Vec<&str> = err.problems().iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "approval.rules.escalate_after_days",
            "kpi.weights",
            "expense.file_within_days"
        ]
    );
    assert!(err.problems().iter().all(|p| p.line.is_some()));
    let text = err.to_string();
    assert!(
        text.starts_with("invalid policy (3 problems): line "),
        "{text}"
    );
}

#[test]
fn the_hash_is_the_content() {
    let a = Policy::from_toml(EXAMPLE).unwrap();
    let b = Policy::from_toml(&format!("{EXAMPLE}\n# a comment\n")).unwrap();
    assert_ne!(a.hash(), b.hash());
    assert_eq!(a.hash(), Policy::from_toml(EXAMPLE).unwrap().hash());
}

#[test]
fn a_typo_inside_a_nested_table_is_located() {
    let text = edited("escalate_after_days = 3", "escalate_after_dayz = 3");
    let (key, line, msg) = refuse(&text);
    assert!(msg.contains("unknown field `escalate_after_dayz`"), "{msg}");
    assert_eq!(line, Some(line_of(&text, "escalate_after_dayz")));
    assert_eq!(key, "approval.rules.escalate_after_dayz");
}

#[test]
fn crm_holidays_and_complaint_deadlines_are_checked() {
    let text = edited(
        "{ on = \"10-01\", name = \"National Day\" }",
        "{ on = \"13-01\", name = \"National Day\" }",
    );
    let (key, line, msg) = refuse(&text);
    assert_eq!(key, "crm.holidays[2].on");
    assert_eq!(line, Some(line_of(&text, "13-01")));
    assert!(msg.contains("not MM-DD"), "{msg}");
    let text = edited(
        "high = { respond_hours = 4, resolve_days = 2 }",
        "high = { respond_hours = 72, resolve_days = 2 }",
    );
    let (key, _, msg) = refuse(&text);
    assert_eq!(key, "crm.complaints.high");
    assert!(msg.contains("cannot be due after the resolution"), "{msg}");
    // 29 February is accepted as a yearly holiday (greeted in leap years).
    assert!(
        Policy::from_toml(&edited(
            "{ on = \"10-01\", name = \"National Day\" }",
            "{ on = \"02-29\", name = \"Leap Day\" }"
        ))
        .is_ok()
    );
}
