//! The calculator's fast path for deferred acceptance (`jiguan calc match FILE`): the JSON
//! text is read once by a small reader of the plain subset of JSON, straight into flat
//! arrays of dense indices (ids interned with a multiply-rotate hash), and the match and
//! its result text are computed on those arrays — no value per staff member or post, no
//! string per id, no serde visitor per value, no SipHash map.
//!
//! It gives the same result as [`super::MatchInput::parse`] + [`super::solve`] with
//! [`super::Mechanism::DeferredAcceptance`], serialised by `serde_json`, byte for byte
//! (the tests below compare the two on random instances). It only handles the plain
//! case: on anything else — invalid input of any kind, an id with a JSON escape, a field
//! it does not know, an object given as an array, a person listing more than
//! [`MAX_PREFS`] posts — it answers `None` and the caller runs the general path, which
//! reports the error naming the field (or computes the result) exactly as before. So the
//! error contract stays in one place.

/// Longest preference list handled here (each ranking entry looks its post up in the
/// person's list by a linear scan); a longer one goes the general way.
pub const MAX_PREFS: usize = 64;

/// No choice / not acceptable, in the flat arrays.
pub(super) const NONE: u32 = u32::MAX;

/// The deferred-acceptance result of the JSON instance `text`, as the text `serde_json`
/// writes for [`super::solve`]'s [`super::MatchResult`]; `None` when the input is not
/// the plain valid case (see the module's documentation).
pub fn deferred_acceptance_json(text: &str) -> Option<String> {
    let mut p = Parsed::default();
    Scan { text, at: 0 }.instance(&mut p)?;
    let inst = p.resolve()?;
    let m = inst.deferred_acceptance();
    Some(inst.write(&m))
}

/// An id of at most 7 bytes packed into one word with its length (two such ids are equal
/// exactly when their words are); 0 for a longer (or empty) one.
fn packed(s: &[u8]) -> u64 {
    if s.len() > 7 {
        return 0;
    }
    s.iter().rev().fold(0u64, |w, &c| (w << 8) | u64::from(c)) | ((s.len() as u64) << 56)
}

/// A non-cryptographic hash of an id (multiply-rotate over 8-byte words, as in rustc's
/// FxHasher); `pw` is [`packed`]`(s)`. Collisions only cost a comparison.
fn hash(s: &[u8], pw: u64) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    if pw != 0 {
        return pw.wrapping_mul(K);
    }
    let mut h = (s.len() as u64).wrapping_mul(K);
    for w in s.chunks(8) {
        let w = w.iter().rev().fold(0u64, |w, &c| (w << 8) | u64::from(c));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    h
}

/// Ids interned to dense keys (in order of first appearance): the ids copied end to end
/// into one buffer, an open-addressing table of (hash tag, key + 1), and the position at
/// which each key is defined (its row in `staff` or `posts`; [`NONE`]: only referenced).
struct Names {
    text: String,
    ends: Vec<u32>,
    /// [`packed`] of each id: a short id is compared without reading `text`.
    short: Vec<u64>,
    slots: Vec<u64>,
    shift: u32,
    defined_at: Vec<u32>,
}

impl Default for Names {
    fn default() -> Self {
        let bits = 10;
        Names {
            text: String::new(),
            ends: Vec::new(),
            short: Vec::new(),
            slots: vec![0; 1 << bits],
            shift: 64 - bits,
            defined_at: Vec::new(),
        }
    }
}

impl Names {
    fn get(&self, k: u32) -> &str {
        let k = k as usize;
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.text[start..self.ends[k] as usize]
    }

    fn slot_of(&self, h: u64) -> usize {
        (h >> self.shift) as usize
    }

