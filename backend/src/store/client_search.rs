//! Client search (`GET /api/clients?q=`) and the duplicate check's
//! candidates, as the operator types, read through an index of our own:
//! `client_terms:[term, client]`, one key per term of a client's `search`
//! (the terms written here by `index_text`), kept by a database event in the
//! client's own transaction (schema.surql). Every client with a term starting
//! with a prefix is one key range of that table (`RecordIdScan`).
//!
//! Terms, separated by spaces in `clients.search`:
//! - every word of the name, the addresses and the INN, lowercase with `ё` as
//!   `е`, ended by `$`: the query `иван` is a prefix of the term `иванов$`, and
//!   `иванов$` matches that whole word only. A word mixing letters and digits
//!   ("д5", "10к2") is also written as its runs ("д$", "5$"); a word longer
//!   than `MAX_WORD` is cut there and written without its `$`;
//! - the digits of every phone (own and the addresses' contact phones) as `#`
//!   and each suffix of at least 3 digits, so that any fragment of a number is
//!   the prefix of one term; a +7 number also as `#8…`, the trunk prefix people
//!   type ("8 912…"); the INN as `#` and its digits too;
//! - per address, each word of the street with the house number's digits as
//!   `street~house$` ("ленина~5$" for "ул. Ленина, д. 5к2"): the operator's
//!   "Ленина 5" is one narrow range, where "ленина" and "5" are each shared
//!   by thousands of clients; a house with more than digits also whole
//!   (`ленина~5к2$`, `ленина~5а$`) for "Ленина 5к2" typed;
//! - each ordered pair of the name's first words as `+a+b$` (`+иванов+петр$`,
//!   `+петр+иванов$`): "Иванов Пет" is one narrow range.
//!
//! A query is read in turn with its pairs (the narrowest ranges) and word by
//! word, until one finds anyone. Each reading is every term at once: each
//! term's key range is read (at most `RANGE_CAP` keys, all terms in one
//! round trip), the complete ranges are intersected, and the candidates'
//! terms are checked here against the terms whose range was cut; the answers
//! are ranked here.

use std::collections::{BTreeSet, HashMap, HashSet};

use rodnik_shared::api::ClientSummary;
use serde_json::{json, Value};

use super::clients::similar::{self, fold};
use super::{decode_all, key_of, Store};
use crate::error::Result;

/// Words are indexed up to this many characters.
const MAX_WORD: usize = 20;
/// A query uses at most this many terms (each is one index read).
const MAX_TERMS: usize = 8;
/// A digits-only word of a query at least this long is a phone or INN
/// fragment; a shorter one is a house or flat number.
const NUMBER_DIGITS: usize = 4;
/// Phone suffixes shorter than this are not indexed (a fragment that short
/// finds half the clients anyway).
const MIN_SUFFIX: usize = 3;

/// Keys read from one term's range: a term shared by more clients than this
/// is checked on the candidates instead of intersected.
const RANGE_CAP: usize = 2_000;
/// Clients read to be ranked, at most (the answer is the best `limit`).
const FETCH_CAP: usize = 120;
/// Between a street's word and the house number in a pair term.
const PAIR: char = '~';
/// A pair term is written for at most this many words of a street.
const PAIR_WORDS: usize = 4;
/// Before and between the two words of a name's pair term (`+иванов+петр$`);
/// first, so that no word's range holds them.
const NAME_PAIR: char = '+';
/// Name pairs are written for this many first words of a name.
const NAME_WORDS: usize = 4;
/// Above every character of a term: the end of a prefix's key range.
const RANGE_END: char = '\u{10FFFF}';

/// The text stored in `clients.search` for this client: its terms.
pub(super) fn index_text(c: &ClientSummary) -> String {
    let mut terms = BTreeSet::new();
    let text = |s: &str, terms: &mut BTreeSet<String>| {
        for w in words(s) {
            word_terms(&w, terms);
        }
    };
    text(&c.name, &mut terms);
    name_pair_terms(&c.name, &mut terms);
    for a in &c.addresses {
        text(&a.text, &mut terms);
        if let Some(key) = similar::address_key(&a.text) {
            pair_terms(&key, &mut terms);
        }
    }
    if let Some(inn) = &c.inn {
        text(inn, &mut terms);
        let digits: String = inn.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            terms.insert(format!("#{digits}"));
        }
    }
    let phones = c
        .phones
        .iter()
        .chain(c.addresses.iter().filter_map(|a| a.contact_phone.as_ref()));
    for p in phones {
        phone_terms(&p.digits(), &mut terms);
    }
    terms.into_iter().collect::<Vec<_>>().join(" ")
}

/// The words of a text: lowercase, `ё` as `е`, split at anything that is
/// not a letter or a digit.
fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold)
}

/// A word's runs of letters and of digits ("10к2" -> "10", "к", "2").
fn runs(w: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut start = 0;
    let mut previous: Option<bool> = None;
    for (i, c) in w.char_indices() {
        let digit = c.is_numeric();
        if previous.is_some_and(|p| p != digit) {
            out.push(&w[start..i]);
            start = i;
        }
        previous = Some(digit);
    }
    out.push(&w[start..]);
    out
}

/// The first `MAX_WORD` characters of a word, and whether it was longer.
fn cut(w: &str) -> (&str, bool) {
    match w.char_indices().nth(MAX_WORD) {
        Some((i, _)) => (&w[..i], true),
        None => (w, false),
    }
}

