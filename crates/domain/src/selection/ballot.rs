//! The committee's secret ballot (党委会 无记名投票, RULES-SELECTION-APPRAISAL §1.10 and §2.3
//! VOTE-1…VOTE-13).
//!
//! A [`BallotBox`] is opened only with quorum (present ≥ ⌈2N/3⌉ of ALL members, exact
//! integer arithmetic, §0.1 [T]; §1.10.1 [S3]) and with exactly one one-time token per member
//! present (VOTE-1). The box knows tokens only by their SHA-256 hash and a used flag
//! (VOTE-2); who drew which token is never an input. A token casts one ballot, which carries
//! one mark per item (同意 / 不同意 / 缓议 / 弃权, or 回避 for a declared recusal); a second
//! cast with the same token is refused (VOTE-3, `allow_recast = false`). Before the chair
//! closes the vote only "k of n tokens used" is visible (VOTE-5). Ballots carry no id, time
//! or token, and the box keeps them sorted by content, so insertion order is not kept
//! either (VOTE-4).
//!
//! At close, [`tally`] counts each item against "more than half of ALL members"
//! (同意 > N/2 with N = 应到会, §1.10.2 [S3]), through the one committee rule
//! [`crate::rules::selection::committee_decision`], and computes the [`digest`] of the sorted
//! ballot set (VOTE-8). [`recount`] recomputes both from stored ballots.
//!
//! # Canonical serialisation of a ballot set (digest version `jiguan-ballot-v1`)
//!
//! The digest is the lowercase hexadecimal SHA-256 of this UTF-8 text, lines ended by `\n`
//! (LF), no trailing blanks:
//!
//! ```text
//! jiguan-ballot-v1
//! items=<item numbers in ascending order, decimal, joined by ",">
//! <one line per ballot, the lines sorted in ascending byte order, duplicates kept>
//! ```
//!
//! A ballot's line is its marks in ascending item order, each `<item>=<mark code>`, joined by
//! `;` — e.g. `1=agree;2=defer;3=abstain`. Mark codes are [`Mark`]'s codes (`agree`,
//! `disagree`, `defer`, `abstain`, `recused`, `invalid`); every item of the vote appears on
//! every line (an unmarked item is `abstain`). An empty ballot set is the two header lines.
//! Tokens, ids, times and the insertion order are not part of the text: the digest depends
//! only on the multiset of ballots, so any permutation of the same ballots gives the same
//! digest, and a recount from the stored ballots reproduces it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::FieldError;
use crate::rules::selection::{CommitteeVote, committee_decision};

closed_lists!("selection/ballot.toml");

/// The digest format's first line.
pub const DIGEST_VERSION: &str = "jiguan-ballot-v1";

/// Shortest token accepted, in characters: 22 base64url characters carry 128 bits
/// (VOTE-2: tokens are random, ≥ 128 bits).
pub const TOKEN_MIN_CHARS: usize = 22;

/// The SHA-256 of a token: all the system keeps of it (VOTE-2).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    /// The hash of a token as printed on the slip (surrounding blanks ignored).
    pub fn of(token: &str) -> Self {
        Self(Sha256::digest(token.trim().as_bytes()).into())
    }
    /// Lowercase hexadecimal.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({})", self.to_hex())
    }
}

/// Hashes a freshly generated batch of tokens: exactly `present` tokens (VOTE-1), each at
/// least [`TOKEN_MIN_CHARS`] characters, all different. Errors on field `tokens`:
/// `selection_token_count` (args `count`, `present`), `selection_token_short`,
/// `duplicate`.
pub fn token_batch(present: u32, tokens: &[String]) -> Result<BTreeSet<TokenHash>, FieldError> {
    if tokens.len() != present as usize {
        return Err(FieldError::new("tokens", "selection_token_count")
            .with("count", tokens.len())
            .with("present", present));
    }
    let mut out = BTreeSet::new();
    for t in tokens {
        if t.trim().chars().count() < TOKEN_MIN_CHARS {
            return Err(FieldError::new("tokens", "selection_token_short"));
        }
        if !out.insert(TokenHash::of(t)) {
            return Err(FieldError::new("tokens", "duplicate"));
        }
    }
    Ok(out)
}

/// The meeting's roll call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Meeting {
    /// 应到会: all committee members (N).
    pub members: u32,
    /// 实到会 (签到).
    pub present: u32,
    /// `recused_count_in_N = true` (§1.10.4 [K], conservative): a recused member stays in
    /// an item's N.
    pub recused_count_in_n: bool,
}

/// The quorum check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Quorum {
    /// ⌈2N/3⌉.
    pub needed: u32,
    pub met: bool,
    /// Fewer than 3 present: secrecy is then meaningless (VOTE-10), a warning.
    pub low_secrecy: bool,
}

/// Quorum (§0.1, §1.10.1): present ≥ ⌈2N/3⌉, i.e. 3·present ≥ 2·N. Errors: the committee
/// rule's (`members`/`must_be_positive`, `present`/`present_exceeds_members`).
pub fn quorum(m: Meeting) -> Result<Quorum, FieldError> {
    let d = committee_decision(CommitteeVote {
        members: m.members,
        present: m.present,
        yes: 0,
        no: 0,
        defer: 0,
    })?;
    Ok(Quorum {
        needed: d.quorum_needed,
        met: d.quorum,
        low_secrecy: m.present < 3,
    })
}

/// An item on the agenda (one per candidate or post) and the members recused on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Item {
    pub no: u32,
    /// Recusals declared in the meeting for this item (VOTE-12).
    pub recused: u32,
}

