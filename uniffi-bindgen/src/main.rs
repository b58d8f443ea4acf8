//! `uniffi-bindgen`: generates the Kotlin, Swift and Python sources of kis-ffi.
fn main() {
    uniffi::uniffi_bindgen_main()
}
