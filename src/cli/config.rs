//! `keyproj config`: print the effective configuration.

use std::path::Path;

use super::Outcome;
use crate::config::Config;

pub fn print(path: Option<&Path>) -> anyhow::Result<Outcome> {
    let config = Config::load(path)?;
    print!("{}", config.to_commented_toml());
    Ok(Outcome::Clean)
}
