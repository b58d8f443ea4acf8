//! Prints the API's JSON Schema document (`kis_core::api::schema`).
fn main() {
    println!(
        "{}",
        serde_json::to_string_pretty(&kis_core::api::schema()).unwrap_or_default()
    );
}
