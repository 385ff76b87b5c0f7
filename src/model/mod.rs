//! Normalized tables: staged frames conformed into one row per real-world thing.

pub mod authority;
pub mod events;
pub mod frames;
pub mod ledger;