/// A whole word as a term: `word$`, or the cut word when it is too long.
fn whole(w: &str) -> String {
    match cut(w) {
        (w, false) => format!("{w}$"),
        (w, true) => w.to_string(),
    }
}

fn word_terms(w: &str, terms: &mut BTreeSet<String>) {
    terms.insert(whole(w));
    let parts = runs(w);
    if parts.len() > 1 {
        for p in parts {
            terms.insert(whole(p));
        }
    }
}

/// The leading digits of a house number ("10к2" -> "10"), when it has them
/// and they are a house's (shorter than a phone fragment).
fn house_digits(house: &str) -> Option<&str> {
    let end = house
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(house.len(), |(i, _)| i);
    (end > 0 && end < NUMBER_DIGITS).then(|| &house[..end])
}

/// `street~house$` for the longest words of the address's street (letters
/// only, two or more), with the house number's leading digits.
fn pair_terms(key: &similar::AddressKey, terms: &mut BTreeSet<String>) {
    let Some(house) = house_digits(&key.house) else {
        return;
    };
    let mut street: Vec<&String> = key
        .street
        .iter()
        .filter(|w| w.chars().count() >= 2 && w.chars().all(char::is_alphabetic))
        .collect();
    street.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    street.truncate(PAIR_WORDS);
    // "10к2", "5а": the whole house too, as typed ("Ленина 10к2").
    let whole_house = (key.house != house && key.house.chars().all(char::is_alphanumeric))
        .then_some(key.house.as_str());
    for w in street {
        terms.insert(pair(w, house) + "$");
        if let Some(h) = whole_house {
            terms.insert(pair(w, h) + "$");
        }
    }
}

/// The words of a name a pair is written for: the first `NAME_WORDS`
/// distinct ones of two letters or more, legal forms left out.
fn name_pair_words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for w in words(name) {
        if w.chars().count() >= 2 && !similar::is_filler(&w) && !out.contains(&w) {
            out.push(w);
        }
        if out.len() == NAME_WORDS {
            break;
        }
    }
    out
}

/// `+a+b$` for each ordered pair of the name's first words: "Иванов Пет"
/// typed is one narrow range (`+иванов+пет`), where "иванов" and "пет" are
/// each shared by thousands of clients.
fn name_pair_terms(name: &str, terms: &mut BTreeSet<String>) {
    let list = name_pair_words(name);
    for a in &list {
        for b in &list {
            if a != b {
                terms.insert(name_pair(a, b) + "$");
            }
        }
    }
}

/// A name's whole word and (the start of) another as a name pair term.
fn name_pair(a: &str, b: &str) -> String {
    format!("{NAME_PAIR}{}{NAME_PAIR}{}", cut(a).0, cut(b).0)
}

/// Whether a word is digits only.
fn is_digits(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| c.is_ascii_digit())
}

/// A street's word and a house's digits as (the start of) a pair term.
fn pair(street: &str, house: &str) -> String {
    format!("{}{PAIR}{house}", cut(street).0)
}

fn phone_terms(digits: &str, terms: &mut BTreeSet<String>) {
    if digits.len() < MIN_SUFFIX {
        return;
    }
    for start in 0..=digits.len() - MIN_SUFFIX {
        terms.insert(format!("#{}", &digits[start..]));
    }
    if let Some(national) = digits.strip_prefix('7').filter(|n| n.len() == 10) {
        terms.insert(format!("#8{national}"));
    }
}

/// One term of a query.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Term {
    /// Letters, or a short number (a house): the start of a word.
    Word(String),
    /// Digits of a phone or an INN: anywhere in a phone, the start of an INN.
    Number(String),
}

/// Which words a pair term of a query stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PairKind {
    /// A street's word and a house number ("Ленина 5", "Ленина 10к2").
    Street,
    /// Two words of a name ("Иванов Пет").
    Name,
}

/// The start of a pair term typed, and the words it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pair {
    prefix: String,
    of: Vec<Term>,
    kind: PairKind,
}

/// A query: the words and numbers typed, each the start of a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    terms: Vec<Term>,
    /// Street-and-house and name pairs typed, as the start of pair terms.
    pairs: Vec<Pair>,
}

