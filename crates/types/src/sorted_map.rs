//! [`SortedMap`], the maps of the generated structures, and the one rule that builds them.

use std::borrow::Borrow;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut, Index};

use litemap::LiteMap;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A map kept as a vector of entries sorted by key: the type of every map in the generated
/// structures (`Metrics`, `Attributes`, ...).
///
/// Why not `BTreeMap`: a response holds tens of thousands of these maps with two to seven
/// entries each. A `BTreeMap` allocates one node sized for eleven entries (about 800 bytes
/// for `Metrics`) and walks it again to drop it; on a 4.26 MB GetCostAndUsage page the maps'
/// nodes were half of the 19 MB a decode allocated, and dropping them a fifth of the decode's
/// time (BENCHMARKS.md, decoding). A vector sorted by key (`litemap`, from ICU4X) holds the
/// same entries in one allocation the size of the entries, looks keys up by binary search,
/// and iterates in the same key order as `BTreeMap`.
///
/// What it keeps of `BTreeMap`'s habits: `map["key"]` and `map.get("key")` with a `&str`,
/// iteration in key order, `Debug` printed as a map, serde as a JSON object (and only an
/// object), later duplicate keys replacing earlier ones. Everything else is `LiteMap`'s API,
/// reached through `Deref`. The price: `insert` of a key that sorts before the last one moves
/// the entries after it, so building a map of many entries in random order by `insert` is
/// quadratic; `collect()` and `extend` sort once, and the decoders never insert out of
/// order (one rule for both, in this module).
///
/// ```
/// use cloudcost_types::{CompactString, SortedMap};
///
/// let metrics: SortedMap<CompactString, u32> =
///     [("UnblendedCost".into(), 2), ("BlendedCost".into(), 1)].into_iter().collect();
/// assert_eq!(metrics["UnblendedCost"], 2);
/// assert_eq!(metrics.get("AmortizedCost"), None);
/// let keys: Vec<&str> = metrics.keys().map(|k| k.as_str()).collect();
/// assert_eq!(keys, ["BlendedCost", "UnblendedCost"]);
/// assert_eq!(format!("{metrics:?}"), r#"{"BlendedCost": 1, "UnblendedCost": 2}"#);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SortedMap<K, V>(LiteMap<K, V>);

impl<K, V> SortedMap<K, V> {
    /// An empty map; allocates nothing until the first entry.
    pub const fn new() -> Self {
        Self(LiteMap::new())
    }

    /// The `LiteMap` inside.
    pub fn into_inner(self) -> LiteMap<K, V> {
        self.0
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> Deref for SortedMap<K, V> {
    type Target = LiteMap<K, V>;

    fn deref(&self) -> &LiteMap<K, V> {
        &self.0
    }
}

impl<K, V> DerefMut for SortedMap<K, V> {
    fn deref_mut(&mut self) -> &mut LiteMap<K, V> {
        &mut self.0
    }
}

/// `map["key"]`, as on `BTreeMap`: panics when the key is absent (use `get` otherwise).
impl<K, V, Q> Index<&Q> for SortedMap<K, V>
where
    K: Borrow<Q> + Ord,
    Q: Ord + ?Sized,
{
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        // `Index` has no way to fail but panicking; the message is `BTreeMap`'s.
        let Some(value) = self.0.get(key) else {
            panic!("no entry found for key")
        };
        value
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter()).finish()
    }
}

impl<K, V> From<LiteMap<K, V>> for SortedMap<K, V> {
    fn from(map: LiteMap<K, V>) -> Self {
        Self(map)
    }
}

/// From code that built a `BTreeMap` before: already sorted, so every entry is appended
/// (no sort, no search).
impl<K: Ord, V> From<BTreeMap<K, V>> for SortedMap<K, V> {
    fn from(map: BTreeMap<K, V>) -> Self {
        map.into_iter().collect()
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

/// Later duplicates replace earlier ones, as when collecting into a `BTreeMap`.
impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut entries = Entries::new();
        for (key, value) in iter {
            entries.push(key, value);
        }
        entries.finish()
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = <&'a LiteMap<K, V> as IntoIterator>::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        (&self.0).into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut SortedMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = <&'a mut LiteMap<K, V> as IntoIterator>::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        (&mut self.0).into_iter()
    }
}

