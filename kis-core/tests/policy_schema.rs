//! The policy file's JSON Schema (#22): `docs/policy.schema.json` is what the policy
//! types generate, so editors check the same keys loading does. (kis-py's tests validate
//! every shipped policy against it.)

#[test]
fn the_shipped_schema_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/policy.schema.json");
    let shipped: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(
        shipped == kis_core::policy::json_schema(),
        "docs/policy.schema.json is stale: cargo run -q -p kis-core --example policy_schema > docs/policy.schema.json"
    );
}

#[test]
fn the_example_policy_names_the_schema_for_editors() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/policy.toml"
    ))
    .unwrap();
    assert!(text.starts_with("#:schema ../docs/policy.schema.json\n"));
    kis_core::Policy::from_toml(&text).unwrap();
}
