//! Reads kept between requests while the store's [write mark](crate::ports::Store::write_mark)
//! stays where it was: the inbox of each account (the menu badge asks for it on every page)
//! and the active bodies of each unit (every roster page names its people's bodies).
//!
//! A kept value is exact for every write of this process: a write moves the mark after it
//! commits, and the mark is noted before the value is read, so a value read across a write
//! is kept under the older mark and never served again. A write of *another* process (the
//! CLI, a second server on the same PostgreSQL database) does not move the mark: a kept
//! value serves at most [`KEEP`] after it was read. A store without a mark keeps nothing.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a kept value may serve when the write mark has not moved: the bound on how late
/// another process's change is seen.
pub const KEEP: Duration = Duration::from_secs(5);

/// One kept value and what it was read under.
struct Entry<S, V> {
    stamp: S,
    mark: u64,
    at: Instant,
    value: Arc<V>,
}

/// Values of type `V` kept per key `K`, each with a stamp `S` that must match too (such as
/// the account's roles and the day).
pub(crate) struct Kept<K, S, V> {
    max: usize,
    map: Mutex<HashMap<K, Entry<S, V>>>,
}

impl<K: Eq + Hash, S: PartialEq, V> Kept<K, S, V> {
    /// At most `max` keys are kept; past it, the stale ones are dropped first, then all.
    pub(crate) fn new(max: usize) -> Self {
        Self {
            max,
            map: Mutex::new(HashMap::new()),
        }
    }

    /// The value kept for `key` when it was read under `stamp` and `mark`, less than
    /// [`KEEP`] ago.
    pub(crate) fn get(&self, key: &K, stamp: &S, mark: u64) -> Option<Arc<V>> {
        let map = self.map.lock().ok()?;
        let e = map.get(key)?;
        (e.mark == mark && e.at.elapsed() < KEEP && e.stamp == *stamp).then(|| e.value.clone())
    }

    /// Keeps `value`, read under `stamp` and `mark` (noted before the read).
    pub(crate) fn put(&self, key: K, stamp: S, mark: u64, value: Arc<V>) {
        let Ok(mut map) = self.map.lock() else {
            return;
        };
        if map.len() >= self.max {
            map.retain(|_, e| e.at.elapsed() < KEEP);
            if map.len() >= self.max {
                map.clear();
            }
        }
        map.insert(
            key,
            Entry {
                stamp,
                mark,
                at: Instant::now(),
                value,
            },
        );
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_under_the_same_mark_and_stamp_only() {
        let k: Kept<u32, &str, String> = Kept::new(2);
        k.put(1, "a", 7, Arc::new("one".into()));
        assert_eq!(
            k.get(&1, &"a", 7).as_deref().map(String::as_str),
            Some("one")
        );
        assert!(k.get(&1, &"a", 8).is_none(), "the mark moved");
        assert!(k.get(&1, &"b", 7).is_none(), "another stamp");
        assert!(k.get(&2, &"a", 7).is_none(), "another key");
        k.put(2, "a", 7, Arc::new("two".into()));
        assert_eq!(k.len(), 2);
        // Past the cap with nothing stale: all go, then the new one is kept.
        k.put(3, "a", 7, Arc::new("three".into()));
        assert_eq!(k.len(), 1);
        assert!(k.get(&3, &"a", 7).is_some());
    }
}
