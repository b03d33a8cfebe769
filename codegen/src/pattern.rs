//! Spec patterns as the generated `validate()` runs them.
//!
//! `validate()` runs patterns with regex-lite, not the regex crate: regex-lite is one small
//! crate, where regex brings regex-automata and regex-syntax, about 12 CPU seconds of every
//! user's clean build (BENCHMARKS.md, compile time). regex-lite has no Unicode tables, so the one thing a spec
//! pattern may need from them, a Unicode property class (`\p{L}`, `\P{N}`, in
//! `x-unicode-pattern`), is written out here, at generation time, as the class's code-point
//! ranges; regex-lite matches code point by code point, so the result is exact. The rest of
//! the pattern is kept byte for byte. Perl classes (`\d`, `\w`, `\s`) are ASCII in
//! regex-lite, as `\d` and `\w` are in ECMA-262 (OpenAPI's and JSON Schema's dialect).
//!
//! The codegen tests check the expansion against the regex crate, which has the tables.

use regex_syntax::ast::{self, Ast, ClassSetItem};
use regex_syntax::hir::{Class, HirKind};

/// `pattern` with every Unicode property class replaced by its code-point ranges:
/// `[\u{41}-\u{5A}...]` where the class stood alone, the bare ranges inside a bracketed
/// class. A pattern without one comes back unchanged. The error says what is wrong, for a
/// pattern regex cannot parse or one that asks for case-insensitive matching (whose classes
/// would need case folding, which the ranges do not carry).
pub fn expand_unicode_classes(pattern: &str) -> Result<String, String> {
    let parsed = ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| e.to_string())?;
    let found = ast::visit(&parsed, UnicodeClasses::default()).map_err(|e| e.to_string())?;
    if found.classes.is_empty() {
        return Ok(pattern.to_owned());
    }
    if found.case_insensitive {
        return Err(
            "case-insensitive flags cannot be combined with Unicode property classes".into(),
        );
    }
    let mut out = pattern.to_owned();
    // From the end, so that the earlier spans stay where they were.
    for (span, in_brackets) in found.classes.into_iter().rev() {
        let class = &pattern[span.start.offset..span.end.offset];
        let ranges = class_ranges(class)?;
        let written = if in_brackets {
            ranges
        } else {
            format!("[{ranges}]")
        };
        out.replace_range(span.start.offset..span.end.offset, &written);
    }
    Ok(out)
}

/// The ranges of one Unicode class (`\p{L}`), as regex-lite escapes.
fn class_ranges(class: &str) -> Result<String, String> {
    let hir = regex_syntax::parse(class).map_err(|e| e.to_string())?;
    let ranges: Vec<(char, char)> = match hir.kind() {
        HirKind::Class(Class::Unicode(unicode)) => unicode
            .ranges()
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect(),
        // A class of one code point (`\p{Zp}`) comes back as that character.
        HirKind::Literal(literal) => std::str::from_utf8(&literal.0)
            .map_err(|e| e.to_string())?
            .chars()
            .map(|c| (c, c))
            .collect(),
        _ => return Err(format!("{class} is not a Unicode class")),
    };
    let mut out = String::new();
    for (start, end) in ranges {
        let (start, end) = (u32::from(start), u32::from(end));
        if start == end {
            out.push_str(&format!("\\u{{{start:X}}}"));
        } else {
            out.push_str(&format!("\\u{{{start:X}}}-\\u{{{end:X}}}"));
        }
    }
    Ok(out)
}

/// What the expansion needs from the parsed pattern: the span of every Unicode class and
/// whether it sits inside brackets, and whether any flag turns on case-insensitivity.
#[derive(Default)]
struct UnicodeClasses {
    classes: Vec<(ast::Span, bool)>,
    case_insensitive: bool,
}

impl UnicodeClasses {
    fn flags(&mut self, flags: &ast::Flags) {
        self.case_insensitive |= flags.flag_state(ast::Flag::CaseInsensitive) == Some(true);
    }
}

impl ast::Visitor for UnicodeClasses {
    type Output = Self;
    type Err = std::convert::Infallible;

    fn finish(self) -> Result<Self::Output, Self::Err> {
        Ok(self)
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), Self::Err> {
        match ast {
            Ast::ClassUnicode(class) => self.classes.push((class.span, false)),
            Ast::Flags(set) => self.flags(&set.flags),
            Ast::Group(group) => {
                if let ast::GroupKind::NonCapturing(flags) = &group.kind {
                    self.flags(flags);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn visit_class_set_item_pre(&mut self, item: &ClassSetItem) -> Result<(), Self::Err> {
        if let ClassSetItem::Unicode(class) = item {
            self.classes.push((class.span, true));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_without_unicode_classes_is_kept_byte_for_byte() {
        for p in [
            "^([a-zA-Z][a-zA-Z0-9]*)?$",
            r"(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}Z)?",
            r"[\S\s]*",
            r"a\\p",
        ] {
            assert_eq!(expand_unicode_classes(p).unwrap(), p);
        }
    }

    #[test]
    fn classes_are_written_out_alone_and_inside_brackets() {
        assert_eq!(
            expand_unicode_classes(r"^\p{Zl}x[\p{Zp}_-]$").unwrap(),
            r"^[\u{2028}]x[\u{2029}_-]$"
        );
        let negated = expand_unicode_classes(r"\P{Zl}").unwrap();
        assert_eq!(negated, r"[\u{0}-\u{2027}\u{2029}-\u{10FFFF}]");
        let letters = expand_unicode_classes(r"\pL").unwrap();
        assert!(
            letters.starts_with(r"[\u{41}-\u{5A}\u{61}-\u{7A}"),
            "{letters}"
        );
        assert!(regex_lite::Regex::new(&letters).unwrap().is_match("ß"));
    }

    #[test]
    fn what_cannot_be_expanded_is_an_error_that_says_why() {
        let e = expand_unicode_classes(r"(?i)\p{Lu}").unwrap_err();
        assert!(e.contains("case-insensitive"), "{e}");
        let e = expand_unicode_classes(r"[\p{L}").unwrap_err();
        assert!(e.contains("unclosed"), "{e}");
        for on in [r"(?si:x)\pL", r"x(?i)\pL"] {
            assert!(expand_unicode_classes(on).is_err(), "{on}");
        }
        for off in [r"(?s-i:x)\pL", r"(?-i)\pL"] {
            assert!(expand_unicode_classes(off).is_ok(), "{off}");
        }
    }
}