    /// The key of `s`, added if new; `None` past `u32` keys or text.
    fn key(&mut self, s: &str) -> Option<u32> {
        let pw = packed(s.as_bytes());
        let h = hash(s.as_bytes(), pw);
        let tag = h & 0xffff_ffff_0000_0000;
        let mask = self.slots.len() - 1;
        let mut i = self.slot_of(h);
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                break;
            }
            if slot & 0xffff_ffff_0000_0000 == tag {
                let k = (slot as u32) - 1;
                let same = if pw != 0 {
                    self.short[k as usize] == pw
                } else {
                    self.get(k) == s
                };
                if same {
                    return Some(k);
                }
            }
            i = (i + 1) & mask;
        }
        let k = u32::try_from(self.ends.len())
            .ok()
            .filter(|k| *k < NONE - 1)?;
        self.text.push_str(s);
        self.ends.push(u32::try_from(self.text.len()).ok()?);
        self.short.push(pw);
        self.defined_at.push(NONE);
        self.slots[i] = tag | u64::from(k + 1);
        if self.ends.len() * 2 > self.slots.len() {
            self.grow();
        }
        Some(k)
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        self.shift -= 1;
        let mut slots = vec![0u64; size];
        let mask = size - 1;
        for k in 0..self.ends.len() as u32 {
            let s = self.get(k).as_bytes();
            let h = hash(s, packed(s));
            let mut i = self.slot_of(h);
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = (h & 0xffff_ffff_0000_0000) | u64::from(k + 1);
        }
        self.slots = slots;
    }

    /// Defines `s` at row `at`: `None` if it was defined before (a duplicate id).
    fn define(&mut self, s: &str, at: u32) -> Option<u32> {
        let k = self.key(s)?;
        let d = &mut self.defined_at[k as usize];
        if *d != NONE {
            return None;
        }
        *d = at;
        Some(k)
    }
}

/// The instance as read: rows in the order of the file, references as keys.
#[derive(Default)]
struct Parsed {
    staff: Names,
    posts: Names,
    /// Per staff row: its key, and where its choices end in `prefs` (post keys).
    staff_key: Vec<u32>,
    pref_end: Vec<u32>,
    prefs: Vec<u32>,
    /// Per post row: its key, its seats, where its ranking ends in `ranking` (staff keys).
    post_key: Vec<u32>,
    seats: Vec<u32>,
    rank_end: Vec<u32>,
    ranking: Vec<u32>,
}

/// The instance checked, with rows as indices: staff `s` lists the posts
/// `prefs[pref_start[s]..pref_start[s + 1]]`, and `rank[q]` is the rank the post of
/// choice `q` gives the person ([`NONE`]: not acceptable to it).
struct Flat<'a> {
    p: &'a Parsed,
    pref_start: Vec<u32>,
    prefs: Vec<u32>,
    rank: Vec<u32>,
    /// Seats a post can actually fill: its seats, at most the people it accepts.
    room: Vec<u32>,
}

/// Deferred acceptance's result: for each person the choice (index into `prefs`) they got.
struct Placed {
    got: Vec<u32>,
    held: Vec<u32>,
    worst: Vec<u32>,
}

fn starts(ends: &[u32]) -> Vec<u32> {
    let mut v = Vec::with_capacity(ends.len() + 1);
    v.push(0);
    v.extend_from_slice(ends);
    v
}

impl Parsed {
    /// Every reference to a defined id, each choice and ranking entry once: the
    /// instance with rows as indices; `None` on any problem (the general path names it).
    fn resolve(&self) -> Option<Flat<'_>> {
        let n = self.staff_key.len();
        let m = self.post_key.len();
        let staff_row = &self.staff.defined_at;
        let post_row = &self.posts.defined_at;
        if staff_row.contains(&NONE) || post_row.contains(&NONE) {
            return None; // an unknown staff member or post
        }
        let pref_start = starts(&self.pref_end);
        let prefs: Vec<u32> = self.prefs.iter().map(|k| post_row[*k as usize]).collect();
        let mut chosen_by = vec![NONE; m];
        for s in 0..n {
            for &p in &prefs[pref_start[s] as usize..pref_start[s + 1] as usize] {
                let c = &mut chosen_by[p as usize];
                if *c == s as u32 {
                    return None; // a post listed twice
                }
                *c = s as u32;
            }
        }
        let rank_start = starts(&self.rank_end);
        let mut rank = vec![NONE; prefs.len()];
        let mut listed_by = vec![NONE; n];
        let mut room = vec![0u32; m];
        for p in 0..m {
            let (a, b) = (rank_start[p] as usize, rank_start[p + 1] as usize);
            for (r, &k) in self.ranking[a..b].iter().enumerate() {
                let s = staff_row[k as usize] as usize;
                let l = &mut listed_by[s];
                if *l == p as u32 {
                    return None; // a person ranked twice
                }
                *l = p as u32;
                let (c, d) = (pref_start[s] as usize, pref_start[s + 1] as usize);
                if let Some(q) = prefs[c..d].iter().position(|x| *x == p as u32) {
                    rank[c + q] = r as u32;
                    room[p] += 1;
                }
            }
            room[p] = room[p].min(self.seats[p]);
        }
        Some(Flat {
            p: self,
            pref_start,
            prefs,
            rank,
            room,
        })
    }
}

