//! The generated response decoders (`cloudcost_types::fast` and each model crate's
//! `decode.rs`) against serde's derived ones, the oracle: on every documented and mocked
//! response body, and on thousands of variants of them written to reach what the fast path
//! must hand back to serde (escapes, duplicates, unknown members nested to the depth
//! limit, numbers in every JSON form, wrong types, `null`s, stray and missing bytes).
//!
//! The check on each body is the fuzz target's (`fuzz_checks::decode_responses`): what the
//! clients call gives exactly what `from_slice` gives, value or error (path, offset,
//! message), and `from_slice` agrees with plain `serde_json`. The fuzzer runs the same
//! check on its own inputs (RELIABILITY.md, Fuzzing).

use std::fmt::Write as _;

use cloudcost_tests::fuzz_checks::{decode_responses, fast_path_counts, seeds};
use proptest::prelude::Rng as _;
use proptest::test_runner::{RngAlgorithm, TestRng};
use serde_json::Value;

/// proptest's seeded generator: a fixed sequence per seed, so a failure names a case that
/// replays.
struct Rng(TestRng);

impl Rng {
    fn seeded(seed: u64) -> Self {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        Rng(TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
    }
    fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n as u64) as usize
    }
    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Writes `value` as JSON text, now and then in a form serde must judge: each branch is
/// something the fast path either reads exactly as serde does or declines.
fn write(value: &Value, rng: &mut Rng, depth: usize, out: &mut String) {
    if rng.one_in(40) {
        out.push_str(rng.pick(&[" ", "\n\t", "\r\n  "]));
    }
    if rng.one_in(60) {
        // A value of another type where the member has its own.
        out.push_str(rng.pick(&[
            "null",
            "true",
            "0",
            "-1",
            "1.5",
            "\"x\"",
            "[]",
            "{}",
            "[null]",
            "{\"a\":1}",
        ]));
        return;
    }
    match value {
        Value::Object(members) => {
            out.push('{');
            let mut first = true;
            let mut sep = |out: &mut String| {
                if !std::mem::take(&mut first) {
                    out.push(',');
                }
            };
            // Members out of the spec's order (the generated readers expect that order and
            // must find the same members in any other) and, below, whitespace around names.
            let mut members: Vec<_> = members.iter().collect();
            if rng.one_in(6) {
                members.reverse();
            }
            for (key, member) in members {
                if rng.one_in(30) {
                    continue; // a member left out (required ones make serde refuse)
                }
                if rng.one_in(25) {
                    sep(out);
                    unknown_member(rng, depth, out);
                }
                sep(out);
                if rng.one_in(30) {
                    out.push_str(" \n");
                }
                string(key, rng, out);
                out.push_str(if rng.one_in(30) { " :\t" } else { ":" });
                if rng.one_in(40) {
                    // A duplicate member: serde refuses it, `null` first or not.
                    out.push_str(if rng.one_in(2) { "null" } else { "\"dup\"" });
                    out.push(',');
                    string(key, rng, out);
                    out.push(':');
                }
                write(member, rng, depth + 1, out);
            }
            if rng.one_in(20) {
                sep(out);
                unknown_member(rng, depth, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, rng, depth + 1, out);
            }
            out.push(']');
        }
        Value::String(s) => {
            let number_like = s.parse::<f64>().is_ok() && !s.contains(['n', 'N', 'i', 'I']);
            if number_like && rng.one_in(8) {
                // A decimal's string as a bare number, as Inspector2 sends its amounts.
                out.push_str(s);
            } else if number_like && rng.one_in(10) {
                out.push_str(&format!("\"{}\"", respell_number(s, rng)));
            } else {
                string(s, rng, out);
            }
        }
        Value::Number(n) => {
            let text = n.to_string();
            if rng.one_in(5) {
                out.push_str(&respell_number(&text, rng));
            } else if rng.one_in(10) {
                write!(out, "\"{text}\"").unwrap();
            } else {
                out.push_str(&text);
            }
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
    }
}

/// The same number, or nearly, spelled another way JSON allows (or does not).
fn respell_number(text: &str, rng: &mut Rng) -> String {
    match rng.below(9) {
        0 => format!("{text}e0"),
        1 => format!("{text}E+2"),
        2 if !text.contains('.') => format!("{text}.0"),
        3 => format!("-{}", text.trim_start_matches('-')),
        4 => format!("0{text}"),
        5 => format!("{text}."),
        6 => "99999999999999999999999999999999999".to_string(),
        7 => "-0".to_string(),
        _ => format!("{text}00"),
    }
}

/// A JSON string literal of `s`, sometimes with escapes the fast path must unescape as
/// serde_json does (or, for the broken ones, decline).
fn string(s: &str, rng: &mut Rng, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).unwrap(),
            c if rng.one_in(120) => match rng.below(4) {
                0 => write!(out, "\\u{:04X}", c as u32 & 0xffff).unwrap(),
                1 => out.push_str("\\/"),
                2 => out.push_str("\\ud800"), // a lone surrogate: refused
                _ => out.push('\t'),          // a raw control character: refused
            },
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A member no structure has, with a value of any shape, sometimes nested to around the
/// fast path's depth limit and serde_json's (100 and 128).
fn unknown_member(rng: &mut Rng, depth: usize, out: &mut String) {
    write!(out, "\"Unknown{}\":", rng.below(3)).unwrap();
    if rng.one_in(6) {
        let levels = rng.pick(&[60, 98, 99, 100, 101, 127, 128, 129]) - depth.min(60);
        for _ in 0..levels {
            out.push_str(rng.pick(&["[", "{\"k\":"]));
        }
        out.push('1');
        let tail = closing(out, levels);
        out.push_str(&tail);
    } else {
        let v = rng.pick(&[
            "null",
            "[1,{\"a\":[true,false]},\"s\\n\"]",
            "{\"Amount\":\"1\",\"x\":{}}",
            "-12.5e-3",
            "\"\\u00e9t\\u00e9\"",
        ]);
        out.push_str(v);
    }
}

/// The closing brackets for the last `levels` openers written to `out`.
fn closing(out: &str, levels: usize) -> String {
    let mut closers = Vec::new();
    let bytes = out.as_bytes();
    let mut i = bytes.len();
    while closers.len() < levels && i > 0 {
        i -= 1;
        match bytes[i] {
            b'[' => closers.push(']'),
            b'{' => closers.push('}'),
            _ => {}
        }
    }
    closers.into_iter().collect()
}

/// One byte-level edit: what a broken connection or a buggy peer sends.
fn damage(body: &mut Vec<u8>, rng: &mut Rng) {
    if body.is_empty() {
        return;
    }
    let at = rng.below(body.len());
    match rng.below(4) {
        0 => body.truncate(at),
        1 => {
            body.remove(at);
        }
        2 => body.insert(at, rng.pick(b"\"{}[],:\\ 0-9eE.nul\x00\xff")),
        _ => body[at] = rng.pick(b"\"{}[],:\\ 05e.-tn\x7f\xc3"),
    }
}

fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    let text = std::env::var(name).ok()?;
    Some(
        text.parse()
            .unwrap_or_else(|_| panic!("{name}={text:?} is not a number")),
    )
}

