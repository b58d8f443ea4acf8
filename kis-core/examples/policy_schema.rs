//! Prints the JSON Schema of the policy file (`docs/policy.schema.json` is this output;
//! a test fails when it is stale):
//! `cargo run -q -p kis-core --example policy_schema > docs/policy.schema.json`

fn main() {
    println!("{:#}", kis_core::policy::json_schema());
}
