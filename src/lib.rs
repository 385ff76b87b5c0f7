//! keyproj: the nightly batch job of a county's Key Project Office (县重点项目办公室).
//!
//! See ARCHITECTURE.md for the map: the shell (`cli`) reads files and writes reports; everything
//! else is a pure function of data, the config and the as-of date.

pub mod archive;
pub mod assembly;
pub mod atomic;
pub mod cache;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod cycle;
pub mod dates;
pub mod history;
pub mod indicator;
pub mod ingest;
pub mod lock;
pub mod metrics;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod sample;
pub mod scoring;
pub mod state;
pub mod text;
pub mod units;
pub mod writer;