/// One ballot: a mark for every item of the vote. No token, id or time. Sets of ballots are
/// kept in the order of their canonical lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ballot {
    pub marks: BTreeMap<u32, Mark>,
}

impl Ballot {
    /// The canonical line (`1=agree;2=defer`).
    pub fn canonical(&self) -> String {
        self.marks
            .iter()
            .map(|(i, m)| format!("{i}={}", m.code()))
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// Why a cast was refused. Each is a [`FieldError`] on field `token` or `marks`.
fn refuse(field: &str, code: &str) -> FieldError {
    FieldError::new(field, code)
}

/// Checks the items of a vote: at least one, distinct numbers, recusals ≤ present.
fn check_items(m: Meeting, items: &[Item]) -> Result<(), FieldError> {
    if items.is_empty() {
        return Err(FieldError::new("items", "required"));
    }
    let nos: BTreeSet<u32> = items.iter().map(|i| i.no).collect();
    if nos.len() != items.len() {
        return Err(FieldError::new("items", "duplicate"));
    }
    if items.iter().any(|i| i.recused > m.present) {
        return Err(FieldError::new(
            "items",
            "selection_recused_exceeds_present",
        ));
    }
    Ok(())
}

/// Completes a voter's marks into a ballot: unmarked items are `abstain`; a mark on an
/// unknown item (`marks`/`selection_item_unknown`) or an `invalid` mark
/// (`marks`/`choice_invalid`, paper only) is refused.
fn complete(items: &[Item], marks: &BTreeMap<u32, Mark>) -> Result<Ballot, FieldError> {
    if marks.keys().any(|k| !items.iter().any(|i| i.no == *k)) {
        return Err(refuse("marks", "selection_item_unknown"));
    }
    if marks.values().any(|m| *m == Mark::Invalid) {
        return Err(refuse("marks", "choice_invalid"));
    }
    Ok(Ballot {
        marks: items
            .iter()
            .map(|i| (i.no, marks.get(&i.no).copied().unwrap_or(Mark::Abstain)))
            .collect(),
    })
}

/// A ballot set checked against the issued tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CastCheck {
    /// The accepted ballots, sorted by content (no token, no order of arrival).
    pub accepted: Vec<Ballot>,
    /// Refused submissions: their index in the input and the error.
    pub refused: Vec<(usize, FieldError)>,
}

/// One token, one ballot, one mark per item (VOTE-2, VOTE-3): validates a set of
/// submissions (token, marks) in the order received. A submission is refused when its token
/// was not issued (`token`/`selection_token_unknown`), was already used by an earlier
/// submission (`token`/`selection_token_used`), or its marks are not one per known item
/// (see [`BallotBox::cast`]). The first submission of a token counts.
pub fn validate_casts(
    items: &[Item],
    issued: &BTreeSet<TokenHash>,
    casts: &[(TokenHash, BTreeMap<u32, Mark>)],
) -> CastCheck {
    let mut used = BTreeSet::new();
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    for (i, (t, marks)) in casts.iter().enumerate() {
        let r = if !issued.contains(t) {
            Err(refuse("token", "selection_token_unknown"))
        } else if used.contains(t) {
            Err(refuse("token", "selection_token_used"))
        } else {
            complete(items, marks)
        };
        match r {
            Ok(b) => {
                used.insert(*t);
                accepted.push(b);
            }
            Err(e) => refused.push((i, e)),
        }
    }
    accepted.sort_by_cached_key(Ballot::canonical);
    CastCheck { accepted, refused }
}

/// The ballot box of one vote (表决).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotBox {
    meeting: Meeting,
    items: Vec<Item>,
    /// Token hash → used.
    tokens: BTreeMap<TokenHash, bool>,
    /// Kept sorted by content.
    ballots: Vec<Ballot>,
    /// 差额 contests: a ballot approves at most `seats` of each.
    contests: Vec<Contest>,
    closed: bool,
}

impl BallotBox {
    /// Opens the vote: quorum first (`present`/`selection_no_quorum`, args `present`,
    /// `needed`), then the items, then exactly one token per member present
    /// (`tokens`/`selection_token_count`).
    pub fn open(
        meeting: Meeting,
        items: &[Item],
        tokens: BTreeSet<TokenHash>,
    ) -> Result<Self, FieldError> {
        let q = quorum(meeting)?;
        if !q.met {
            return Err(FieldError::new("present", "selection_no_quorum")
                .with("present", meeting.present)
                .with("needed", q.needed));
        }
        check_items(meeting, items)?;
        if tokens.len() != meeting.present as usize {
            return Err(FieldError::new("tokens", "selection_token_count")
                .with("count", tokens.len())
                .with("present", meeting.present));
        }
        let mut items = items.to_vec();
        items.sort();
        Ok(Self {
            meeting,
            items,
            tokens: tokens.into_iter().map(|t| (t, false)).collect(),
            ballots: Vec::new(),
            contests: Vec::new(),
            closed: false,
        })
    }

    /// Declares the 差额 contests of the vote (before any ballot). Errors: `contests`/
    /// `selection_item_unknown` (an item not on the agenda), `contests`/`duplicate` (an item
    /// in two contests), `contests`/`out_of_range` (seats 0 or not fewer than candidates),
    /// `contests`/`selection_vote_started`.
    pub fn with_contests(mut self, contests: Vec<Contest>) -> Result<Self, FieldError> {
        if !self.ballots.is_empty() {
            return Err(FieldError::new("contests", "selection_vote_started"));
        }
        let mut seen = BTreeSet::new();
        for c in &contests {
            if c.seats == 0 || c.seats as usize >= c.items.len() {
                return Err(FieldError::new("contests", "out_of_range"));
            }
            for i in &c.items {
                if !self.items.iter().any(|x| x.no == *i) {
                    return Err(FieldError::new("contests", "selection_item_unknown"));
                }
                if !seen.insert(*i) {
                    return Err(FieldError::new("contests", "duplicate"));
                }
            }
        }
        self.contests = contests;
        Ok(self)
    }