thread_local! {
    /// How many entries the last map built on this thread had. A page's maps come in runs of
    /// one shape (18,000 three-entry `Metrics`, or 18,000 seventeen-entry `Attributes`), so
    /// the next map is given that much room at once: one allocation of the right size
    /// instead of a vector grown by doubling (four allocations and three copies for
    /// seventeen entries, which left glibc trimming and re-faulting the heap on every page).
    static LAST_LEN: Cell<usize> = const { Cell::new(0) };
}

/// The most room given ahead from [`LAST_LEN`]: a guess wrong by a large map wastes at most
/// this many entries, and a hostile body's huge map does not make every later map huge.
const MOST_RESERVED: usize = 32;

/// Builds a [`SortedMap`] from entries in wire order; the one rule both decoders (serde's
/// and the generated fast one) follow, so they build the same map.
///
/// Entries that arrive in key order are appended; the others wait and are sorted in once at
/// the end. That keeps a sorted body linear and a hostile one at `n log n` (inserting each
/// out-of-order key in place would be quadratic). A later duplicate replaces an earlier one:
/// the sort is stable and keeps the last of equal keys, as `BTreeMap`'s serde does.
pub(crate) struct Entries<K, V> {
    map: LiteMap<K, V>,
    late: Vec<(K, V)>,
}

impl<K: Ord, V> Entries<K, V> {
    /// No entries yet; allocates nothing.
    pub(crate) fn new() -> Self {
        Self {
            map: LiteMap::new(),
            late: Vec::new(),
        }
    }

    /// Adds the next entry of the body.
    #[inline]
    pub(crate) fn push(&mut self, key: K, value: V) {
        if self.map.is_empty() {
            // The first entry: room for as many as the last map had (an empty map, such as
            // `"Total": {}`, allocates nothing).
            // (`with_capacity` is exact; `reserve` would round three up to four.)
            self.map = LiteMap::with_capacity(LAST_LEN.with(Cell::get).clamp(1, MOST_RESERVED));
        }
        if let Some(entry) = self.map.try_append(key, value) {
            self.late.push(entry);
        }
    }

    /// The map, with any out-of-order entries sorted in.
    pub(crate) fn finish(mut self) -> SortedMap<K, V> {
        if !self.late.is_empty() {
            self.map.extend(self.late);
        }
        // An empty map (`"Total": {}` between runs of `Metrics`) says nothing of the next.
        if !self.map.is_empty() {
            LAST_LEN.with(|last| last.set(self.map.len()));
        }
        SortedMap(self.map)
    }
}

