//! Receipts claimed once (P6.2): each receipt is held by one claim line, ever.

#[allow(unused_imports)]
use super::*;

/// Who uses a receipt: one claim line, ever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReceiptUse {
    /// The receipt key.
    pub key: String,
    /// The claim using it.
    pub claim: String,
    /// Its line (from 0).
    pub line: usize,
    /// The claimant.
    pub claimant: UserId,
}

impl Document for ReceiptUse {
    const COLLECTION: &'static str = "receipts";
    const KIND: &'static str = "receipt";
    fn doc_id(&self) -> String {
        self.key.clone()
    }
}