impl Query {
    /// Reads what the operator typed; `None` when nothing searchable is left.
    pub fn parse(q: &str) -> Option<Query> {
        let text = q.trim();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        // "8 (912) 345-67": a phone fragment, whole.
        let phone_like = !digits.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_whitespace() || "+-().".contains(c));
        if phone_like {
            return Some(Query {
                terms: vec![Term::Number(digits)],
                pairs: vec![],
            });
        }
        let mut terms: Vec<Term> = vec![];
        let mut pairs: Vec<Pair> = vec![];
        // The last word of letters (a street's, maybe), until a number ends it.
        let mut street: Option<String> = None;
        // The word of letters just before (a name's first word, maybe).
        let mut previous: Option<String> = None;
        // The street pair just made from a house's digits alone, which a
        // building after them ("10 к2", "10 корп 2") completes.
        let mut open_house: Option<usize> = None;
        let all: Vec<String> = words(text).collect();
        let mut i = 0;
        while i < all.len() {
            let w = &all[i];
            i += 1;
            if w.len() >= NUMBER_DIGITS && w.chars().all(|c| c.is_ascii_digit()) {
                terms.push(Term::Number(w.clone()));
                street = None;
                previous = None;
                open_house = None;
                continue;
            }
            let parts = runs(w);
            terms.extend(parts.iter().map(|r| Term::Word(r.to_string())));
            if let Some(at) = open_house.take() {
                // "к2" glued, or "к" / "корп" and then "2".
                let building = match parts.as_slice() {
                    [m, n] if similar::is_building(m) && is_digits(n) => Some((
                        format!("к{n}"),
                        vec![Term::Word(m.to_string())],
                        n.to_string(),
                    )),
                    [m] if similar::is_building(m) => match all.get(i) {
                        Some(n) if is_digits(n) && n.len() < NUMBER_DIGITS => {
                            terms.push(Term::Word(n.clone()));
                            i += 1;
                            Some((format!("к{n}"), vec![Term::Word(m.to_string())], n.clone()))
                        }
                        _ => None,
                    },
                    _ => None,
                };
                if let Some((suffix, marker, n)) = building {
                    let p = &mut pairs[at];
                    p.prefix.push_str(&suffix);
                    p.of.extend(marker);
                    p.of.push(Term::Word(n));
                    street = None;
                    previous = None;
                    continue;
                }
            }
            if w.chars().all(char::is_alphabetic) {
                if similar::is_filler(w) {
                    continue;
                }
                if let Some(a) = previous.take().filter(|a| a != w) {
                    pairs.push(Pair {
                        prefix: name_pair(&a, w),
                        of: vec![Term::Word(a), Term::Word(w.clone())],
                        kind: PairKind::Name,
                    });
                } else if w.chars().count() >= 2 {
                    previous = Some(w.clone());
                }
                if w.chars().count() >= 2 {
                    street = Some(w.clone());
                }
                continue;
            }
            previous = None;
            // "5", "5а", "10к2"; "д5" (the marker glued on).
            let house_parts: &[&str] = match parts.as_slice() {
                [m, rest @ ..] if similar::is_filler(m) && !rest.is_empty() => rest,
                all => all,
            };
            let number = house_parts.first().copied().unwrap_or_default();
            if let (Some(s), Some(house)) = (street.take(), house_digits(number)) {
                let mut of = vec![Term::Word(s.clone()), Term::Word(house.to_string())];
                // The whole house when it is more than digits, the building
                // written as the address key writes it ("10к2", "5а").
                let whole = match house_parts {
                    [_, m, n] if similar::is_building(m) && is_digits(n) => {
                        of.extend([Term::Word(m.to_string()), Term::Word(n.to_string())]);
                        Some(format!("{house}к{n}"))
                    }
                    [_, m] if similar::is_building(m) => {
                        of.push(Term::Word(m.to_string()));
                        Some(format!("{house}к"))
                    }
                    [_, l] if l.chars().all(char::is_alphabetic) => {
                        of.push(Term::Word(l.to_string()));
                        Some(format!("{house}{l}"))
                    }
                    _ => None,
                };
                open_house = (house_parts.len() == 1).then_some(pairs.len());
                pairs.push(Pair {
                    prefix: pair(&s, whole.as_deref().unwrap_or(house)),
                    of,
                    kind: PairKind::Street,
                });
            }
        }
        // A name pair sharing a word with a street pair ("Иванов Ленина 5")
        // was not one.
        let streets: Vec<Term> = pairs
            .iter()
            .filter(|p| p.kind == PairKind::Street)
            .flat_map(|p| p.of.clone())
            .collect();
        pairs.retain(|p| p.kind == PairKind::Street || p.of.iter().all(|t| !streets.contains(t)));
        // "ул", "д", "кв", "ооо" say nothing about which client it is (and the
        // client may be written without them), unless nothing else is typed.
        let telling: Vec<Term> = terms
            .iter()
            .filter(|t| !matches!(t, Term::Word(w) if similar::is_filler(w)))
            .cloned()
            .collect();
        if !telling.is_empty() {
            terms = telling;
        }
        let mut seen = BTreeSet::new();
        terms.retain(|t| seen.insert(t.clone()));
        terms.truncate(MAX_TERMS);
        pairs.retain(|p| {
            p.of.iter()
                .all(|t| terms.contains(t) || matches!(t, Term::Word(w) if similar::is_filler(w)))
        });
        (!terms.is_empty()).then_some(Query { terms, pairs })
    }

    /// The ways to read the query, narrowest first, each a list of prefixes
    /// that a client's terms must all start: with every pair typed, with the
    /// street pairs only, with the name pairs only, and word by word. A
    /// search takes the first that finds anyone.
    fn attempts(&self) -> Vec<Vec<String>> {
        let mut out = vec![];
        let with = |kinds: &[PairKind]| -> Option<Vec<String>> {
            let chosen: Vec<&Pair> = self
                .pairs
                .iter()
                .filter(|p| kinds.contains(&p.kind))
                .collect();
            if chosen.is_empty() {
                return None;
            }
            let paired: Vec<&Term> = chosen.iter().flat_map(|p| &p.of).collect();
            let rest = Query {
                terms: self
                    .terms
                    .iter()
                    .filter(|t| !paired.contains(t))
                    .cloned()
                    .collect(),
                pairs: vec![],
            };
            let mut list: Vec<String> = chosen.iter().map(|p| p.prefix.clone()).collect();
            list.extend(rest.prefixes());
            Some(list)
        };
        let both = [PairKind::Street, PairKind::Name];
        for kinds in [&both[..], &both[..1], &both[1..]] {
            if let Some(list) = with(kinds) {
                if !out.contains(&list) {
                    out.push(list);
                }
            }
        }
        let plain = self.prefixes();
        if !out.contains(&plain) {
            out.push(plain);
        }
        out
    }

    /// Each term's key-range prefix: a word as the start of one, a number's
    /// digits after `#`.
    fn prefixes(&self) -> Vec<String> {
        self.terms
            .iter()
            .map(|t| match t {
                Term::Word(w) => cut(w).0.to_string(),
                Term::Number(d) => format!("#{d}"),
            })
            .collect()
    }

    /// Whether every word of the query is a whole word of the client (its
    /// `search` terms): such clients come first.
    fn all_whole(&self, terms: &[&str]) -> bool {
        self.terms.iter().all(|t| match t {
            Term::Word(w) => terms.contains(&whole(w).as_str()),
            Term::Number(_) => true,
        })
    }

    /// How many of the query's words start a word of this name.
    fn name_hits(&self, name: &str) -> usize {
        let name: Vec<String> = words(name).collect();
        self.terms
            .iter()
            .filter(|t| match t {
                Term::Word(w) => name.iter().any(|n| n.starts_with(w.as_str())),
                Term::Number(_) => false,
            })
            .count()
    }
}

