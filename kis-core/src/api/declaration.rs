//! The one declaration of kis's API: every command and query, in one list.
//!
//! Each entry is `kind name(Request) -> Output;` with a doc comment. The request type's
//! own doc comment and field docs describe its data; the entry's says what the call does
//! and who may make it. [`for_each_entry!`](crate::for_each_entry) hands the list to a
//! macro of the caller's, so each binding (and the wire dispatch, the schema, the
//! server's routes) is expanded from it and none is written by hand: adding an entry
//! here adds it everywhere.

/// Calls `$then! { (args) entries }` with every entry of the API, where each entry is
/// `#[doc = "..."] command name(Request) -> Output;` or `... query name(...) -> ...;`.
/// Extra tokens after the macro name are passed through first, in parentheses.
#[macro_export]
macro_rules! for_each_entry {
    ($then:ident $($args:tt)*) => {
        $then! { ($($args)*)
            // -- The price system and customers (P4.1, P8) --
            /// Adds or replaces a product of the price system (director or admin; P4.1b).
            command put_product($crate::sales::PutProduct) -> $crate::sales::Product;
            /// Records a customer owned by a rep (P8.1).
            command add_customer($crate::sales::AddCustomer) -> $crate::sales::Customer;
            /// Renames a customer or changes its group, birthday or founding day (P8.1).
            command update_customer($crate::crm::UpdateCustomer) -> $crate::sales::Customer;
            /// Moves a customer to another rep (their manager or the director; P8.1).
            command transfer_customer($crate::crm::TransferCustomer) -> $crate::sales::Customer;
            /// A product of the price system (everyone; P4.1).
            query product($crate::api::query::GetProduct) -> $crate::sales::Product;
            /// Every product of the price system (everyone; P4.1).
            query products($crate::api::query::ListProducts) -> Vec<$crate::sales::Product>;
            /// A customer the actor may see (P2).
            query customer($crate::api::query::GetCustomer) -> $crate::sales::Customer;
            /// The customers the actor may see: a rep's own, a manager's team's (P2).
            query customers($crate::api::query::ListCustomers) -> Vec<$crate::sales::Customer>;
            /// The price a customer gets today for a quantity of a product, with its trace (P4.1).
            query price_for($crate::api::query::PriceFor) -> $crate::pricing::PricedLine;

            // -- Quotes, special prices, contracts, orders (P3, P4, P7) --
            /// A rep applies for a special price for their customer (P4.1c).
            command file_price_exception($crate::sales::FilePriceException) -> $crate::sales::PriceException;
            /// A rep prepares a quote for their customer, priced by the price book (P3.2a).
            command create_quote($crate::sales::CreateQuote) -> $crate::sales::Quote;
            /// Revises a draft or returned quote: a new revision, repriced (P3.2a).
            command edit_quote($crate::sales::EditQuote) -> $crate::sales::Quote;
            /// A new draft quote from an earlier one, repriced today (P3.2a).
            command copy_quote($crate::sales::CopyQuote) -> $crate::sales::Quote;
            /// Sends an approved quote to the customer (P3.2c).
            command send_quote($crate::sales::SendQuote) -> $crate::sales::Quote;
            /// Records the customer's answer to a sent quote (P3.2d).
            command record_quote_response($crate::sales::RecordQuoteResponse) -> $crate::sales::Quote;
            /// Drafts a contract from an accepted quote (P3.4a).
            command draft_contract($crate::sales::DraftContract) -> $crate::sales::Contract;
            /// Revises a draft or returned contract's terms (P3.4a).
            command edit_contract_terms($crate::sales::EditContractTerms) -> $crate::sales::Contract;
            /// Records the signature of an approved contract (P3.4c).
            command sign_contract($crate::sales::SignContract) -> $crate::sales::Contract;
            /// Files a signed contract with its archive reference (P3.4d).
            command file_contract($crate::sales::FileContract) -> $crate::sales::Contract;
            /// Closes a contract: fulfilled or ended (P3.4e).
            command close_contract($crate::sales::CloseContract) -> $crate::sales::Contract;
            /// Asks to change a signed contract; reviewed like a contract (P7.3).
            command request_contract_change($crate::sales::RequestContractChange) -> $crate::sales::ContractChange;
            /// Opens the fulfilment of a signed contract, with its steps and credits (P3.5).
            command create_order($crate::sales::CreateOrder) -> $crate::sales::Order;
            /// Completes a fulfilment step; the last one records the sale (P3.5).
            command complete_order_step($crate::sales::CompleteOrderStep) -> $crate::sales::Order;
            /// A quote the actor may read (P2).
            query quote($crate::api::query::GetQuote) -> $crate::sales::Quote;
            /// The quotes the actor may read (P2): their own, their team's as its manager, all as director, finance or admin.
            query quotes($crate::api::query::ListQuotes) -> Vec<$crate::sales::Quote>;
            /// A special-price application the actor may read (P2).
            query price_exception($crate::api::query::GetPriceException) -> $crate::sales::PriceException;
            /// A contract the actor may read (P2).
            query contract($crate::api::query::GetContract) -> $crate::sales::Contract;
            /// An order the actor may read (P2).
            query order($crate::api::query::GetOrder) -> $crate::sales::Order;
            /// Late fulfilment steps the actor may see, latest first (P3.5).
            query late_steps($crate::api::query::LateSteps) -> Vec<$crate::sales::LateStep>;
            /// The sales facts dated `from..=to` (director, finance, admin).
            query sales_facts($crate::api::query::SalesFacts) -> Vec<$crate::facts::SalesFact>;

            // -- Reviews (P3.3, P4.1c, P6, P7) --
            /// Submits a document for review along its chain.
            command submit($crate::reviews::Submit) -> $crate::reviews::ReviewOutcome;
            /// The current reviewer approves, rejects or returns a document.
            command decide($crate::reviews::Decide) -> $crate::reviews::ReviewOutcome;
            /// The submitter takes a document back before its review ends.
            command recall($crate::reviews::Recall) -> $crate::reviews::ReviewOutcome;
            /// A reviewer hands their reviews to a colleague for a period.
            command delegate($crate::approval::Delegate) -> $crate::approval::Delegation;
            /// The documents waiting for the actor's decision.
            query inbox($crate::api::query::Inbox) -> Vec<$crate::approval::InboxItem>;
            /// Reviews past their deadline that the actor may escalate.
            query escalations($crate::api::query::Escalations) -> Vec<$crate::approval::InboxItem>;

            // -- Leads, complaints, care (P8, P9) --
            /// Records a lead (P8.2).
            command capture_lead($crate::crm::CaptureLead) -> $crate::crm::Lead;
            /// Gives a lead to a rep (their manager; P8.2).
            command assign_lead($crate::crm::AssignLead) -> $crate::crm::Lead;
            /// Logs a call, visit or message on a lead (P8.2).
            command log_lead_activity($crate::crm::LogLeadActivity) -> $crate::crm::Lead;
            /// Turns a lead into a customer of its rep (P8.2).
            command convert_lead($crate::crm::ConvertLead) -> $crate::sales::Customer;
            /// Closes a lead as lost (P8.2).
            command close_lead($crate::crm::CloseLead) -> $crate::crm::Lead;
            /// Records a customer's complaint, with its deadline (P9.1).
            command open_complaint($crate::crm::OpenComplaint) -> $crate::crm::Complaint;
            /// Records how a complaint was handled (P9.1).
            command handle_complaint($crate::crm::HandleComplaint) -> $crate::crm::Complaint;
            /// Logs a visit to a customer (P8.3).
            command log_visit($crate::crm::LogVisit) -> $crate::crm::Visit;
            /// A lead the actor may see (P2).
            query lead($crate::api::query::GetLead) -> $crate::crm::Lead;
            /// The leads the actor may see (P2).
            query leads($crate::api::query::ListLeads) -> Vec<$crate::crm::Lead>;
            /// A complaint the actor may see (P2).
            query complaint($crate::api::query::GetComplaint) -> $crate::crm::Complaint;
            /// Open complaints past their deadline that the actor may see (P9.1).
            query complaints_overdue($crate::api::query::ComplaintsOverdue) -> Vec<$crate::crm::OverdueComplaint>;
            /// Customers due for a revisit (P8.3).
            query revisits_due($crate::api::query::RevisitsDue) -> Vec<$crate::crm::Due>;
            /// Birthdays and founding days of the actor's customers in `from..=to` (P8.4).
            query care_calendar($crate::api::query::CareCalendar) -> Vec<$crate::crm::Greeting>;
            /// What a customer bought: its sales facts (P8.1).
            query purchase_history($crate::api::query::PurchaseHistory) -> Vec<$crate::facts::SalesFact>;

            // -- The organisation (P1, P2) --
            /// Adds a user with a role (admin; P2).
            command add_user($crate::admin::AddUser) -> $crate::org::User;
            /// Changes a user's name, role, team or activity (admin; P2).
            command update_user($crate::admin::UpdateUser) -> $crate::org::User;
            /// Adds a team with its manager (admin; P2).
            command add_team($crate::admin::AddTeam) -> $crate::org::Team;
            /// Changes a team's name, manager or director (admin; P2).
            command update_team($crate::admin::UpdateTeam) -> $crate::org::Team;
            /// The acting user.
            query me($crate::api::query::Me) -> $crate::org::User;
            /// A user the actor may see.
            query user($crate::api::query::GetUser) -> $crate::org::User;
            /// The users the actor may see.
            query users($crate::api::query::ListUsers) -> Vec<$crate::org::User>;
            /// A team the actor may see.
            query team($crate::api::query::GetTeam) -> $crate::org::Team;
            /// The teams the actor may see.
            query teams($crate::api::query::ListTeams) -> Vec<$crate::org::Team>;
            /// Issues an API token for a user; the answer shows its secret once (admin; P2).
            command issue_api_token($crate::token::IssueApiToken) -> $crate::token::IssuedApiToken;
            /// Revokes an API token (an admin, or the token's own user).
            command revoke_api_token($crate::token::RevokeApiToken) -> $crate::token::ApiTokenInfo;
            /// API tokens: an admin's list of every user's (or one user's), else one's own.
            query api_tokens($crate::api::query::ListApiTokens) -> Vec<$crate::token::ApiTokenInfo>;

            // -- The policy (P1) --
            /// Installs a policy text, in force from a date (director or admin).
            command install_policy($crate::engine::InstallPolicy) -> $crate::engine::PolicyVersion;
            /// What installing a policy would change today: open quotes repriced, reps' scores and bands this month and this year, budgets' control (director or admin); writes nothing.
            query policy_impact($crate::api::query::PolicyImpactOf) -> $crate::impact::PolicyImpact;
            /// Every policy version installed, oldest first (everyone).
            query policy_versions($crate::api::query::PolicyVersions) -> Vec<$crate::engine::PolicyVersion>;

            // -- KPI (P5) --
            /// Sets a rep's annual targets and their monthly distribution (P5.1).
            command set_targets($crate::kpi::SetTargets) -> $crate::kpi::Targets;
            /// Records a customer-satisfaction survey of a rep (P5.3b).
            command record_survey($crate::kpi::RecordSurvey) -> $crate::kpi::Survey;
            /// A supervisor rates a rep for a month (P5.3c).
            command rate_rep($crate::kpi::RateRep) -> $crate::kpi::Rating;
            /// The scoreboard of a month or a year: reps, teams, directors, awards (P5, P9).
            query scoreboard($crate::api::query::GetScoreboard) -> $crate::kpi::Scoreboard;
            /// A rep's scorecards month by month through a year (P5.2).
            query rep_history($crate::api::query::RepHistory) -> Vec<$crate::api::query::RepMonth>;
            /// Every rep's twelve monthly cards and annual card of a year (P5.2).
            query score_year($crate::api::query::ScoreYear) -> Vec<$crate::kpi::YearScore>;

            // -- Expenses (P6) --
            /// Proposes a team's annual budget for a category (P6.1).
            command propose_budget($crate::expense::ProposeBudget) -> $crate::expense::Budget;
            /// Files an expense claim with its lines and receipts (P6.2).
            command file_claim($crate::expense::FileClaim) -> $crate::expense::ExpenseClaim;
            /// Finance sanctions a claim line: the amount allowed (P6.2).
            command sanction_claim_line($crate::expense::SanctionClaimLine) -> $crate::expense::ExpenseClaim;
            /// The director lets a claim past its budget warning (P6.3).
            command override_budget_warning($crate::expense::OverrideBudgetWarning) -> $crate::expense::ExpenseClaim;
            /// Finance records that an approved claim was paid (P6.2).
            command mark_claim_paid($crate::expense::MarkClaimPaid) -> $crate::expense::ExpenseClaim;
            /// Finance moves a claim line to another category (P6.2).
            command reclassify_claim_line($crate::expense::ReclassifyClaimLine) -> $crate::expense::ExpenseClaim;
            /// A budget the actor may see (P6.1).
            query budget($crate::api::query::GetBudget) -> $crate::expense::Budget;
            /// Every budget line of a year with what is spent and reserved (P6.3).
            query budget_status($crate::api::query::GetBudgetStatus) -> Vec<$crate::expense::BudgetStatusLine>;
            /// An expense claim the actor may see (P6.2).
            query expense_claim($crate::api::query::GetExpenseClaim) -> $crate::expense::ExpenseClaim;
            /// The expense claims the actor may see (P6.2).
            query expense_claims($crate::api::query::ListExpenseClaims) -> Vec<$crate::expense::ExpenseClaim>;

            // -- Reports and audit (P9, P1) --
            /// The sales report of a period for the company, a team or a rep (P9.2).
            query sales_report($crate::api::query::GetSalesReport) -> $crate::report::SalesReport;
            /// The audit trail from a sequence number, optionally of one document (director, finance, admin).
            query audit_trail($crate::api::query::AuditTrail) -> Vec<$crate::audit::AuditEntry>;
            /// Checks the audit chain and every document against it (director, finance, admin).
            query verify_audit($crate::api::query::VerifyAudit) -> $crate::audit::AuditReport;

            // -- Import (#22) --
            /// Imports users, teams, products, customers, targets and sales recorded elsewhere as one all-or-nothing batch, each row authorised and checked as its own command; rows kis already holds as given are left alone (P2.1, P4.1a, P5.3a, P8.1).
            command import_batch($crate::import::ImportBatch) -> $crate::import::ImportSummary;
            /// Every row an import would refuse, each as a problem naming its table, row and key; writes nothing.
            query check_import($crate::api::query::CheckImport) -> Vec<$crate::api::Problem>;

            // -- The change feed (#18) --
            /// The changes committed after a cursor, in commit order, that the actor may see (P2): replicas and ERP outboxes follow it; resume from the batch's cursor.
            query changes_since($crate::api::query::ChangesSince) -> $crate::feed::ChangeBatch;
        }
    };
}
