//! The sales documents and their lifecycles: quotes (P3.2, P3.3), price exceptions
//! (P4.1c), contracts and their changes (P3.4, P7), orders (P3.5) and the sales facts
//! that delivered orders produce (P5.3a, P9.1).

mod catalogue;
mod change;
mod contract;
mod credits;
mod lines;
mod order;
mod price_exception;
mod queries;
mod quote;

pub use crate::facts::{
    Credit, DatedSegment, FACT_SEGMENTS, FactChunk, FactDecimal, FactDocuments, FactText,
    SEGMENT_CAPACITY, SalesFact, Segment, append_facts, encode_segment, fold_fact_chunks,
    read_segments, scan_facts, scan_segments, with_checksum,
};
pub use crate::org::may_see;
pub use catalogue::{AddCustomer, Contact, Customer, Product, PutProduct};
pub use change::{ChangeStatus, ContractChange, RequestContractChange};
pub use contract::{
    CloseContract, Contract, ContractStatus, DraftContract, EditContractTerms, FileContract,
    Filing, SignContract, Signing, Terms,
};
pub use credits::check_credits;
pub use lines::{Line, LineRequest, PricingFor, engine_price, price_line};
pub use order::{CompleteOrderStep, CreateOrder, FulfilmentStep, Order, OrderStatus, StepPlan};
pub use price_exception::{ExceptionStatus, FilePriceException, PriceException};
pub use queries::LateStep;
pub use quote::{
    CopyQuote, CreateQuote, EditQuote, Quote, QuoteResponse, QuoteRevision, QuoteStatus,
    RecordQuoteResponse, SendQuote,
};
