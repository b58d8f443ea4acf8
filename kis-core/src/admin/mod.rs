//! Administering the sales organisation (P2.1): the first administrator, adding and
//! changing users and teams (admin only), and reading the directory. Above the engine;
//! the organisation's records and its authorisation rules (`org`) are below it.

mod commands;
mod queries;

pub use commands::{AddTeam, AddUser, BootstrapAdmin, UpdateTeam, UpdateUser};