/// The duplicate check's index queries (`similar_clients`): a name's
/// words whole (the one word, or each pair of its three longest), and per
/// address the street's longest word whole with the house number's digits.
/// The candidates they bring are compared in full by `similar`.
pub(super) fn duplicate_queries(name: &[String], addresses: &[similar::AddressKey]) -> Vec<String> {
    let mut queries = vec![];
    let mut longest: Vec<&String> = name.iter().filter(|w| w.chars().count() >= 2).collect();
    longest.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    longest.truncate(3);
    match longest.as_slice() {
        [] => {}
        [one] if one.chars().count() >= 3 => queries.push(whole_words(one)),
        [_] => {}
        many => {
            for (i, a) in many.iter().enumerate() {
                for b in &many[i + 1..] {
                    // Two words of a name: one name pair term.
                    let paired = [a, b].iter().all(|w| {
                        w.chars().count() >= 2
                            && w.chars().all(char::is_alphanumeric)
                            && !similar::is_filler(w)
                    });
                    queries.push(if paired {
                        name_pair(a, b) + "$"
                    } else {
                        format!("{} {}", whole_words(a), whole_words(b))
                    });
                }
            }
        }
    }
    for a in addresses.iter().take(10) {
        let street = a
            .street
            .iter()
            .filter(|w| !w.starts_with(|c: char| c.is_ascii_digit()))
            .max_by_key(|w| w.chars().count())
            .or_else(|| a.street.first());
        let Some(street) = street else {
            continue;
        };
        // The street's word with the house: one pair term, when the word is
        // one a pair is written for; else the word and the house's digits.
        let single = street.chars().count() >= 2 && street.chars().all(char::is_alphabetic);
        match house_digits(&a.house) {
            Some(house) if single => queries.push(pair(street, house) + "$"),
            house => queries.push(
                format!("{} {}", whole_words(street), house.unwrap_or_default())
                    .trim_end()
                    .to_string(),
            ),
        }
    }
    queries
}

/// A word of `similar`'s keys as whole-word terms (it may still hold a `/`).
fn whole_words(w: &str) -> String {
    words(w).map(|w| whole(&w)).collect::<Vec<_>>().join(" ")
}

/// What is read of a client for an answer.
const FIELDS: &str = "SELECT * OMIT prices, created_at FROM";
/// What is read of a candidate to rank it: its name and terms. Converting
/// 200 whole clients per keystroke was most of a search's time; the answer's
/// clients are read whole afterwards.
const RANKED: &str = "SELECT id, name, search FROM";

/// The statement reading the keys of one prefix's range: `$p{i}` the
/// prefix, `$e{i}` the end of its range.
fn range_scan(i: usize, cap: usize) -> String {
    format!(
        "SELECT VALUE record::id(id)[1] FROM client_terms:[$p{i}]..[$e{i}] LIMIT {}",
        cap + 1
    )
}

/// The prefixes of a query whose key ranges are read; the others are only
/// checked on the candidates. A pair's range is narrow, and a word of one
/// or two characters ("1", "с" of "27/1с1") is shared by most clients: its
/// range was the slowest part of a search (4,000 keys read for nothing).
/// So: the pairs and numbers when there are pairs, else the words longer
/// than two characters when there are any, else every prefix.
fn read_ranges(q: &[String]) -> Vec<&String> {
    let is_pair = |p: &String| p.contains(PAIR) || p.starts_with(NAME_PAIR);
    if q.iter().any(is_pair) {
        return q
            .iter()
            .filter(|p| is_pair(p) || p.starts_with('#'))
            .collect();
    }
    let long: Vec<&String> = q.iter().filter(|p| p.chars().count() > 2).collect();
    if long.is_empty() {
        q.iter().collect()
    } else {
        long
    }
}

/// A client read as a candidate: what was selected of it (without
/// `search`), and its terms.
struct Candidate {
    row: Value,
    terms: String,
}

impl Candidate {
    fn terms(&self) -> Vec<&str> {
        self.terms.split(' ').collect()
    }

    fn id(&self) -> &str {
        self.row["id"].as_str().unwrap_or_default()
    }

    fn name(&self) -> &str {
        self.row["name"].as_str().unwrap_or_default()
    }
}