/// Staff-proposing deferred acceptance with capacities on flat arrays: the one
/// implementation behind the calculator's fast path and [`super::deferred_acceptance`]
/// (pages, API, the calculator's general path). Person `s` lists the choices
/// `pref_start[s]..pref_start[s + 1]` of `prefs` (post indices), `rank[q]` being the rank
/// the post of choice `q` gives the person ([`NONE`]: not acceptable to it); `room[p]` is
/// the seats post `p` can fill (its seats, at most the people it accepts). Answers, per
/// person, the choice (index into `prefs`) they got, or [`NONE`]. The staff-optimal stable
/// matching is unique, so the order of proposals does not change it.
pub(super) fn deferred_acceptance_flat(
    pref_start: &[u32],
    prefs: &[u32],
    rank: &[u32],
    room: &[u32],
) -> Vec<u32> {
    let n = pref_start.len().saturating_sub(1);
    let m = room.len();
    let heap_start = starts(
        &room
            .iter()
            .scan(0u32, |acc, r| {
                *acc += r;
                Some(*acc)
            })
            .collect::<Vec<u32>>(),
    );
    let mut heap = vec![0u64; heap_start[m] as usize];
    let mut len = vec![0u32; m];
    let mut got = vec![NONE; n];
    let mut next: Vec<u32> = pref_start[..n].to_vec();
    let mut free: Vec<u32> = (0..n as u32).rev().collect();
    while let Some(s) = free.pop() {
        let su = s as usize;
        let end = pref_start[su + 1];
        while next[su] < end {
            let q = next[su];
            next[su] += 1;
            let r = rank[q as usize];
            if r == NONE {
                continue;
            }
            let p = prefs[q as usize] as usize;
            let h = &mut heap[heap_start[p] as usize..heap_start[p + 1] as usize];
            let me = (u64::from(r) << 32) | u64::from(s);
            let l = len[p] as usize;
            if l < h.len() {
                heap_push(h, l, me);
                len[p] += 1;
                got[su] = q;
                break;
            }
            if let Some(&top) = h.first()
                && me < top
            {
                heap_replace_top(h, me);
                got[top as u32 as usize] = NONE;
                free.push(top as u32);
                got[su] = q;
                break;
            }
        }
    }
    got
}

/// Max-heap on a slice of (rank << 32 | person): the top is the holder dropped first.
fn heap_push(h: &mut [u64], len: usize, x: u64) {
    let mut i = len;
    h[i] = x;
    while i > 0 {
        let up = (i - 1) / 2;
        if h[up] >= h[i] {
            break;
        }
        h.swap(up, i);
        i = up;
    }
}

fn heap_replace_top(h: &mut [u64], x: u64) {
    let len = h.len();
    h[0] = x;
    let mut i = 0;
    loop {
        let (l, r) = (2 * i + 1, 2 * i + 2);
        let mut big = i;
        if l < len && h[l] > h[big] {
            big = l;
        }
        if r < len && h[r] > h[big] {
            big = r;
        }
        if big == i {
            break;
        }
        h.swap(i, big);
        i = big;
    }
}

