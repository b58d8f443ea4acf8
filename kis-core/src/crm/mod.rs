//! Customer relationship management (P3.1, P3.6, P8): customer records and ownership,
//! leads from marketing, visits and the revisit due list, the care calendar, purchase history, complaints.

mod care;
mod complaints;
mod customers;
mod leads;

pub use care::{Due, Greeting, LogVisit, Visit, VisitKind, birthday_in, care_calendar, due_list};
pub use complaints::{
    Complaint, ComplaintStatus, ComplaintStep, HandleComplaint, OpenComplaint, OverdueComplaint,
};
pub use customers::{TransferCustomer, UpdateCustomer};
pub use leads::{
    AssignLead, CaptureLead, CloseLead, ConvertLead, Lead, LeadActivity, LeadStatus,
    LogLeadActivity,
};
