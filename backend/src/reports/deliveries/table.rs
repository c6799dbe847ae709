//! The deliveries report's figures held as numbers: every id and name a
//! pack mentions is interned once, and a pack becomes a list of [`Line`]s
//! (40 bytes each, ~500,000 a year). [`PackCache`] keeps them per pack key
//! and version, so a report reads from the database only the versions of
//! its packs and the recent days' rows, and groups ~500,000 lines in a few
//! milliseconds instead of reading and parsing ~40 MB of text (~100 ms).
//! The cache empties itself after [`IDLE`] without a report.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::figures::pack::{kind_code, pack_entries, row_entry, Entry, FxMap, Pack};
use crate::store::packs::DelivPieces;

/// How long the cache keeps its packs after the last report that read them.
pub const IDLE: Duration = Duration::from_secs(600);

/// Lines held at most; a report that needs more keeps only its own packs.
const MAX_LINES: usize = 4_000_000;

/// One courier × client figure of a period; strings are indices into the
/// table's strings (`""` for no courier).
#[derive(Debug, Clone, Copy)]
pub struct Line {
    pub client: u32,
    pub client_name: u32,
    pub courier: u32,
    pub courier_name: u32,
    pub orders: i32,
    pub water_qty: i32,
    pub amount: i64,
    /// 0 unknown, 1 individual, 2 legal (`figures::pack::kind_code`).
    pub kind: u8,
}

/// Strings kept once, each with its index.
#[derive(Default)]
struct Interner {
    index: FxMap<Arc<str>, u32>,
    list: Vec<Arc<str>>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        let i = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        let s: Arc<str> = Arc::from(s);
        self.list.push(s.clone());
        self.index.insert(s, i);
        i
    }

    fn line(&mut self, e: &Entry<'_>) -> Line {
        Line {
            client: self.id(e.client),
            client_name: self.id(e.client_name),
            courier: self.id(e.courier),
            courier_name: self.id(e.courier_name),
            // A courier × client pair's month: far below 2^31 orders or bottles.
            orders: i32::try_from(e.orders).unwrap_or(i32::MAX),
            water_qty: i32::try_from(e.water_qty).unwrap_or(i32::MAX),
            amount: e.amount,
            kind: kind_code(e.kind),
        }
    }
}

#[derive(Default)]
struct Held {
    strings: Interner,
    packs: HashMap<String, (i64, Arc<[Line]>)>,
    lines: usize,
}

/// The packs this process has read, as [`Line`]s, by key and version.
#[derive(Default)]
pub struct PackCache {
    held: Mutex<Held>,
    used: Mutex<Option<Instant>>,
    sweeping: AtomicBool,
}

/// A report's figures: its packs' lines in date order, then the recent
/// days' lines, and the strings they point at. Holds its packs and strings
/// (shared with the cache), so a download can stream from it for minutes.
pub struct Table {
    strings: Vec<Arc<str>>,
    packs: Vec<Arc<[Line]>>,
    live: Vec<Line>,
}

#[derive(Debug)]
pub enum TableError {
    /// A pack the report needs is no longer held (the cache emptied between
    /// the read of the versions and now): read the texts again.
    Missed,
    Parse(serde_json::Error),
}

impl PackCache {
    /// Whether the cache holds pack `key` at version `v`.
    pub fn holds(&self, key: &str, v: i64) -> bool {
        self.lock()
            .packs
            .get(key)
            .is_some_and(|(held, _)| *held == v)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        // A panic while holding it leaves only caches: carry on with them.
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The report's table from `pieces`: the texts it carries parsed and
    /// kept, the others taken from the cache. CPU work: call it off the
    /// request threads.
    pub fn table(&self, pieces: DelivPieces) -> Result<Table, TableError> {
        // The texts read are parsed in parallel before the cache is locked.
        let parsed: Vec<Option<Pack<'_>>> = pieces
            .packs
            .par_iter()
            .map(|p| p.text.as_deref().map(serde_json::from_str).transpose())
            .collect::<Result<_, _>>()
            .map_err(TableError::Parse)?;
        let mut held = self.lock();
        let mut packs = Vec::with_capacity(pieces.packs.len());
        for (p, pack) in pieces.packs.iter().zip(&parsed) {
            let lines = match pack {
                Some(pack) => {
                    let lines: Arc<[Line]> =
                        pack_entries(pack).map(|e| held.strings.line(&e)).collect();
                    held.lines += lines.len();
                    if let Some((_, old)) = held.packs.insert(p.key.clone(), (p.v, lines.clone())) {
                        held.lines -= old.len();
                    }
                    lines
                }
                None => match held.packs.get(&p.key) {
                    Some((v, lines)) if *v == p.v => lines.clone(),
                    _ => return Err(TableError::Missed),
                },
            };
            packs.push(lines);
        }
        if held.lines > MAX_LINES {
            let keep: std::collections::HashSet<&str> =
                pieces.packs.iter().map(|p| p.key.as_str()).collect();
            held.packs.retain(|k, _| keep.contains(k.as_str()));
            held.lines = held.packs.values().map(|(_, l)| l.len()).sum();
        }
        let live = pieces
            .live
            .iter()
            .map(|r| held.strings.line(&row_entry(r)))
            .collect();
        let strings = held.strings.list.clone();
        drop(held);
        *self.used.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        Ok(Table {
            strings,
            packs,
            live,
        })
    }

    /// Starts the task that empties the cache once it has been idle for
    /// [`IDLE`] (one per cache; it ends with the cache). Call it from the
    /// runtime (a request handler).
    pub fn sweep_when_idle(self: &Arc<Self>) {
        if self.sweeping.swap(true, Ordering::AcqRel) {
            return;
        }
        let weak: Weak<PackCache> = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(IDLE / 10).await;
                let Some(cache) = weak.upgrade() else { return };
                let used = *cache.used.lock().unwrap_or_else(|e| e.into_inner());
                if used.is_none_or(|t| t.elapsed() >= IDLE) {
                    *cache.lock() = Held::default();
                    cache.sweeping.store(false, Ordering::Release);
                    return;
                }
            }
        });
    }

    /// Lines and strings held now (for the tests and the logs).
    pub fn size(&self) -> (usize, usize) {
        let held = self.lock();
        (held.lines, held.strings.list.len())
    }
}

impl Table {
    /// Every line in date order: the packs', then the recent days'.
    pub fn lines(&self) -> impl Iterator<Item = &Line> {
        self.packs
            .iter()
            .flat_map(|p| p.iter())
            .chain(self.live.iter())
    }

    pub fn str(&self, i: u32) -> &str {
        self.strings
            .get(i as usize)
            .map(|s| s.as_ref())
            .unwrap_or_default()
    }

    /// The index of string `s`, if any line mentions it.
    pub fn find(&self, s: &str) -> Option<u32> {
        // Only for a drill-down's courier: a few dozen couriers among
        // ~200,000 strings, found once per report.
        self.strings
            .iter()
            .position(|x| x.as_ref() == s)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// Number of string slots (an upper bound of every index).
    pub fn strings_len(&self) -> usize {
        self.strings.len()
    }
}
