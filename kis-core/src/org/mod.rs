//! The sales organisation (P2): users with roles, teams led by managers under directors,
//! and the questions authorisation asks of it ("does this manager lead that rep's team?").

mod api;
mod commands;
mod directory;
mod role;
mod team;
mod user;

pub use commands::{AddTeam, AddUser, BootstrapAdmin, UpdateTeam, UpdateUser};
pub use directory::{Directory, require_role};
pub use role::Role;
pub use team::Team;
pub use user::{Actor, User};