    /// Casts the ballot of `token` (as printed on the slip). Refused: a closed vote
    /// (`token`/`selection_vote_closed`), an unknown token (`token`/`selection_token_unknown`),
    /// a used token (`token`/`selection_token_used`: the ballot count does not change), a
    /// mark on an unknown item or an `invalid` mark (`marks`/…), more approvals in a 差额
    /// contest than its seats (`marks`/`selection_over_selection`), more 回避 marks on an item
    /// than recusals declared for it (`marks`/`selection_recusal_not_declared`). Nothing is
    /// written when refused.
    pub fn cast(&mut self, token: &str, marks: &BTreeMap<u32, Mark>) -> Result<(), FieldError> {
        if self.closed {
            return Err(refuse("token", "selection_vote_closed"));
        }
        let h = TokenHash::of(token);
        match self.tokens.get(&h) {
            None => return Err(refuse("token", "selection_token_unknown")),
            Some(true) => return Err(refuse("token", "selection_token_used")),
            Some(false) => {}
        }
        let ballot = complete(&self.items, marks)?;
        if self.contests.iter().any(|c| over_selects(&ballot, c)) {
            return Err(refuse("marks", "selection_over_selection"));
        }
        for item in &self.items {
            if ballot.marks.get(&item.no) == Some(&Mark::Recused) {
                let already = self
                    .ballots
                    .iter()
                    .filter(|b| b.marks.get(&item.no) == Some(&Mark::Recused))
                    .count();
                if already >= item.recused as usize {
                    return Err(refuse("marks", "selection_recusal_not_declared"));
                }
            }
        }
        self.tokens.insert(h, true);
        let line = ballot.canonical();
        let at = self.ballots.partition_point(|b| b.canonical() <= line);
        self.ballots.insert(at, ballot);
        Ok(())
    }

    /// A member arriving late (VOTE-1): recorded present and given one more token, only
    /// while the vote is open. Errors: `token`/`selection_vote_closed`, `present`/
    /// `present_exceeds_members`, `tokens`/`duplicate`.
    pub fn late_arrival(&mut self, token: TokenHash) -> Result<(), FieldError> {
        if self.closed {
            return Err(refuse("token", "selection_vote_closed"));
        }
        if self.meeting.present >= self.meeting.members {
            return Err(FieldError::new("present", "present_exceeds_members"));
        }
        if self.tokens.contains_key(&token) {
            return Err(FieldError::new("tokens", "duplicate"));
        }
        self.tokens.insert(token, false);
        self.meeting.present += 1;
        Ok(())
    }

    /// The roll call as it stands (late arrivals included).
    pub fn meeting(&self) -> Meeting {
        self.meeting
    }

    /// What may be shown while the vote is open (VOTE-5): tokens used, tokens issued.
    pub fn progress(&self) -> (usize, usize) {
        (
            self.tokens.values().filter(|u| **u).count(),
            self.tokens.len(),
        )
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The ballots, only once closed (for storage and the recount; VOTE-5).
    pub fn ballots(&self) -> Option<&[Ballot]> {
        self.closed.then_some(self.ballots.as_slice())
    }

    /// Closes the vote (unused tokens are void) and tallies it (VOTE-7, VOTE-8).
    pub fn close(&mut self) -> Result<Tally, FieldError> {
        // Unused tokens are void from now on: a closed box refuses every cast.
        self.closed = true;
        tally(
            self.meeting,
            &self.items,
            u32::try_from(self.tokens.len()).unwrap_or(u32::MAX),
            &self.ballots,
        )
    }
}

/// One item's tally (VOTE-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ItemTally {
    pub item: u32,
    /// The item's N (all members; less the recused when `recused_count_in_n` is false).
    pub members: u32,
    pub present: u32,
    pub agree: u32,
    pub disagree: u32,
    pub defer: u32,
    pub abstain: u32,
    pub invalid: u32,
    /// 回避 declared in the meeting, and marked on the ballots (they should be equal).
    pub recused_declared: u32,
    pub recused_marked: u32,
    /// ⌊N/2⌋ + 1.
    pub needed: u32,
    pub decision: Decision,
}

/// The tally sheet of a vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Tally {
    /// 应到会 N.
    pub members: u32,
    pub present: u32,
    pub tokens_issued: u32,
    pub ballots_cast: u32,
    pub items: Vec<ItemTally>,
    /// SHA-256 of the canonical ballot set (module docs), lowercase hex.
    pub digest: String,
    /// Fewer than 3 present (VOTE-10).
    pub low_secrecy: bool,
}

