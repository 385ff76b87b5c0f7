//! Reports: pure builders of tables and file bytes. Writing the bytes to disk is the shell's job.

pub mod grid;
pub mod ranking;
