//! Text folding shared by header matching, unit matching and project identity.

use std::borrow::Cow;

/// Full-width ASCII forms (！ to ～) and the ideographic space to their half-width forms.
pub fn to_half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Fold a name for matching: half-width, no whitespace of any kind (including U+3000 and
/// U+00A0, which Excel keeps), ASCII letters lower-cased.
pub fn fold(s: &str) -> String {
    s.chars()
        .map(to_half_width)
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `fold(s)`, borrowed when folding would not change it (most cells: no copy).
pub fn folded(s: &str) -> Cow<'_, str> {
    let unchanged =
        |c: char| to_half_width(c) == c && !c.is_whitespace() && !c.is_ascii_uppercase();
    if s.chars().all(unchanged) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(fold(s))
    }
}

/// Trim every kind of whitespace, including U+3000 and U+00A0, from both ends.
pub fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_space_and_case() {
        assert_eq!(fold(" 总投资（万元）\n"), "总投资(万元)");
        assert_eq!(fold("Ａ\u{3000}b\u{00A0}C"), "abc");
        assert_eq!(trim("\u{3000}县发改局\u{00A0}"), "县发改局");
        for s in [
            " 总投资（万元）\n",
            "Ａ\u{3000}b\u{00A0}C",
            "总投资(万元)",
            "abc",
            "ABC",
            "",
        ] {
            assert_eq!(folded(s), fold(s), "{s}");
        }
        assert!(matches!(folded("总投资(万元)"), Cow::Borrowed(_)));
    }
}