/// The canonical text of a ballot set (module docs).
pub fn canonical_text(items: &[Item], ballots: &[Ballot]) -> String {
    let mut nos: Vec<u32> = items.iter().map(|i| i.no).collect();
    nos.sort_unstable();
    let mut lines: Vec<String> = ballots.iter().map(Ballot::canonical).collect();
    lines.sort_unstable();
    let mut out = format!(
        "{DIGEST_VERSION}\nitems={}\n",
        nos.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
    );
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// The digest of a ballot set: lowercase hex SHA-256 of [`canonical_text`].
pub fn digest(items: &[Item], ballots: &[Ballot]) -> String {
    hex::encode(Sha256::digest(canonical_text(items, ballots).as_bytes()))
}

/// Tallies a closed vote from its ballots. Errors: quorum and item errors as in
/// [`BallotBox::open`]; `ballots`/`selection_vote_void` (args `ballots`, `tokens`) when more
/// ballots than tokens issued (§1.10.6 [S3], VOTE-7: the vote is void and repeated), or
/// more tokens issued than members present; `ballots`/`selection_ballot_items` when a ballot
/// does not carry exactly the vote's items.
pub fn tally(
    m: Meeting,
    items: &[Item],
    tokens_issued: u32,
    ballots: &[Ballot],
) -> Result<Tally, FieldError> {
    let q = quorum(m)?;
    if !q.met {
        return Err(FieldError::new("present", "selection_no_quorum")
            .with("present", m.present)
            .with("needed", q.needed));
    }
    check_items(m, items)?;
    let cast = u32::try_from(ballots.len()).unwrap_or(u32::MAX);
    if cast > tokens_issued || tokens_issued > m.present {
        return Err(FieldError::new("ballots", "selection_vote_void")
            .with("ballots", cast)
            .with("tokens", tokens_issued));
    }
    let nos: BTreeSet<u32> = items.iter().map(|i| i.no).collect();
    if ballots
        .iter()
        .any(|b| b.marks.keys().copied().collect::<BTreeSet<u32>>() != nos)
    {
        return Err(FieldError::new("ballots", "selection_ballot_items"));
    }
    let mut sorted = items.to_vec();
    sorted.sort();
    let mut out = Vec::with_capacity(sorted.len());
    for it in &sorted {
        let count = |mk: Mark| {
            u32::try_from(
                ballots
                    .iter()
                    .filter(|b| b.marks.get(&it.no) == Some(&mk))
                    .count(),
            )
            .unwrap_or(u32::MAX)
        };
        let (agree, disagree, defer) = (
            count(Mark::Agree),
            count(Mark::Disagree),
            count(Mark::Defer),
        );
        let (members, present) = if m.recused_count_in_n {
            (m.members, m.present)
        } else {
            (
                m.members.saturating_sub(it.recused),
                m.present.saturating_sub(it.recused),
            )
        };
        let d = committee_decision(CommitteeVote {
            members,
            present,
            yes: agree,
            no: disagree,
            defer,
        })
        .map_err(|_| FieldError::new("ballots", "selection_vote_void"))?;
        let decision = if u64::from(defer) * 2 > u64::from(present) {
            Decision::Deferred
        } else if d.approved {
            Decision::Adopted
        } else {
            Decision::NotAdopted
        };
        out.push(ItemTally {
            item: it.no,
            members,
            present,
            agree,
            disagree,
            defer,
            abstain: count(Mark::Abstain),
            invalid: count(Mark::Invalid),
            recused_declared: it.recused,
            recused_marked: count(Mark::Recused),
            needed: d.needed,
            decision,
        });
    }
    Ok(Tally {
        members: m.members,
        present: m.present,
        tokens_issued,
        ballots_cast: cast,
        items: out,
        digest: digest(items, ballots),
        low_secrecy: q.low_secrecy,
    })
}

/// A recount (VOTE-8): the tally recomputed from the stored ballots, and whether it
/// reproduces the recorded digest and numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recount {
    pub tally: Tally,
    pub digest_matches: bool,
    pub counts_match: bool,
}

/// Recounts a vote from its stored ballots (in any order) against the recorded tally.
pub fn recount(
    m: Meeting,
    items: &[Item],
    tokens_issued: u32,
    ballots: &[Ballot],
    recorded: &Tally,
) -> Result<Recount, FieldError> {
    let t = tally(m, items, tokens_issued, ballots)?;
    Ok(Recount {
        digest_matches: t.digest == recorded.digest,
        counts_match: t.items == recorded.items
            && t.ballots_cast == recorded.ballots_cast
            && t.tokens_issued == recorded.tokens_issued,
        tally: t,
    })
}

/// A 差额票决 contest: several candidate items for one post with `seats` seats (§1.10.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contest {
    /// The candidates' item numbers.
    pub items: Vec<u32>,
    pub seats: u32,
}

/// Paper ballots (VOTE-6): a ballot approving more candidates of a contest than its seats is
/// invalid for that contest only — its marks on the contest's items become `invalid`.
/// Returns whether anything was invalidated. (The electronic ballot cannot over-select:
/// [`BallotBox::cast`] refuses it.)
pub fn invalidate_over_selection(ballot: &mut Ballot, contests: &[Contest]) -> bool {
    let mut changed = false;
    for c in contests {
        if over_selects(ballot, c) {
            for i in &c.items {
                if let Some(m) = ballot.marks.get_mut(i) {
                    *m = Mark::Invalid;
                    changed = true;
                }
            }
        }
    }
    changed
}

fn over_selects(ballot: &Ballot, c: &Contest) -> bool {
    let approvals = c
        .items
        .iter()
        .filter(|i| ballot.marks.get(i) == Some(&Mark::Agree))
        .count();
    approvals > c.seats as usize
}

/// The outcome of a contest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContestResult {
    /// Elected: passed (同意 > N/2) and within the seats by votes.
    pub elected: Vec<u32>,
    /// To vote again: the candidates tied at the boundary (only they), or, under
    /// `revote_among_remaining`, those who did not pass when seats remain.
    pub revote: Vec<u32>,
    /// Seats left vacant (`leave_vacant`).
    pub vacant: u32,
}