impl Store {
    /// Up to `limit` clients with every word of `q` at the start of a word of
    /// their name, addresses or INN (in any order), or with `q`'s digits in
    /// a phone: those where every word is whole first, then those with more
    /// words in the name, then by name.
    pub async fn search_clients(&self, q: &str, limit: usize) -> Result<Vec<ClientSummary>> {
        let Some(query) = Query::parse(q) else {
            return Ok(vec![]);
        };
        // A street and house or two words of a name typed: the clients with
        // those pairs, when any (narrow ranges); else every word on its own.
        let cap = FETCH_CAP.max(limit);
        let mut found = vec![];
        for prefixes in query.attempts() {
            found = self.clients_matching(&[prefixes], cap, RANKED).await?;
            if !found.is_empty() {
                break;
            }
        }
        let mut ranked: Vec<(bool, std::cmp::Reverse<usize>, String, String)> = found
            .iter()
            .map(|c| {
                let partial = !query.all_whole(&c.terms());
                let hits = std::cmp::Reverse(query.name_hits(c.name()));
                (partial, hits, fold(c.name()), c.id().to_string())
            })
            .collect();
        ranked.sort();
        let ids: Vec<String> = ranked.into_iter().take(limit).map(|r| r.3).collect();
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let rows = self
            .many(
                &format!("{FIELDS} $ids.map(|$x| type::record('clients', $x))"),
                json!({ "ids": ids }),
                vec![],
            )
            .await?;
        let mut by_id: HashMap<String, ClientSummary> = decode_all::<ClientSummary>(rows)?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        // In rank order; a client deleted between the two reads is left out.
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// Clients whose terms hold every term of each of `queries` (the
    /// duplicate check's candidates), at most `limit` a query.
    pub(super) async fn clients_matching_all(
        &self,
        queries: &[String],
        limit: usize,
    ) -> Result<Vec<ClientSummary>> {
        let queries: Vec<Vec<String>> = queries
            .iter()
            .map(|q| {
                q.split(' ')
                    .filter(|t| !t.is_empty())
                    .map(String::from)
                    .collect()
            })
            .collect();
        self.clients_matching(&queries, limit, FIELDS)
            .await?
            .into_iter()
            .map(|c| super::decode(c.row))
            .collect()
    }

    /// The clients matching any of `queries`, each a list of prefixes that a
    /// client's terms must all start: at most `limit` a query, in two round
    /// trips (the ranges of every prefix; then the candidates, checked).
    ///
    /// A range holding more than `RANGE_CAP` keys is cut there. The
    /// candidates are the intersection of a query's complete ranges, checked
    /// by the database against the cut ones (on the client's terms, without
    /// reading the client out). When every range of a query is cut (each of
    /// its words is shared by thousands of clients), the candidates are the
    /// first `RANGE_CAP` of its longest prefix: a more telling word typed
    /// finds the rest.
    async fn clients_matching(
        &self,
        queries: &[Vec<String>],
        limit: usize,
        fields: &str,
    ) -> Result<Vec<Candidate>> {
        let mut prefixes: Vec<&String> = queries.iter().flat_map(|q| read_ranges(q)).collect();
        prefixes.sort();
        prefixes.dedup();
        if prefixes.is_empty() || limit == 0 {
            return Ok(vec![]);
        }
        // One word alone: its range's first clients are the candidates, so
        // no more of it is read than twice the answer (a client may hold two
        // terms of the range).
        let cap = if queries.len() == 1 && queries[0].len() == 1 {
            (2 * limit).min(RANGE_CAP)
        } else {
            RANGE_CAP
        };
        let sql: String = (0..prefixes.len())
            .map(|i| format!("{};", range_scan(i, cap)))
            .collect();
        let mut vars = serde_json::Map::new();
        for (i, p) in prefixes.iter().enumerate() {
            vars.insert(format!("p{i}"), json!(p));
            vars.insert(format!("e{i}"), json!(format!("{p}{RANGE_END}")));
        }
        let mut r = self.run(&sql, Value::Object(vars)).await?;
        // Each prefix's clients in key order (whole words before longer
        // ones), and whether the range was read to its end.
        let mut ranges: HashMap<&String, (Vec<String>, bool)> = HashMap::new();
        for (i, p) in prefixes.iter().enumerate() {
            let mut ids: Vec<String> = r.take(i)?;
            let complete = ids.len() <= cap;
            ids.truncate(cap);
            let mut seen = HashSet::new();
            ids.retain(|id| seen.insert(id.clone()));
            ranges.insert(*p, (ids, complete));
        }
        // Per query: the candidates and the prefixes to check them on.
        let mut picked: Vec<(Vec<String>, Vec<String>)> = vec![];
        for q in queries {
            let read = read_ranges(q);
            let unread: Vec<&String> = q.iter().filter(|p| !read.contains(p)).collect();
            let mut parts: Vec<(&String, &(Vec<String>, bool))> = read
                .iter()
                .filter_map(|p| ranges.get(p).map(|r| (*p, r)))
                .collect();
            if parts.is_empty() {
                continue;
            }
            let complete: Vec<&Vec<String>> = parts
                .iter()
                .filter(|(_, r)| r.1)
                .map(|(_, r)| &r.0)
                .collect();
            let (ids, checks): (Vec<&String>, Vec<&String>) = if complete.is_empty() {
                parts.sort_by_key(|(p, _)| std::cmp::Reverse(p.chars().count()));
                let (_, (base, _)) = parts[0];
                (
                    base.iter().collect(),
                    parts[1..].iter().map(|(p, _)| *p).collect(),
                )
            } else {
                let Some(smallest) = complete.iter().min_by_key(|ids| ids.len()) else {
                    continue;
                };
                let sets: Vec<HashSet<&String>> =
                    complete.iter().map(|ids| ids.iter().collect()).collect();
                let ids = smallest
                    .iter()
                    .filter(|id| sets.iter().all(|s| s.contains(id)))
                    .collect();
                let cut = parts
                    .iter()
                    .filter(|(_, r)| !r.1)
                    .map(|(p, _)| *p)
                    .collect();
                (ids, cut)
            };
            if ids.is_empty() {
                continue;
            }
            picked.push((
                ids.into_iter().cloned().collect(),
                checks.into_iter().chain(unread).cloned().collect(),
            ));
        }
        // The candidates' terms, checked here against the cut prefixes (a
        // closure in the query cost the database ~2 ms a candidate).
        let checked: Vec<usize> = (0..picked.len())
            .filter(|i| !picked[*i].1.is_empty())
            .collect();
        if !checked.is_empty() {
            let mut sql = String::new();
            let mut vars = serde_json::Map::new();
            for (n, i) in checked.iter().enumerate() {
                vars.insert(format!("c{n}"), json!(picked[*i].0));
                sql.push_str(&format!(
                    "SELECT VALUE [record::id(id), search] FROM $c{n}.map(|$x| type::record('clients', $x));"
                ));
            }
            let mut r = self.run(&sql, Value::Object(vars)).await?;
            for (n, i) in checked.iter().enumerate() {
                let rows: Vec<Value> = r.take(n)?;
                let checks = &picked[*i].1;
                picked[*i].0 = rows
                    .iter()
                    .filter(|row| {
                        let search = row[1].as_str().unwrap_or_default();
                        checks
                            .iter()
                            .all(|p| search.split(' ').any(|t| t.starts_with(p.as_str())))
                    })
                    .filter_map(|row| row[0].as_str().map(String::from))
                    .take(limit)
                    .collect();
            }
        }
        let mut sql = String::new();
        let mut vars = serde_json::Map::new();
        let mut statements = 0;
        for (ids, _) in &picked {
            if ids.is_empty() {
                continue;
            }
            let i = statements;
            statements += 1;
            let ids: Vec<&String> = ids.iter().take(limit).collect();
            vars.insert(format!("c{i}"), json!(ids));
            sql.push_str(&format!(
                "{fields} $c{i}.map(|$x| type::record('clients', $x)) LIMIT {limit};"
            ));
        }
        if statements == 0 {
            return Ok(vec![]);
        }
        let mut r = self.run(&sql, Value::Object(vars)).await?;
        let mut out: Vec<Candidate> = vec![];
        let mut taken: HashSet<String> = HashSet::new();
        for i in 0..statements {
            let rows: Vec<Value> = r.take(i)?;
            for mut row in rows {
                let terms = match row.as_object_mut().and_then(|m| m.remove("search")) {
                    Some(Value::String(s)) => s,
                    _ => String::new(),
                };
                let id = row["id"].as_str().map(key_of).unwrap_or_default();
                if taken.insert(id.clone()) {
                    if let Some(m) = row.as_object_mut() {
                        m.insert("id".into(), Value::String(id));
                    }
                    out.push(Candidate { row, terms });
                }
            }
        }
        Ok(out)
    }

    /// The plans (`EXPLAIN`) of the range reads `search_clients(q, ..)`
    /// makes: for tests that hold them to the index.
    pub async fn client_search_plans(&self, q: &str) -> Result<Vec<Value>> {
        let Some(query) = Query::parse(q) else {
            return Ok(vec![]);
        };
        let mut plans = vec![];
        let mut prefixes: Vec<String> = query.attempts().into_iter().flatten().collect();
        prefixes.sort();
        prefixes.dedup();
        for p in prefixes {
            let rows = self
                .many(
                    &format!("{} EXPLAIN", range_scan(0, RANGE_CAP)),
                    json!({ "p0": p, "e0": format!("{p}{RANGE_END}") }),
                    vec![],
                )
                .await?;
            plans.push(Value::Array(rows));
        }
        Ok(plans)
    }

    /// Writes every client's search terms and their `client_terms` keys
    /// once, marked by `meta:client_terms` (rather than by the schema
    /// version, so that it composes with the other upgrades); a fresh
    /// database only gets the marks. Also drops `clients_search`, the
    /// full-text index an unreleased build defined. A database with the
    /// terms from before the whole-house and the name pairs (no
    /// `meta:client_terms_3`) gets its terms rewritten, and the index event
    /// adds the new keys only.
    pub(super) async fn fill_client_terms(&self, fresh: bool) -> Result<()> {
        if !fresh && !self.marked("client_terms").await? {
            tracing::info!("writing the clients' search terms (once, after an upgrade)");
            self.run(
                "REMOVE INDEX IF EXISTS clients_search ON clients",
                Value::Null,
            )
            .await?;
            let n = self.write_search_terms(true).await?;
            tracing::info!("clients with search terms (and their index keys): {n}");
        } else if !fresh && !self.marked("client_terms_3").await? {
            tracing::info!(
                "adding the street and house and the name pairs to the clients' search terms (once)"
            );
            let n = self.write_search_terms(false).await?;
            tracing::info!("clients with search terms: {n}");
        }
        self.mark("client_terms").await?;
        self.mark("client_terms_3").await?;
        Ok(())
    }

    /// Writes every client's search terms, a key range of clients per
    /// transaction; the index event writes the keys of the terms that
    /// changed, and `all_keys` also writes every term's key (where the terms
    /// were right but the keys missing). Returns how many clients were
    /// written.
    pub async fn write_search_terms(&self, all_keys: bool) -> Result<usize> {
        let mut written = 0;
        for range in super::stats::key_ranges("clients") {
            let rows = self
                .many(
                    &format!("SELECT * OMIT search, prices, created_at FROM {range}"),
                    Value::Null,
                    vec![],
                )
                .await?;
            let terms: Vec<Value> = decode_all::<ClientSummary>(rows)?
                .iter()
                .map(|c| {
                    let text = index_text(c);
                    let list: Vec<&str> = text.split(' ').filter(|t| !t.is_empty()).collect();
                    json!({ "id": c.id, "search": text, "terms": list })
                })
                .collect();
            if terms.is_empty() {
                continue;
            }
            written += terms.len();
            let sql = if all_keys {
                "BEGIN TRANSACTION;
                 FOR $r IN $rows {
                     UPDATE type::record('clients', $r.id) SET search = $r.search RETURN NONE;
                     FOR $t IN $r.terms {
                         UPSERT type::record('client_terms', [$t, $r.id]) RETURN NONE;
                     };
                 };
                 COMMIT TRANSACTION;"
            } else {
                "BEGIN TRANSACTION;
                 FOR $r IN $rows {
                     UPDATE type::record('clients', $r.id) SET search = $r.search RETURN NONE;
                 };
                 COMMIT TRANSACTION;"
            };
            self.retrying(|| async { self.run(sql, json!({ "rows": terms })).await })
                .await?;
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(s: &str) -> Vec<String> {
        let mut t = BTreeSet::new();
        for w in words(s) {
            word_terms(&w, &mut t);
        }
        t.into_iter().collect()
    }

    #[test]
    fn words_are_folded_and_split_and_mixed_ones_also_by_runs() {
        assert_eq!(
            terms("Фёдоров-Ёлкин, д.5А кв12"),
            [
                "5$",
                "5а$",
                "а$",
                "д$",
                "елкин$",
                "кв$",
                "кв12$",
                "федоров$",
                "12$"
            ]
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
        );
        let long = "а".repeat(30);
        assert_eq!(terms(&long), vec!["а".repeat(MAX_WORD)]);
    }

    #[test]
    fn a_phone_is_found_by_any_fragment_and_the_trunk_prefix() {
        let mut t = BTreeSet::new();
        phone_terms("79123456789", &mut t);
        let found = |fragment: &str| t.iter().any(|x| x.starts_with(&format!("#{fragment}")));
        for fragment in ["7912", "912345", "34567", "6789", "89123", "789"] {
            assert!(found(fragment), "{fragment}");
        }
        assert!(!found("8912345678900"));
        assert!(!found("1111"));
    }

    impl Query {
        fn prefix(&self) -> String {
            self.prefixes().join(" ")
        }
    }

    #[test]
    fn queries_read_phones_words_and_numbers() {
        let q = Query::parse("8 (912) 345-67").expect("query");
        assert!(q.all_whole(&[]), "a number has no whole-word reading");
        assert_eq!(q.prefix(), "#891234567");
        let q = Query::parse("+7 912").expect("query");
        assert_eq!(q.prefix(), "#7912");
        let q = Query::parse("Ленина 5 ИВАНОВ").expect("query");
        assert_eq!(q.prefix(), "ленина 5 иванов");
        assert!(q.all_whole(&["5$", "иванов$", "ленина$", "москва$"]));
        assert!(!q.all_whole(&["5$", "иванова$", "ленина$"]));
        // Street words and markers are dropped when something else is typed.
        let q = Query::parse("ул. Ленина, д. 5").expect("query");
        assert_eq!(q.prefix(), "ленина 5");
        assert_eq!(Query::parse("ул").expect("query").prefix(), "ул");
        // A long number inside words is a phone or INN fragment.
        let q = Query::parse("иванов 9123").expect("query");
        assert_eq!(q.prefix(), "иванов #9123");
        // "Ёлка" and "елка" are one word.
        let q = Query::parse("Ёлка елка").expect("query");
        assert_eq!(q.prefix(), "елка");
        assert_eq!(Query::parse("  ,. "), None);
    }

    #[test]
    fn duplicate_queries_take_whole_words_and_the_house_number() {
        let name = similar::name_key("ООО «Ромашка Плюс Ёлка»");
        let address = similar::address_key("Москва, проспект Мира, д. 10к2, оф. 3").expect("key");
        assert_eq!(
            duplicate_queries(&name, &[address]),
            [
                "+ромашка+елка$",
                "+ромашка+плюс$",
                "+елка+плюс$",
                "мира~10$"
            ]
        );
        // The pair terms are written for the client's name in any order.
        let mut t = BTreeSet::new();
        name_pair_terms("ООО «Ёлка Плюс Ромашка»", &mut t);
        for q in duplicate_queries(&name, &[]) {
            assert!(t.contains(&q), "{q} in {t:?}");
        }
        assert_eq!(
            duplicate_queries(&similar::name_key("Ян"), &[]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_street_and_house_are_one_pair_term_and_one_prefix() {
        let mut t = BTreeSet::new();
        let key = similar::address_key("г. Москва, 1-я Тверская-Ямская ул., д. 10к2, кв. 5")
            .expect("key");
        pair_terms(&key, &mut t);
        assert!(t.contains("тверская~10$"), "{t:?}");
        assert!(t.contains("ямская~10$"), "{t:?}");
        assert!(t.iter().all(|x| !x.contains("~5")), "not the flat: {t:?}");
        // No house number, or a number too long for one: no pair.
        let mut none = BTreeSet::new();
        for text in ["ул. Ленина", "ул. Ленина, стр. 1234"] {
            if let Some(key) = similar::address_key(text) {
                pair_terms(&key, &mut none);
            }
        }
        assert!(none.is_empty(), "{none:?}");

        let street_pair = |typed: &str| -> Vec<String> {
            let q = Query::parse(typed).expect("query");
            q.attempts().into_iter().next().expect("an attempt")
        };
        for typed in ["Ленина 5", "ул. Ленина, д. 5", "ленина д5", "Ленина д. 5"]
        {
            assert_eq!(street_pair(typed), ["ленина~5"], "{typed}");
        }
        // A building or a letter: the whole house, as the address key has it.
        for typed in [
            "Ленина 5к2",
            "ленина 5 к2",
            "Ленина д. 5 корп. 2",
            "ленина 5 стр 2",
        ] {
            assert_eq!(street_pair(typed), ["ленина~5к2"], "{typed}");
        }
        assert_eq!(street_pair("Ленина 5а"), ["ленина~5а"]);
        assert_eq!(street_pair("Ленина 5к"), ["ленина~5к"]);
        let key = similar::address_key("ул. Ленина, д. 5, корп. 2").expect("key");
        let mut written = BTreeSet::new();
        pair_terms(&key, &mut written);
        assert!(
            written.contains("ленина~5к2$") && written.contains("ленина~5$"),
            "{written:?}"
        );
        let key = similar::address_key("ул. Ленина, 5А").expect("key");
        pair_terms(&key, &mut written);
        assert!(written.contains("ленина~5а$"), "{written:?}");
        // Whatever else is typed stays a prefix of its own; the pair is
        // tried first, word by word after.
        let q = Query::parse("Иванов Ленина 5").expect("query");
        assert_eq!(
            q.attempts(),
            [vec!["ленина~5", "иванов"], vec!["иванов", "ленина", "5"]]
        );
        // A number before the words, a phone fragment: no pair.
        for typed in ["5 Ленина", "Ленина 91234", "8 912 345"] {
            let q = Query::parse(typed).expect("query");
            assert_eq!(q.attempts(), [q.prefixes()], "{typed}");
        }
        // The prefix finds the term written for the address.
        let q = Query::parse("Тверская-Ямская 10").expect("query");
        let pairs = &q.attempts()[0];
        assert!(
            t.iter().any(|x| x.starts_with(&pairs[0])),
            "{pairs:?} in {t:?}"
        );
    }

    #[test]
    fn two_words_of_a_name_are_one_pair_term_in_either_order() {
        let mut t = BTreeSet::new();
        name_pair_terms("Иванов Пётр Сергеевич", &mut t);
        assert_eq!(t.len(), 6, "{t:?}");
        for typed in ["Иванов Пет", "Петр Иванов", "Сергеевич Иванов", "иванов п"]
        {
            let q = Query::parse(typed).expect("query");
            let first = &q.attempts()[0];
            assert_eq!(first.len(), 1, "{typed}: {first:?}");
            assert!(
                t.iter().any(|x| x.starts_with(&first[0])),
                "{typed}: {first:?} in {t:?}"
            );
        }
        // The third word stays a prefix of its own; then word by word.
        let q = Query::parse("Иванов Петр Серг").expect("query");
        assert_eq!(
            q.attempts(),
            [vec!["+иванов+петр", "серг"], vec!["иванов", "петр", "серг"]]
        );
        // Street and name pairs together are tried, then each alone.
        let q = Query::parse("Иванов Петр Ленина 5").expect("query");
        assert_eq!(
            q.attempts(),
            [
                vec!["+иванов+петр", "ленина~5"],
                vec!["ленина~5", "иванов", "петр"],
                vec!["+иванов+петр", "ленина", "5"],
                vec!["иванов", "петр", "ленина", "5"]
            ]
        );
        // Legal forms are no part of a pair.
        let mut t = BTreeSet::new();
        name_pair_terms("ООО Ромашка", &mut t);
        assert!(t.is_empty(), "{t:?}");
        let q = Query::parse("ООО Ромашка").expect("query");
        assert_eq!(q.attempts(), [vec!["ромашка"]]);
    }

    #[test]
    fn short_words_and_words_beside_a_pair_are_checked_not_read() {
        let q = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let read =
            |list: &[&str]| -> Vec<String> { read_ranges(&q(list)).into_iter().cloned().collect() };
        assert_eq!(
            read(&["лубянский~27", "1", "с", "#7912"]),
            ["лубянский~27", "#7912"]
        );
        assert_eq!(read(&["+иванов+петр", "серг"]), ["+иванов+петр"]);
        assert_eq!(read(&["гарибальди", "и", "15"]), ["гарибальди"]);
        assert_eq!(read(&["ул", "5"]), ["ул", "5"]);
    }

    #[test]
    fn name_hits_count_the_words_found_in_the_name() {
        let q = Query::parse("иван лен").expect("query");
        assert_eq!(q.name_hits("Иванов Иван"), 1);
        assert_eq!(q.name_hits("Ленин Иван"), 2);
        assert_eq!(q.name_hits("ООО Ромашка"), 0);
    }
}