#[test]
fn the_generated_decoders_agree_with_serde_on_bodies_made_to_differ() {
    let bodies: Vec<Vec<u8>> = seeds()
        .into_iter()
        .filter(|s| s.target == "decode_responses")
        .map(|s| s.bytes)
        .collect();
    assert!(bodies.len() >= 10, "only {} response seeds", bodies.len());
    // More variants, or another sequence, for a longer hunt:
    // FAST_DECODE_VARIANTS=5000 FAST_DECODE_SEED=7 cargo test --test fast_decode
    let variants: usize = env_number("FAST_DECODE_VARIANTS").unwrap_or(150);
    let mut rng = Rng::seeded(env_number("FAST_DECODE_SEED").unwrap_or(0));
    let mut cases = 0;
    for seed in &bodies {
        let (selector, body) = seed.split_first().expect("a selector byte");
        // The body as it is.
        decode_responses(seed);
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            continue;
        };
        for _ in 0..variants {
            let mut text = String::new();
            write(&value, &mut rng, 0, &mut text);
            let mut case = vec![*selector];
            case.extend_from_slice(text.as_bytes());
            if rng.one_in(4) {
                damage(&mut case, &mut rng);
                // Keep the selector: the damage is to the body.
                if case.is_empty() {
                    case.push(*selector);
                }
            }
            decode_responses(&case);
            cases += 1;
        }
    }
    let (taken, seen) = fast_path_counts();
    eprintln!(
        "fast path took {taken} of {seen} bodies ({cases} variants of {} seeds)",
        bodies.len()
    );
    // Most variants carry one of the changes above; a good share must still be read by
    // the fast path (else its agreement is untested), and a good share handed to serde.
    assert!(cases >= 1000, "{cases} cases");
    assert!(
        taken * 5 > seen && taken * 5 < seen * 4,
        "the fast path took {taken} of {seen} bodies"
    );
}

#[test]
fn nesting_past_either_limit_is_judged_by_serde() {
    // serde_json passes over an unknown member however deep it nests, without recursing;
    // the fast path recurses, so it stops at 100 levels and hands the body to serde. Both
    // must give the same answer on either side of that limit, and a hostile depth must not
    // overflow the stack.
    let selector = seeds()
        .into_iter()
        .find(|s| s.target == "decode_responses" && s.name.contains("ListUsages"))
        .expect("an SCP ListUsages seed")
        .bytes[0];
    for levels in (1..=140).chain([1_000_000]) {
        for opener in ["[", "{\"k\":"] {
            let mut body = format!("{{\"count\":1,\"Unknown\":{}1", opener.repeat(levels));
            body.push_str(&closing(&body, levels));
            body.push('}');
            let mut case = vec![selector];
            case.extend_from_slice(body.as_bytes());
            decode_responses(&case);
        }
    }
    let (taken, seen) = fast_path_counts();
    // Up to 99 levels inside the top object the fast path reads the body itself.
    assert_eq!((taken, seen), (2 * 99, 2 * 141));
}