impl Flat<'_> {
    /// [`deferred_acceptance_flat`] on this instance, with each post's holders and the
    /// rank of its lowest holder (for the blocking pairs).
    fn deferred_acceptance(&self) -> Placed {
        let m = self.room.len();
        let got = deferred_acceptance_flat(&self.pref_start, &self.prefs, &self.rank, &self.room);
        // Holders per post and the rank of the lowest one (for the blocking pairs).
        let mut held = vec![0u32; m];
        let mut worst = vec![0u32; m];
        for &q in &got {
            if q != NONE {
                let p = self.prefs[q as usize] as usize;
                held[p] += 1;
                worst[p] = worst[p].max(self.rank[q as usize]);
            }
        }
        Placed { got, held, worst }
    }

    /// Pairs that would both rather have each other, counted as
    /// [`super::Instance::blocking_pairs`] does.
    fn blocking_pairs(&self, m: &Placed) -> usize {
        let mut count = 0;
        for (s, &got) in m.got.iter().enumerate() {
            let (a, b) = (self.pref_start[s], self.pref_start[s + 1]);
            for q in a..b {
                if q == got {
                    break;
                }
                let r = self.rank[q as usize];
                if r == NONE {
                    continue;
                }
                let p = self.prefs[q as usize] as usize;
                let free = m.held[p] < self.p.seats[p];
                let prefers_me = m.held[p] > 0 && r < m.worst[p];
                if free || prefers_me {
                    count += 1;
                }
            }
        }
        count
    }

    fn staff_id(&self, s: usize) -> &str {
        self.p.staff.get(self.p.staff_key[s])
    }

    fn post_id(&self, p: usize) -> &str {
        self.p.posts.get(self.p.post_key[p])
    }

    /// The result as `serde_json` writes [`super::MatchResult`]. The ids are written as
    /// they stood in the input: they were read without escapes, so they hold no `"`, `\`
    /// or control character, and `serde_json` would write them unchanged too.
    fn write(&self, m: &Placed) -> String {
        let p = self.p;
        let n = p.staff_key.len();
        let posts = p.post_key.len();
        let size = p.staff.text.len() * 2 + p.posts.text.len() * 2 + n * 40 + posts * 8 + 128;
        let mut out = String::with_capacity(size);
        out.push_str(r#"{"mechanism":"deferred_acceptance","matches":["#);
        let mut first_choice = 0usize;
        let mut sep = "";
        for (s, &q) in m.got.iter().enumerate() {
            if q == NONE {
                continue;
            }
            let choice = (q - self.pref_start[s]) as usize + 1;
            if choice == 1 {
                first_choice += 1;
            }
            out.push_str(sep);
            sep = ",";
            out.push_str(r#"{"staff":""#);
            out.push_str(self.staff_id(s));
            out.push_str(r#"","post":""#);
            out.push_str(self.post_id(self.prefs[q as usize] as usize));
            out.push_str(r#"","choice":"#);
            push_number(&mut out, choice);
            out.push('}');
        }
        out.push_str(r#"],"unplaced":["#);
        let mut sep = "";
        for s in (0..n).filter(|s| m.got[*s] == NONE) {
            out.push_str(sep);
            sep = ",";
            out.push('"');
            out.push_str(self.staff_id(s));
            out.push('"');
        }
        out.push_str(r#"],"vacancies":{"#);
        // A BTreeMap<String, _>: by id, byte-wise.
        let mut order: Vec<u32> = (0..posts as u32).collect();
        order.sort_unstable_by(|a, b| self.post_id(*a as usize).cmp(self.post_id(*b as usize)));
        let mut sep = "";
        for x in order {
            let x = x as usize;
            out.push_str(sep);
            sep = ",";
            out.push('"');
            out.push_str(self.post_id(x));
            out.push_str("\":");
            push_number(&mut out, p.seats[x].saturating_sub(m.held[x]) as usize);
        }
        out.push_str(r#"},"blocking_pairs":"#);
        push_number(&mut out, self.blocking_pairs(m));
        out.push_str(r#","first_choice":"#);
        push_number(&mut out, first_choice);
        out.push('}');
        out
    }
}

fn push_number(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in &digits[i..] {
        out.push(char::from(*d));
    }
}

// --- Reading the JSON text straight into `Parsed`. ---

/// A reader of the strict subset of JSON the plain case is written in: objects, arrays,
/// strings without escapes, non-negative integers without sign, fraction or exponent.
/// Whatever else it meets (and whatever `serde_json` would refuse) ends it with `None`.
struct Scan<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scan<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next byte after JSON whitespace (not consumed).
    fn peek(&mut self) -> Option<u8> {
        let b = self.bytes();
        while let Some(&c) = b.get(self.at) {
            if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(c);
            }
            self.at += 1;
        }
        None
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.at += 1)
    }

    /// A string without escapes or control characters, borrowed from the text.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        let rest = self.bytes().get(start..)?;
        let n = rest
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        if rest[n] != b'"' {
            return None;
        }
        self.at = start + n + 1;
        self.text.get(start..start + n)
    }

    /// A non-negative integer that fits `u32`, written plainly (`0`, `15`).
    fn count(&mut self) -> Option<u32> {
        self.peek()?;
        let b = self.bytes();
        let start = self.at;
        let mut v: u64 = 0;
        while let Some(&c) = b.get(self.at).filter(|c| c.is_ascii_digit()) {
            v = v * 10 + u64::from(c - b'0');
            if v > u64::from(u32::MAX) {
                return None;
            }
            self.at += 1;
        }
        let len = self.at - start;
        let next = b.get(self.at).copied().unwrap_or(b' ');
        if len == 0 || (len > 1 && b[start] == b'0') || matches!(next, b'.' | b'e' | b'E') {
            return None;
        }
        u32::try_from(v).ok()
    }

    /// `[a, b, …]`, each element read by `each`.
    fn list(&mut self, mut each: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            each(self)?;
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// `{"k": v, …}`, each value read by `each` given its key.
    fn object(&mut self, mut each: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            let k = self.string()?;
            self.eat(b':')?;
            each(self, k)?;
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A list of ids, appended as keys of `names` to `to` (at most `most` of them).
    fn ids(&mut self, names: &mut Names, to: &mut Vec<u32>, most: usize) -> Option<()> {
        let mut n = 0;
        self.list(|s| {
            n += 1;
            if n > most {
                return None;
            }
            to.push(names.key(s.string()?)?);
            Some(())
        })
    }

    /// One row: `{"id", "prefs"}` of a person or `{"id", "seats", "ranking"}` of a post,
    /// the fields in any order, each at most once, no other.
    fn row(&mut self, p: &mut Parsed, staff: bool) -> Option<()> {
        let (mut id, mut list, mut seats) = (None, false, None);
        self.object(|s, k| {
            match k {
                "id" if id.is_none() => id = Some(s.string()?),
                "prefs" if staff && !list => {
                    list = true;
                    s.ids(&mut p.posts, &mut p.prefs, MAX_PREFS)?;
                }
                "ranking" if !staff && !list => {
                    list = true;
                    s.ids(&mut p.staff, &mut p.ranking, usize::MAX)?;
                }
                "seats" if !staff && seats.is_none() => seats = Some(s.count()?),
                _ => return None,
            }
            Some(())
        })?;
        let id = id.filter(|i| !i.trim().is_empty())?;
        if staff {
            let at = u32::try_from(p.staff_key.len()).ok()?;
            let k = p.staff.define(id, at)?;
            p.staff_key.push(k);
            p.pref_end.push(u32::try_from(p.prefs.len()).ok()?);
        } else {
            let at = u32::try_from(p.post_key.len()).ok()?;
            let k = p.posts.define(id, at)?;
            p.post_key.push(k);
            p.seats.push(seats?);
            p.rank_end.push(u32::try_from(p.ranking.len()).ok()?);
        }
        Some(())
    }

    /// The whole input: `{"staff": [...], "posts": [...]}` and nothing after it.
    fn instance(&mut self, p: &mut Parsed) -> Option<()> {
        let (mut staff, mut posts) = (false, false);
        self.object(|s, k| {
            let is_staff = match k {
                "staff" if !staff => true,
                "posts" if !posts => false,
                _ => return None,
            };
            if is_staff {
                staff = true;
            } else {
                posts = true;
            }
            s.list(|s| s.row(p, is_staff))
        })?;
        (staff && posts && self.peek().is_none()).then_some(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::super::tests::random_input;
    use super::super::{MatchInput, Mechanism, solve};
    use super::*;
    use proptest::prelude::*;

    /// What the general path prints for `text`, or `None` when it reports an error.
    fn general(text: &str) -> Option<String> {
        let input: MatchInput<super::super::Id> = serde_json::from_str(text).ok()?;
        let inst = input.parse().ok()?;
        Some(serde_json::to_string(&solve(&inst, Mechanism::DeferredAcceptance)).unwrap())
    }

    #[test]
    fn tv_t1_as_the_general_path() {
        let text = r#"{"staff":[{"id":"A","prefs":["X","Y"]},{"id":"B","prefs":["X","Z"]},
            {"id":"C","prefs":["Y","X"]},{"id":"D","prefs":["X","Y","Z"]},{"id":"E","prefs":["Z"]}],
            "posts":[{"id":"X","seats":1,"ranking":["B","D","A","C"]},
            {"id":"Y","seats":2,"ranking":["A","D","C"]},{"id":"Z","seats":1,"ranking":["E","B","D"]}]}"#;
        let fast = deferred_acceptance_json(text).unwrap();
        assert_eq!(Some(fast.clone()), general(text));
        assert!(fast.contains(r#""unplaced":["C"]"#), "{fast}");
    }

    /// Every case the general path refuses (or reads differently) goes back to it.
    #[test]
    fn anything_unusual_goes_the_general_way() {
        let cases = [
            r#"{"staff":[],"posts":[]"#,
            r#"{"staff":[]}"#,
            r#"{"staff":[],"posts":[],"staff":[]}"#,
            r#"{"staff":[{"id":"a","prefs":["p"]}],"posts":[]}"#,
            r#"{"staff":[{"id":"a"},{"id":"a"}],"posts":[]}"#,
            r#"{"staff":[{"id":" "}],"posts":[]}"#,
            r#"{"staff":[{"prefs":[]}],"posts":[]}"#,
            r#"{"staff":[{"id":"a","prefs":["p","p"]}],"posts":[{"id":"p","seats":1}]}"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":1,"ranking":["a","a"]}]}"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":-1}]}"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":1.5}]}"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p"}]}"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":1,"ranking":["b"]}]}"#,
            r#"{"staff":[{"id":"a","prefs":null}],"posts":[]}"#,
            r#"{"staff":[],"posts":[]} x"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":01}]}"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":1e0}]}"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":1.0}]}"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":4294967296}]}"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":"1"}]}"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":1,}]}"#,
            r#"{"staff":[{"id":"a",}],"posts":[]}"#,
            r#"{"staff":[{"id":"a"},],"posts":[]}"#,
            "{\"staff\":[{\"id\":\"a\tb\"}],\"posts\":[]}",
            "\u{feff}{\"staff\":[],\"posts\":[]}",
            r#"{"staff":[{"id":"a"}] "posts":[]}"#,
            r#"{"staff":[{"id":"a"}],"posts":[]}}"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":1,"ranking":["a"],"ranking":[]}]}"#,
            r#"{"staff":[{"id":"a","prefs":[],"prefs":[]}],"posts":[]}"#,
            r#"{"staff":[{"id":"a","prefs":[1]}],"posts":[]}"#,
            "",
            "{",
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":-0}]}"#,
            // The bad-input cases of the CLI contract test (crates/cli/tests/cli/json_calcs.rs).
            r#"{"staff":[{"id":"s1","prefs":["nope"]}],"posts":[{"id":"p1","seats":1,"ranking":[]}]}"#,
            r#"{"staff":[{"id":"s1","prefs":["p1"]}],"posts":[{"id":"p1","seats":1,"ranking":["s9"]}]}"#,
            r#"{"staff":[{"id":"s1","prefs":[]},{"id":"s1","prefs":[]}],"posts":[]}"#,
            r#"{"staff":[],"posts":[{"id":"p1","seats":1,"ranking":[]},{"id":"p1","seats":1,"ranking":[]}]}"#,
            r#"{"staff":[{"id":"s1","prefs":["p1","p1"]}],"posts":[{"id":"p1","seats":1,"ranking":["s1"]}]}"#,
            r#"{"staff":[],"posts":[{"id":"p1","seats":-1,"ranking":[]}]}"#,
            r#"{"staff":[{"id":"s1","prefs":["p1"]}],"posts":[{"id":"p1","seats":1,"ranking":["s1","s1"]}]}"#,
            r#"{"staff":[{"id":"s1","prefs":["p1"]}],"posts":[{"id":"p1","seats":-3,"ranking":["s1"]}]}"#,
            r#"{"staff":5,"posts":[]}"#,
            r#"{"staff":[],"posts":[{"id":"p1","seats":"2","ranking":[]}]}"#,
            r#"{"staff":[{"id":"s1","prefs":"p1"}],"posts":[]}"#,
            r#""text""#,
            "not json",
        ];
        for c in cases {
            assert_eq!(general(c), None, "the general path takes {c}");
            assert_eq!(deferred_acceptance_json(c), None, "{c}");
        }
        // Inputs the general path reads (an escape, an unknown field, a row as an array):
        // the fast path leaves them to it too.
        let taken = [
            r#"{"staff":[],"posts":[],"other":1}"#,
            r#"{"staff":[{"id":"a\u0062"}],"posts":[]}"#,
            r#"{"staff":[["a",[]]],"posts":[]}"#,
            r#"{"staff":[{"id":"a","extra":1}],"posts":[]}"#,
            r#"[[],[]]"#,
            r#"{"staff":[{"id":"a","seats":1}],"posts":[]}"#,
            r#"{"staff":[{"id":"a"}],"posts":[{"id":"p","seats":1,"prefs":[]}]}"#,
        ];
        for c in taken {
            assert!(general(c).is_some(), "the general path refuses {c}");
            assert_eq!(deferred_acceptance_json(c), None, "{c}");
        }
        let long: Vec<String> = (0..=MAX_PREFS).map(|i| format!("p{i}")).collect();
        let text = serde_json::json!({
            "staff": [{"id": "a", "prefs": long}],
            "posts": long.iter().map(|p| serde_json::json!({"id": p, "seats": 1})).collect::<Vec<_>>(),
        })
        .to_string();
        assert_eq!(deferred_acceptance_json(&text), None);
        assert!(general(&text).is_some());
    }

    /// Rows in either order, posts before staff, fields in any order, ids of any length.
    #[test]
    fn order_of_fields_and_rows_is_free() {
        let text = r#"{"posts":[{"ranking":["a-long-id-of-many-bytes","b"],"seats":1,"id":"岗位一"},
            {"seats":0,"id":"q"}],
            "staff":[{"prefs":["q","岗位一"],"id":"b"},{"id":"a-long-id-of-many-bytes","prefs":["岗位一"]},
            {"id":"c"}]}"#;
        let fast = deferred_acceptance_json(text).unwrap();
        assert_eq!(Some(fast), general(text));
    }

    /// Random instances as JSON: some people list posts that do not rank them, some posts
    /// have no seat, ids of different lengths; sometimes a fault (an unknown or repeated
    /// id) is planted.
    fn instance() -> impl Strategy<Value = String> {
        fn sid(i: usize) -> String {
            format!("staff-{}", i * 7919)
        }
        (random_input(1..40, 1..12, 6, sid), 0u8..6).prop_map(|(inp, fault)| {
            let MatchInput {
                mut staff,
                mut posts,
            } = inp;
            match fault {
                1 => staff[0].prefs.push("nowhere".into()),
                2 => posts[0].ranking.push(sid(staff.len())),
                3 => staff.push(staff[0].clone()),
                _ => {}
            }
            serde_json::to_string(&MatchInput { staff, posts }).unwrap()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// The fast path prints what the general path prints, byte for byte, and answers
        /// whenever the general path has a result (plain ids, short lists).
        #[test]
        fn fast_path_is_the_general_path(text in instance()) {
            let fast = deferred_acceptance_json(&text);
            let general = general(&text);
            prop_assert_eq!(&fast, &general);
            // The same with whitespace between the tokens.
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            prop_assert_eq!(deferred_acceptance_json(&pretty), fast);
        }
    }
}
