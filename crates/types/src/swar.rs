//! Searching a few bytes at a time in a `u64` ("SIMD within a register", the test
//! serde_json's own string scanner uses): the one loop behind the fast reader's string scan
//! and the decimal reader's search for a point.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// `byte` in every lane of a word, to XOR with: lanes equal to `byte` become zero.
#[inline(always)]
pub(crate) const fn splat(byte: u8) -> u64 {
    ONES * byte as u64
}

/// The high bit of each lane of `x` below `n` (`n` <= 0x80). A borrow only runs upwards
/// from a lane that is truly below, so the *lowest* set bit always marks a true match;
/// lanes of 0x80 and above never match (`!x` clears them). `below(x, 1)` finds zero lanes.
#[inline(always)]
pub(crate) const fn below(x: u64, n: u8) -> u64 {
    x.wrapping_sub(splat(n)) & !x & HIGHS
}

/// The index of the first byte of `bytes` that `is_match` accepts: eight bytes at a time
/// with `lanes` (a word's matching lanes as [`below`] marks them; only the lowest is
/// read), then byte by byte for the tail. The two tests must agree.
#[inline(always)]
pub(crate) fn position(
    bytes: &[u8],
    lanes: impl Fn(u64) -> u64,
    is_match: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut i = 0;
    while let Some(chunk) = bytes[i..].first_chunk::<8>() {
        let found = lanes(u64::from_le_bytes(*chunk));
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes[i..].iter().position(|&b| is_match(b)).map(|p| i + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the byte-by-byte search, for every pair of byte values (one planted among
    /// eight copies of the other, at every place) and each threshold the scanners use.
    #[test]
    fn the_word_search_finds_what_the_byte_search_finds() {
        for n in [1u8, 0x20, 0x80] {
            for filler in 0..=255u8 {
                for planted in 0..=255u8 {
                    for at in 0..9 {
                        let mut bytes = [filler; 11];
                        bytes[at] = planted;
                        for text in [&bytes[..], &bytes[..8], &bytes[at..]] {
                            assert_eq!(
                                position(text, |x| below(x, n), |b| b < n),
                                text.iter().position(|&b| b < n),
                                "{text:?} below {n:#x}"
                            );
                        }
                    }
                }
            }
        }
    }
}