/// Always a JSON object, in key order (as `BTreeMap`).
impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Only from a JSON object (as `BTreeMap`); the error says "a map", as `BTreeMap`'s does.
impl<'de, K, V> Deserialize<'de> for SortedMap<K, V>
where
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(PhantomData<fn() -> (K, V)>);

        impl<'de, K, V> Visitor<'de> for MapVisitor<K, V>
        where
            K: Deserialize<'de> + Ord,
            V: Deserialize<'de>,
        {
            type Value = SortedMap<K, V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries = Entries::new();
                while let Some((key, value)) = access.next_entry()? {
                    entries.push(key, value);
                }
                Ok(entries.finish())
            }
        }

        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use compact_str::CompactString;

    fn from_json(text: &str) -> SortedMap<CompactString, i64> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn decodes_like_a_btreemap() {
        for text in [
            r#"{}"#,
            r#"{"b":2,"a":1}"#,
            r#"{"a":1,"b":2,"c":3}"#,
            r#"{"a":1,"a":2}"#,
            r#"{"c":1,"a":2,"b":3,"a":4,"c":5}"#,
            r#"{"b":1,"a":2,"b":3}"#,
        ] {
            let ours: Vec<(CompactString, i64)> = from_json(text).into_iter().collect();
            let btree: BTreeMap<CompactString, i64> = serde_json::from_str(text).unwrap();
            let theirs: Vec<(CompactString, i64)> = btree.into_iter().collect();
            assert_eq!(ours, theirs, "{text}");
            // And back out: the same JSON text as the BTreeMap writes.
            let round = serde_json::to_string(&from_json(text)).unwrap();
            let btree: BTreeMap<CompactString, i64> = serde_json::from_str(text).unwrap();
            assert_eq!(round, serde_json::to_string(&btree).unwrap());
        }
    }

    #[test]
    fn refuses_what_a_btreemap_refuses() {
        for text in [r#"[["a",1]]"#, r#""a""#, "null", r#"{"a":"1"}"#] {
            let ours = serde_json::from_str::<SortedMap<CompactString, i64>>(text)
                .unwrap_err()
                .to_string();
            let theirs = serde_json::from_str::<BTreeMap<CompactString, i64>>(text)
                .unwrap_err()
                .to_string();
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn a_reversed_body_comes_out_sorted() {
        // 200,000 keys in descending order (in-place inserts would move 2e10 entries here).
        let n = 200_000;
        let mut entries = Entries::new();
        for i in (0..n).rev() {
            entries.push(i, i);
        }
        let map = entries.finish();
        assert_eq!(map.len(), n);
        assert!(map.iter().map(|(k, _)| *k).eq(0..n));
    }

    /// A run of maps of one shape allocates each at its size (one allocation, no doubling);
    /// an empty map does not break the run, and a huge one does not make the next ones huge.
    #[test]
    fn maps_of_a_run_get_their_size_at_once() {
        let capacity =
            |map: SortedMap<CompactString, i64>| map.into_inner().into_tuple_vec().capacity();
        let seventeen: String = (0..17)
            .map(|i| format!(r#""k{i:02}":{i}"#))
            .collect::<Vec<_>>()
            .join(",");
        let seventeen = format!("{{{seventeen}}}");
        let maps: Vec<SortedMap<CompactString, i64>> =
            serde_json::from_str(&format!("[{seventeen},{seventeen},{{}},{seventeen}]")).unwrap();
        let capacities: Vec<usize> = maps.into_iter().map(capacity).collect();
        assert_eq!(capacities[1..], [17, 0, 17]);

        let huge: String = (0..1000)
            .map(|i| format!(r#""k{i:04}":{i}"#))
            .collect::<Vec<_>>()
            .join(",");
        let maps: Vec<SortedMap<CompactString, i64>> =
            serde_json::from_str(&format!(r#"[{{{huge}}},{{"a":1}}]"#)).unwrap();
        let mut maps = maps.into_iter();
        assert_eq!(maps.next().map(|m| m.len()), Some(1000));
        assert!(maps.next().map(capacity).unwrap() <= MOST_RESERVED);
    }

    #[test]
    fn index_get_and_conversions() {
        let btree: BTreeMap<CompactString, i64> =
            [("x".into(), 1), ("a".into(), 2)].into_iter().collect();
        let map = SortedMap::from(btree);
        assert_eq!(map["a"], 2);
        assert_eq!(map.get("x"), Some(&1));
        assert!(!map.contains_key("y"));
        let mut map = map;
        map.insert("m".into(), 3);
        assert_eq!(map.keys().map(|k| k.as_str()).collect::<String>(), "amx");
        for (_, v) in &mut map {
            *v *= 10;
        }
        assert_eq!(format!("{map:?}"), r#"{"a": 20, "m": 30, "x": 10}"#);
        assert_eq!(
            SortedMap::from([(2, 'b'), (1, 'a'), (2, 'c')])
                .values()
                .collect::<String>(),
            "ac"
        );
    }

    #[test]
    #[should_panic(expected = "no entry found for key")]
    fn index_of_a_missing_key_panics_like_btreemap() {
        let map: SortedMap<CompactString, i64> = SortedMap::new();
        let _ = map["missing"];
    }
}
