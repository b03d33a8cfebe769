//! Every spec pattern, as the generated `validate()` runs it (regex-lite, Unicode classes
//! written out by `cloudcost_codegen::pattern`, as the loader put it in the IR), matches exactly the strings the regex
//! crate, with its own Unicode tables, matches with the spec's pattern.
//!
//! The one intended difference is ASCII Perl classes (`\d`, `\w`, `\s`), ECMA-262's
//! meaning of `\d` and `\w`; the oracle is given the same meaning by writing them out as
//! ASCII classes (`ascii_perl_classes`), which the regex crate reads as nested classes.
//!
//! The strings: each pattern's spec example, every example with one code point replaced,
//! inserted or removed, and random strings over the code points at every edge of the
//! pattern's written-out ranges (where an off-by-one would show), ASCII, and anything.

use std::collections::BTreeSet;
use std::path::Path;

use cloudcost_codegen::ir::{Pattern, ShapeKind, Ty, TyKind};

/// A small deterministic generator (xorshift64*), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Rewrites `\d \D \w \W \s \S` (outside escapes) as the ASCII classes regex-lite gives them.
fn ascii_perl_classes(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(next) = chars.next() else {
            out.push(c);
            break;
        };
        let class = match next {
            'd' => "[0-9]",
            'D' => "[^0-9]",
            'w' => "[0-9A-Za-z_]",
            'W' => "[^0-9A-Za-z_]",
            's' => r"[\t\n\x0B\x0C\r ]",
            'S' => r"[^\t\n\x0B\x0C\r ]",
            other => {
                out.push('\\');
                out.push(other);
                continue;
            }
        };
        out.push_str(class);
    }
    out
}

/// Every pattern of every spec, with the spec's example of that type if it has one.
fn spec_patterns() -> Vec<(String, Pattern, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for service in cloudcost_codegen::load_all(root).expect("the specs load") {
        let mut tys: Vec<(String, &Ty)> = Vec::new();
        for shape in service.shapes.values() {
            match &shape.kind {
                ShapeKind::Structure(s) => {
                    for m in &s.members {
                        tys.push((format!("{}.{}", shape.name, m.name), &m.ty));
                    }
                }
                ShapeKind::Alias(ty) => tys.push((shape.name.clone(), ty)),
                ShapeKind::Enum(_) => {}
            }
        }
        while let Some((name, ty)) = tys.pop() {
            match &ty.kind {
                TyKind::List(item) => tys.push((format!("{name}[]"), item)),
                TyKind::Map { key, value } => {
                    tys.push((format!("{name}{{key}}"), key));
                    tys.push((format!("{name}{{value}}"), value));
                }
                _ => {}
            }
            let Some(pattern) = &ty.constraints.pattern else {
                continue;
            };
            let examples = ty
                .constraints
                .example
                .iter()
                .filter_map(|e| e.as_str().map(str::to_owned))
                .collect();
            if seen.insert((pattern.source.clone(), name.clone())) {
                out.push((
                    format!("{} {name}", service.spec_path),
                    pattern.clone(),
                    examples,
                ));
            }
        }
    }
    out
}

/// The code points at the edges of the pattern's written-out ranges, and their neighbours.
fn edge_code_points(expanded: &str) -> Vec<char> {
    let mut points = Vec::new();
    for part in expanded.split("\\u{").skip(1) {
        if let Some(hex) = part.split('}').next() {
            if let Ok(n) = u32::from_str_radix(hex, 16) {
                for m in [n.saturating_sub(1), n, n + 1] {
                    points.extend(char::from_u32(m));
                }
            }
        }
    }
    points
}

fn random_char(rng: &mut Rng, edges: &[char], seed_chars: &[char]) -> char {
    match rng.below(4) {
        0 if !edges.is_empty() => edges[rng.below(edges.len())],
        1 if !seed_chars.is_empty() => seed_chars[rng.below(seed_chars.len())],
        2 => char::from(b' ' + rng.below(95) as u8),
        _ => loop {
            if let Some(c) = char::from_u32((rng.next() % 0x11_0000) as u32) {
                break c;
            }
        },
    }
}

#[test]
fn every_spec_pattern_matches_as_the_regex_crate_matches_it() {
    let patterns = spec_patterns();
    assert!(
        patterns.iter().any(|(_, p, _)| p.source.contains("\\p{")),
        "no Unicode class in the specs: this test would check nothing of the expansion"
    );
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut checked = 0usize;
    let mut matched = 0usize;
    for (at, pattern, examples) in &patterns {
        // What the loader derived, and the generated validate() runs.
        let expanded = &pattern.regex_lite;
        let ours = regex_lite::Regex::new(expanded).unwrap_or_else(|e| panic!("{at}: {e}"));
        let pattern = &pattern.source;
        let oracle = regex::Regex::new(&ascii_perl_classes(pattern))
            .unwrap_or_else(|e| panic!("{at}: the oracle rejects the pattern: {e}"));
        let edges = edge_code_points(expanded);
        let seed_chars: Vec<char> = examples.iter().flat_map(|e| e.chars()).collect();

        let mut inputs: Vec<String> = examples.clone();
        inputs.push(String::new());
        for example in examples {
            let chars: Vec<char> = example.chars().collect();
            for _ in 0..2_000 {
                let mut s = chars.clone();
                let at = rng.below(s.len() + 1);
                match rng.below(3) {
                    0 if at < s.len() => s[at] = random_char(&mut rng, &edges, &seed_chars),
                    1 if at < s.len() => {
                        s.remove(at);
                    }
                    _ => s.insert(at, random_char(&mut rng, &edges, &seed_chars)),
                }
                inputs.push(s.into_iter().collect());
            }
        }
        for _ in 0..20_000 {
            let len = rng.below(12);
            inputs.push(
                (0..len)
                    .map(|_| random_char(&mut rng, &edges, &seed_chars))
                    .collect(),
            );
        }
        for input in &inputs {
            let expected = oracle.is_match(input);
            assert_eq!(
                ours.is_match(input),
                expected,
                "{at}: pattern {pattern:?} on {input:?} ({:?})",
                input.chars().map(|c| c as u32).collect::<Vec<_>>()
            );
            checked += 1;
            matched += usize::from(expected);
        }
    }
    // Both answers occur, or the inputs say nothing.
    assert!(
        matched > 1_000 && checked - matched > 1_000,
        "{matched} of {checked} matched"
    );
}

#[test]
fn the_oracle_rewrite_touches_only_perl_classes() {
    assert_eq!(ascii_perl_classes(r"\d{4}-\p{L}\\d"), r"[0-9]{4}-\p{L}\\d");
    assert_eq!(
        ascii_perl_classes(r"[\S\s]*"),
        r"[[^\t\n\x0B\x0C\r ][\t\n\x0B\x0C\r ]]*"
    );
}
