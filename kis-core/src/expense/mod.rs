//! Expense management (P6): budgets by year, team and category with a monthly
//! distribution (P6.1); claims with receipts through the team's manager and finance
//! (P6.2); budget control that reserves pending claims atomically, by the policy's
//! stop / warn / ignore, with finance sanctioning less and overriding warnings (P6.3).

mod audit;
mod budget;
mod claim;
mod plan;
mod queries;

pub use audit::{Finding, FindingKind, audit};
pub use budget::{Budget, BudgetStatus, BudgetVersion, ProposeBudget};
pub use claim::{
    Adjustment, ClaimLine, ClaimStatus, ExpenseClaim, FileClaim, MarkClaimPaid,
    OverrideBudgetWarning, Receipt, ReceiptUse, ReclassifyClaimLine, SanctionClaimLine,
    check_lines, consumption_key, per_day_key,
};
pub use plan::BudgetPlan;
pub use queries::BudgetStatusLine;