/// Decides a 差额 contest from the tally (§1.10.5 [S3]): a candidate passes with
/// 同意 > N/2; if more pass than seats, the highest 同意 counts win, and a tie at the
/// boundary is voted again among the tied only; if fewer pass, the shortfall policy applies.
/// `None` when an item of the contest is not in the tally, and for a contest with no seat
/// or no more candidates than seats.
pub fn contest_result(t: &Tally, c: &Contest, policy: ShortfallPolicy) -> Option<ContestResult> {
    if c.seats == 0 || c.seats as usize >= c.items.len() {
        return None;
    }
    let mut rows: Vec<&ItemTally> = Vec::with_capacity(c.items.len());
    for i in &c.items {
        rows.push(t.items.iter().find(|x| x.item == *i)?);
    }
    let mut passed: Vec<&ItemTally> = rows
        .iter()
        .copied()
        .filter(|r| r.decision == Decision::Adopted)
        .collect();
    passed.sort_by(|a, b| b.agree.cmp(&a.agree).then(a.item.cmp(&b.item)));
    let seats = c.seats as usize;
    if passed.len() > seats {
        let boundary = passed[seats - 1].agree;
        let tied_at_boundary = passed[seats].agree == boundary;
        if tied_at_boundary {
            let elected: Vec<u32> = passed
                .iter()
                .filter(|r| r.agree > boundary)
                .map(|r| r.item)
                .collect();
            let revote = passed
                .iter()
                .filter(|r| r.agree == boundary)
                .map(|r| r.item)
                .collect();
            return Some(ContestResult {
                elected,
                revote,
                vacant: 0,
            });
        }
        passed.truncate(seats);
    }
    let elected: Vec<u32> = passed.iter().map(|r| r.item).collect();
    let missing = u32::try_from(seats - elected.len()).unwrap_or(0);
    let (revote, vacant) = match policy {
        _ if missing == 0 => (Vec::new(), 0),
        ShortfallPolicy::RevoteAmongRemaining => (
            rows.iter()
                .filter(|r| !elected.contains(&r.item))
                .map(|r| r.item)
                .collect(),
            0,
        ),
        ShortfallPolicy::LeaveVacant => (Vec::new(), missing),
    };
    Some(ContestResult {
        elected,
        revote,
        vacant,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn token(i: usize) -> String {
        format!("tok-{i:02}-abcdefghijklmnopqrstuvwxyz")
    }

    fn tokens(n: usize) -> Vec<String> {
        (0..n).map(token).collect()
    }

    fn meeting(members: u32, present: u32) -> Meeting {
        Meeting {
            members,
            present,
            recused_count_in_n: true,
        }
    }

    fn items(n: u32) -> Vec<Item> {
        (1..=n).map(|no| Item { no, recused: 0 }).collect()
    }

    fn open(members: u32, present: u32, its: &[Item]) -> BallotBox {
        let hs = token_batch(present, &tokens(present as usize)).unwrap();
        BallotBox::open(meeting(members, present), its, hs).unwrap()
    }

    fn marks(v: &[(u32, Mark)]) -> BTreeMap<u32, Mark> {
        v.iter().copied().collect()
    }

    fn cast_all(b: &mut BallotBox, per_voter: &[Vec<(u32, Mark)>]) {
        for (i, m) in per_voter.iter().enumerate() {
            b.cast(&token(i), &marks(m)).unwrap();
        }
    }

    /// §0.1 vectors [T]: quorum and decision thresholds for N = 5…11.
    #[test]
    fn vector_0_1_quorum_and_majority() {
        for (n, present_min, agree_min) in [
            (5, 4, 3),
            (6, 4, 4),
            (7, 5, 4),
            (8, 6, 5),
            (9, 6, 5),
            (11, 8, 6),
        ] {
            let q = quorum(meeting(n, n)).unwrap();
            assert_eq!(q.needed, present_min, "N={n}");
            assert!(quorum(meeting(n, present_min)).unwrap().met);
            assert!(!quorum(meeting(n, present_min - 1)).unwrap().met);
            let d = committee_decision(CommitteeVote {
                members: n,
                present: n,
                yes: agree_min,
                no: 0,
                defer: 0,
            })
            .unwrap();
            assert_eq!(d.needed, agree_min);
        }
    }

    /// TV-S4: quorum N=8, present 5 → no meeting (needs 6); and 2/3 exactly (N=9, present 6)
    /// opens.
    #[test]
    fn tv_s4_quorum_before_any_ballot() {
        let hs = token_batch(5, &tokens(5)).unwrap();
        let e = BallotBox::open(meeting(8, 5), &items(1), hs).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("present", "selection_no_quorum")
        );
        assert!(e.args.contains(&("needed".into(), "6".into())));
        // Exactly two thirds: 6 of 9.
        let b = open(9, 6, &items(1));
        assert_eq!(b.progress(), (0, 6));
    }

    /// TV-S3: committee N=9, present 6: 同意 5 → adopted; 同意 4 → not adopted (needs 5).
    #[test]
    fn tv_s3_more_than_half_of_all_members() {
        let mut b = open(9, 6, &items(2));
        let v: Vec<Vec<(u32, Mark)>> = (0..6)
            .map(|i| {
                vec![
                    (1, if i < 5 { Mark::Agree } else { Mark::Disagree }),
                    (2, if i < 4 { Mark::Agree } else { Mark::Disagree }),
                ]
            })
            .collect();
        cast_all(&mut b, &v);
        let t = b.close().unwrap();
        assert_eq!(t.items[0].needed, 5);
        assert_eq!(t.items[0].decision, Decision::Adopted);
        assert_eq!(t.items[1].decision, Decision::NotAdopted);
    }

    /// §1.10.2 vectors: N=7, present 5: 4/1/0 → adopted; 3/2/0 → not (3 ≤ 3.5). And an
    /// even N: exactly half of all members fails (N=8: 4 同意 → not adopted).
    #[test]
    fn vector_1_10_2_and_exactly_half_fails() {
        let mut b = open(7, 5, &items(2));
        let v: Vec<Vec<(u32, Mark)>> = (0..5)
            .map(|i| {
                vec![
                    (1, if i < 4 { Mark::Agree } else { Mark::Disagree }),
                    (2, if i < 3 { Mark::Agree } else { Mark::Disagree }),
                ]
            })
            .collect();
        cast_all(&mut b, &v);
        let t = b.close().unwrap();
        assert_eq!(
            (t.items[0].decision, t.items[1].decision),
            (Decision::Adopted, Decision::NotAdopted)
        );
        let mut b = open(8, 6, &items(1));
        let v: Vec<Vec<(u32, Mark)>> = (0..6)
            .map(|i| vec![(1, if i < 4 { Mark::Agree } else { Mark::Abstain })])
            .collect();
        cast_all(&mut b, &v);
        let t = b.close().unwrap();
        assert_eq!(
            (t.items[0].needed, t.items[0].decision),
            (5, Decision::NotAdopted)
        );
    }

    /// TV-V1: N=7, present 5 → 5 tokens; 5 cast; item A 同意 4, 不同意 1 → adopted.
    #[test]
    fn tv_v1() {
        let mut b = open(7, 5, &items(1));
        assert_eq!(b.progress(), (0, 5));
        let v: Vec<Vec<(u32, Mark)>> = (0..5)
            .map(|i| vec![(1, if i < 4 { Mark::Agree } else { Mark::Disagree })])
            .collect();
        cast_all(&mut b, &v);
        assert_eq!(b.progress(), (5, 5));
        let t = b.close().unwrap();
        assert_eq!((t.tokens_issued, t.ballots_cast), (5, 5));
        let i = t.items[0];
        assert_eq!((i.agree, i.disagree, i.needed), (4, 1, 4));
        assert_eq!(i.decision, Decision::Adopted);
    }

    /// TV-V2: N=7, present 5, one recused on item B → 4 eligible ballots; 同意 3 → not
    /// adopted under `recused_count_in_N = true` (needs 4 of N=7).
    #[test]
    fn tv_v2_recusal_stays_in_n() {
        let its = [Item { no: 1, recused: 0 }, Item { no: 2, recused: 1 }];
        let mut b = open(7, 5, &its);
        let v: Vec<Vec<(u32, Mark)>> = (0..5)
            .map(|i| {
                vec![
                    (1, Mark::Agree),
                    (
                        2,
                        match i {
                            0 => Mark::Recused,
                            1..=3 => Mark::Agree,
                            _ => Mark::Disagree,
                        },
                    ),
                ]
            })
            .collect();
        cast_all(&mut b, &v);
        let t = b.close().unwrap();
        let ib = t.items[1];
        assert_eq!(
            (ib.agree, ib.recused_marked, ib.members, ib.needed),
            (3, 1, 7, 4)
        );
        assert_eq!(ib.decision, Decision::NotAdopted);
        // A second 回避 mark on item B is more than was declared.
        let mut b = open(7, 5, &its);
        b.cast(&token(0), &marks(&[(2, Mark::Recused)])).unwrap();
        let e = b
            .cast(&token(1), &marks(&[(2, Mark::Recused)]))
            .unwrap_err();
        assert_eq!(e.code, "selection_recusal_not_declared");
        assert_eq!(b.progress(), (1, 5));
    }

    /// TV-V3: a token used twice → the second submission is rejected and `ballots_cast`
    /// stays 5.
    #[test]
    fn tv_v3_one_token_one_ballot() {
        let mut b = open(7, 5, &items(1));
        let v: Vec<Vec<(u32, Mark)>> = (0..5).map(|_| vec![(1, Mark::Agree)]).collect();
        cast_all(&mut b, &v);
        let e = b
            .cast(&token(0), &marks(&[(1, Mark::Disagree)]))
            .unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("token", "selection_token_used")
        );
        let e = b
            .cast("not-a-token-of-this-vote-xyz", &marks(&[]))
            .unwrap_err();
        assert_eq!(e.code, "selection_token_unknown");
        assert!(b.ballots().is_none(), "no ballots before close");
        let t = b.close().unwrap();
        assert_eq!(t.ballots_cast, 5);
        assert_eq!(t.items[0].agree, 5);
        let e = b.cast(&token(1), &marks(&[])).unwrap_err();
        assert_eq!(e.code, "selection_vote_closed");
    }

    /// TV-V4: 6 ballots recorded for 5 tokens (a corrupted import) → the vote is void.
    #[test]
    fn tv_v4_more_ballots_than_tokens_is_void() {
        let b = Ballot {
            marks: marks(&[(1, Mark::Agree)]),
        };
        let six = vec![b; 6];
        let e = tally(meeting(7, 5), &items(1), 5, &six).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("ballots", "selection_vote_void")
        );
        assert!(tally(meeting(7, 5), &items(1), 5, &six[..5]).is_ok());
    }

    #[test]
    fn the_set_validator_keeps_one_ballot_per_token() {
        let its = items(2);
        let issued = token_batch(3, &tokens(3)).unwrap();
        let h = |i| TokenHash::of(&token(i));
        let casts = vec![
            (h(0), marks(&[(1, Mark::Agree), (2, Mark::Defer)])),
            (h(0), marks(&[(1, Mark::Disagree)])),
            (TokenHash::of("stranger-token-000000000"), marks(&[])),
            (h(1), marks(&[(3, Mark::Agree)])),
            (h(1), marks(&[(1, Mark::Invalid)])),
            (h(2), marks(&[(2, Mark::Agree)])),
        ];
        let c = validate_casts(&its, &issued, &casts);
        let refused: Vec<(usize, &str)> = c
            .refused
            .iter()
            .map(|(i, e)| (*i, e.code.as_str()))
            .collect();
        assert_eq!(
            refused,
            [
                (1, "selection_token_used"),
                (2, "selection_token_unknown"),
                (3, "selection_item_unknown"),
                (4, "choice_invalid")
            ]
        );
        // A refused submission does not consume its token (token 1 is refused twice for
        // its marks, not as used): two accepted ballots, unmarked items as abstentions.
        let lines: Vec<String> = c.accepted.iter().map(Ballot::canonical).collect();
        assert_eq!(lines, ["1=abstain;2=agree", "1=agree;2=defer"]);
    }

    #[test]
    fn tokens_are_a_batch_of_exactly_the_present_count() {
        assert_eq!(
            token_batch(5, &tokens(4)).unwrap_err().code,
            "selection_token_count"
        );
        assert_eq!(
            token_batch(1, &["short".into()]).unwrap_err().code,
            "selection_token_short"
        );
        assert_eq!(
            token_batch(2, &[token(1), token(1)]).unwrap_err().code,
            "duplicate"
        );
        let hs = token_batch(4, &tokens(4)).unwrap();
        let e = BallotBox::open(meeting(5, 5), &items(1), hs).unwrap_err();
        assert_eq!(e.code, "selection_token_count");
        assert_eq!(
            TokenHash::of(" abc ").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn deferral_by_more_than_half_of_those_present() {
        let mut b = open(7, 5, &items(1));
        let v: Vec<Vec<(u32, Mark)>> = (0..5)
            .map(|i| vec![(1, if i < 3 { Mark::Defer } else { Mark::Agree })])
            .collect();
        cast_all(&mut b, &v);
        let t = b.close().unwrap();
        assert_eq!(
            (t.items[0].defer, t.items[0].decision),
            (3, Decision::Deferred)
        );
    }

    #[test]
    fn canonical_text_and_digest_are_fixed() {
        let its = items(2);
        let ballots = vec![
            Ballot {
                marks: marks(&[(1, Mark::Agree), (2, Mark::Defer)]),
            },
            Ballot {
                marks: marks(&[(1, Mark::Agree), (2, Mark::Agree)]),
            },
        ];
        assert_eq!(
            canonical_text(&its, &ballots),
            "jiguan-ballot-v1\nitems=1,2\n1=agree;2=agree\n1=agree;2=defer\n"
        );
        // The digest of exactly that text (computed independently with `sha256sum`).
        assert_eq!(
            digest(&its, &ballots),
            hex::encode(Sha256::digest(
                b"jiguan-ballot-v1\nitems=1,2\n1=agree;2=agree\n1=agree;2=defer\n"
            ))
        );
        assert_eq!(
            digest(&its, &[]),
            hex::encode(Sha256::digest(b"jiguan-ballot-v1\nitems=1,2\n"))
        );
    }

    #[test]
    fn recount_reproduces_tally_and_digest() {
        let mut b = open(9, 7, &items(3));
        let v: Vec<Vec<(u32, Mark)>> = (0..7)
            .map(|i| {
                vec![
                    (
                        1,
                        if i % 2 == 0 {
                            Mark::Agree
                        } else {
                            Mark::Disagree
                        },
                    ),
                    (2, if i < 6 { Mark::Agree } else { Mark::Defer }),
                    (3, Mark::Abstain),
                ]
            })
            .collect();
        cast_all(&mut b, &v);
        let t = b.close().unwrap();
        let mut stored = b.ballots().unwrap().to_vec();
        stored.reverse();
        let r = recount(meeting(9, 7), &items(3), 7, &stored, &t).unwrap();
        assert!(r.digest_matches && r.counts_match);
        assert_eq!(r.tally, t);
        // One altered ballot: the digest and the counts differ.
        stored[0].marks.insert(2, Mark::Disagree);
        let r = recount(meeting(9, 7), &items(3), 7, &stored, &t).unwrap();
        assert!(!r.digest_matches);
    }

    /// §1.10.5 vectors: N=7, seats 1: ballots A5 B2 → A. Ballots A3 B3 (one abstention) →
    /// nobody passes → revote.
    #[test]
    fn vector_1_10_5_contested_vote() {
        let its = items(2); // A = 1, B = 2
        let contest = Contest {
            items: vec![1, 2],
            seats: 1,
        };
        let run = |a: usize, b: usize| {
            let mut bx = open(7, 7, &its)
                .with_contests(vec![contest.clone()])
                .unwrap();
            let v: Vec<Vec<(u32, Mark)>> = (0..7)
                .map(|i| {
                    if i < a {
                        vec![(1, Mark::Agree), (2, Mark::Disagree)]
                    } else if i < a + b {
                        vec![(1, Mark::Disagree), (2, Mark::Agree)]
                    } else {
                        vec![]
                    }
                })
                .collect();
            cast_all(&mut bx, &v);
            bx.close().unwrap()
        };
        let t = run(5, 2);
        let r = contest_result(&t, &contest, ShortfallPolicy::RevoteAmongRemaining).unwrap();
        assert_eq!((r.elected, r.revote), (vec![1], vec![]));
        let t = run(3, 3);
        let r = contest_result(&t, &contest, ShortfallPolicy::RevoteAmongRemaining).unwrap();
        assert_eq!((r.elected, r.revote), (vec![], vec![1, 2]));
        let r = contest_result(&t, &contest, ShortfallPolicy::LeaveVacant).unwrap();
        assert_eq!((r.elected.len(), r.vacant), (0, 1));
        // The electronic ballot cannot approve both.
        let mut bx = open(7, 7, &its)
            .with_contests(vec![contest.clone()])
            .unwrap();
        let e = bx
            .cast(&token(0), &marks(&[(1, Mark::Agree), (2, Mark::Agree)]))
            .unwrap_err();
        assert_eq!(e.code, "selection_over_selection");
        assert_eq!(bx.progress(), (0, 7));
        // A paper ballot that does is invalid for the contest only.
        let mut b = Ballot {
            marks: marks(&[(1, Mark::Agree), (2, Mark::Agree), (3, Mark::Agree)]),
        };
        assert!(invalidate_over_selection(&mut b, &[contest]));
        assert_eq!(b.canonical(), "1=invalid;2=invalid;3=agree");
    }

    #[test]
    fn contest_tie_at_the_boundary_revotes_among_the_tied_only() {
        // N=9, all present, seats 2 among A, B, C: A 8, B 6, C 6 → A elected, B and C revote.
        let its = items(3);
        let contest = Contest {
            items: vec![1, 2, 3],
            seats: 2,
        };
        let mut bx = open(9, 9, &its)
            .with_contests(vec![contest.clone()])
            .unwrap();
        let v: Vec<Vec<(u32, Mark)>> = (0..9)
            .map(|i| match i {
                0..=3 => vec![(1, Mark::Agree), (2, Mark::Agree)],
                4..=7 => vec![(1, Mark::Agree), (3, Mark::Agree)],
                _ => vec![(2, Mark::Agree), (3, Mark::Agree)],
            })
            .collect();
        cast_all(&mut bx, &v);
        let t = bx.close().unwrap();
        let agrees: Vec<u32> = t.items.iter().map(|x| x.agree).collect();
        assert_eq!(agrees, [8, 5, 5]);
        // 5 > 4.5: all three pass; two seats; B and C tie at the boundary.
        let r = contest_result(&t, &contest, ShortfallPolicy::RevoteAmongRemaining).unwrap();
        assert_eq!((r.elected, r.revote), (vec![1], vec![2, 3]));
        assert!(
            open(9, 9, &its)
                .with_contests(vec![Contest {
                    items: vec![1, 4],
                    seats: 1
                }])
                .is_err()
        );
    }

    #[test]
    fn late_arrivals_get_a_token_while_the_vote_is_open() {
        let mut b = open(7, 5, &items(1));
        let late = TokenHash::of(&token(5));
        b.late_arrival(late).unwrap();
        assert_eq!((b.progress(), b.meeting().present), ((0, 6), 6));
        assert_eq!(b.late_arrival(late).unwrap_err().code, "duplicate");
        b.cast(&token(5), &marks(&[(1, Mark::Agree)])).unwrap();
        b.late_arrival(TokenHash::of(&token(6))).unwrap();
        assert_eq!(
            b.late_arrival(TokenHash::of(&token(7))).unwrap_err().code,
            "present_exceeds_members"
        );
        let t = b.close().unwrap();
        assert_eq!((t.present, t.tokens_issued, t.ballots_cast), (7, 7, 1));
        assert_eq!(
            b.late_arrival(TokenHash::of(&token(8))).unwrap_err().code,
            "selection_vote_closed"
        );
    }

    fn mark_of(k: u8) -> Mark {
        [Mark::Agree, Mark::Disagree, Mark::Defer, Mark::Abstain][usize::from(k % 4)]
    }

    proptest! {
        /// Per item, the tally's counts sum to the ballots cast; the digest does not depend on
        /// the order in which ballots were cast; recounting reproduces the tally.
        #[test]
        fn tally_sums_and_digest_is_order_independent(
            n_items in 1u32..6,
            raw in prop::collection::vec(prop::collection::vec(0u8..4, 6), 1..12),
            seed in 0usize..1000,
        ) {
            let present = raw.len() as u32;
            let members = present + present / 3; // quorum always met
            let its = items(n_items);
            let votes: Vec<Vec<(u32, Mark)>> = raw
                .iter()
                .map(|r| (1..=n_items).map(|i| (i, mark_of(r[i as usize - 1]))).collect())
                .collect();
            let mut b = open(members, present, &its);
            cast_all(&mut b, &votes);
            let t = b.close().unwrap();
            for it in &t.items {
                prop_assert_eq!(
                    it.agree + it.disagree + it.defer + it.abstain + it.invalid + it.recused_marked,
                    t.ballots_cast
                );
            }
            // Cast the same ballots in a rotated order with other tokens.
            let mut rotated = votes.clone();
            rotated.rotate_left(seed % votes.len());
            let mut b2 = open(members, present, &its);
            cast_all(&mut b2, &rotated);
            let t2 = b2.close().unwrap();
            prop_assert_eq!(&t.digest, &t2.digest);
            prop_assert_eq!(&t, &t2);
            // The box keeps no trace of the order of arrival: the same ballots, same order.
            prop_assert_eq!(b.ballots(), b2.ballots());
            let mut shuffled = b.ballots().unwrap().to_vec();
            let k = seed % shuffled.len().max(1);
            shuffled.rotate_right(k);
            let r = recount(meeting(members, present), &its, present, &shuffled, &t).unwrap();
            prop_assert!(r.digest_matches && r.counts_match);
        }
    }
}
