//! Matching the names people write (发改局, 长子县发展和改革局, 丹朱镇人民政府（盖章）) to the
//! configured units.

use std::collections::HashMap;

use crate::config::Config;
use crate::text::fold;

#[derive(Debug, Clone)]
pub struct UnitResolver {
    by_name: HashMap<String, String, foldhash::fast::RandomState>,
    /// The longest name or alias, in characters (bounds the search inside a file name).
    longest_name: usize,
    county: String,
}

impl UnitResolver {
    pub fn new(config: &Config) -> UnitResolver {
        let mut by_name = HashMap::default();
        for unit in &config.units {
            for name in std::iter::once(&unit.name).chain(&unit.aliases) {
                by_name.insert(fold(name), unit.name.clone());
            }
        }
        let longest_name = by_name.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        UnitResolver {
            by_name,
            longest_name,
            county: fold(&config.county),
        }
    }

    /// The configured unit a written name means, trying the name as written, without a
    /// trailing "(盖章)", without the county prefix, and without "人民政府".
    pub fn resolve(&self, written: &str) -> Option<&str> {
        // Most cells hold a name exactly as configured. The keys are folded and folding is
        // idempotent, so a direct hit is the hit the folded lookup below would find first.
        if let Some(unit) = self.by_name.get(written) {
            return Some(unit.as_str());
        }
        let folded = fold(written);
        let stamped = folded
            .trim_end_matches("(盖章)")
            .trim_end_matches("(章)")
            .to_string();
        let mut candidates = vec![folded.clone(), stamped.clone()];
        if let Some(rest) = stamped.strip_prefix(&self.county) {
            candidates.push(rest.to_string());
            candidates.push(format!("县{rest}"));
        }
        for c in candidates.clone() {
            if let Some(rest) = c.strip_suffix("人民政府") {
                candidates.push(rest.to_string());
            }
        }
        candidates
            .iter()
            .find_map(|c| self.by_name.get(c))
            .map(String::as_str)
    }

    /// A unit whose name or alias appears in `text` (a file name), the longest match first.
    pub fn find_in(&self, text: &str) -> Option<&str> {
        // Look up the text's substrings, longest first, so the cost grows with the length of
        // the file name, not with the number of configured units.
        let folded = fold(text);
        let bounds: Vec<usize> = folded
            .char_indices()
            .map(|(at, _)| at)
            .chain(std::iter::once(folded.len()))
            .collect();
        let chars = bounds.len() - 1;
        for len in (1..=self.longest_name.min(chars)).rev() {
            for window in bounds.windows(len + 1) {
                if let Some(unit) = self.by_name.get(&folded[window[0]..window[len]]) {
                    return Some(unit.as_str());
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_aliases_and_decorations() {
        let config = Config::embedded().unwrap();
        let r = UnitResolver::new(&config);
        assert_eq!(r.resolve("发改局"), Some("县发改局"));
        assert_eq!(r.resolve("长子县发展和改革局"), Some("县发改局"));
        assert_eq!(r.resolve("丹朱镇人民政府（盖章）"), Some("丹朱镇"));
        assert_eq!(r.resolve("长子县住建局"), Some("县住建局"));
        assert_eq!(r.resolve(" 县 住建局 "), Some("县住建局"));
        assert_eq!(r.resolve("县文旅局"), None);
        assert_eq!(
            r.find_in("丹朱镇重点项目台账（2026年3月）.xlsx"),
            Some("丹朱镇")
        );
        assert_eq!(r.find_in("挂牌督办事项台账.xlsx"), None);
    }
}
