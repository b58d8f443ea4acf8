//! Any text as a policy file: parsed and validated, or refused with its problems; never
//! a panic. A policy that loads also prices a line and lints without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(policy) = kis_core::Policy::from_toml(text) {
        let _ = policy.lints();
        let req = kis_core::pricing::PriceRequest {
            product: "P-1",
            category: "software>erp",
            list_price: rust_decimal::Decimal::ONE_HUNDRED,
            cost: rust_decimal::Decimal::TEN,
            currency: policy.general().currency,
            customer: Some("C-1"),
            customer_group: Some("retail"),
            quantity: rust_decimal::Decimal::from(7),
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default(),
        };
        let _ = policy.price_book().price(&req, true);
    }
});
