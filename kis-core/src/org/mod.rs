//! The sales organisation (P2): users with roles, teams led by managers under directors,
//! and the questions authorisation asks of it ("does this manager lead that rep's team?").

mod access;
mod directory;
mod role;
mod team;
mod user;
pub(crate) mod visibility;

pub use access::{Owned, Whose, may_read, may_see, owner_or_manager, require_role};
pub use directory::Directory;
pub use role::Role;
pub use team::Team;
pub use user::{Actor, User};
