//! `rodnik disk-usage --db DIR`: where an embedded database's bytes go
//! (issue 22, item 8). The folder's files by kind (SurrealKV's sorted tables,
//! value log, write-ahead log), then every live key of the store read once
//! and summed by what SurrealDB keeps under it: a table's records, each of
//! its indexes, its definitions, the change feeds and the catalog. The byte
//! figures are keys plus values as SurrealDB wrote them, before the engine's
//! block compression; the files hold them compressed, with the versions and
//! deletions not compacted away yet.
//!
//! Run it on a stopped server's folder (the engine's lock file refuses a
//! second opener).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use surrealkv::LSMIterator;

/// Keys and bytes of one part of the store.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub keys: u64,
    pub key_bytes: u64,
    pub value_bytes: u64,
}

impl Usage {
    fn add(&mut self, key: usize, value: usize) {
        self.keys += 1;
        self.key_bytes += key as u64;
        self.value_bytes += value as u64;
    }

    pub fn bytes(&self) -> u64 {
        self.key_bytes + self.value_bytes
    }
}

/// What a key belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// A record of the table.
    Records(String),
    /// An index entry: the table and the index's number (named from the
    /// catalog when it can be).
    Index(String, u32),
    /// Anything else kept under a table (definitions, graph edges, references).
    TableOther(String),
    /// The database's change feeds and live-query events.
    Changes,
    /// Definitions and engine state outside any table.
    Catalog,
}

/// The whole breakdown.
#[derive(Debug, Default)]
pub struct Report {
    /// The folder's files by their sub-folder (`sstables`, `vlog`, `wal`, ...).
    pub files: BTreeMap<String, u64>,
    pub parts: BTreeMap<Part, Usage>,
    /// Index numbers to names, as the catalog holds them.
    pub index_names: BTreeMap<(String, u32), String>,
}

impl Report {
    pub fn total(&self) -> Usage {
        self.parts.values().fold(Usage::default(), |mut t, u| {
            t.keys += u.keys;
            t.key_bytes += u.key_bytes;
            t.value_bytes += u.value_bytes;
            t
        })
    }

    /// Sums per table (records, indexes, other), largest first.
    pub fn tables(&self) -> Vec<(String, Usage, Usage, Usage)> {
        let mut by: BTreeMap<String, (Usage, Usage, Usage)> = BTreeMap::new();
        for (part, u) in &self.parts {
            let (table, slot) = match part {
                Part::Records(t) => (t, 0),
                Part::Index(t, _) => (t, 1),
                Part::TableOther(t) => (t, 2),
                _ => continue,
            };
            let e = by.entry(table.clone()).or_default();
            let target = match slot {
                0 => &mut e.0,
                1 => &mut e.1,
                _ => &mut e.2,
            };
            target.keys += u.keys;
            target.key_bytes += u.key_bytes;
            target.value_bytes += u.value_bytes;
        }
        let mut out: Vec<(String, Usage, Usage, Usage)> =
            by.into_iter().map(|(t, (r, i, o))| (t, r, i, o)).collect();
        out.sort_by_key(|(_, r, i, o)| std::cmp::Reverse(r.bytes() + i.bytes() + o.bytes()));
        out
    }

    /// The index's name, or its number.
    pub fn index_name(&self, table: &str, id: u32) -> String {
        self.index_names
            .get(&(table.to_string(), id))
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    /// The report as text, for the terminal.
    pub fn render(&self) -> String {
        let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
        let mut s = String::new();
        let on_disk: u64 = self.files.values().sum();
        s.push_str(&format!("On disk: {}\n", mb(on_disk)));
        for (kind, b) in &self.files {
            s.push_str(&format!("  {kind:<12} {:>12}\n", mb(*b)));
        }
        let total = self.total();
        s.push_str(&format!(
            "\nLive keys: {} keys, {} (keys {}, values {}; before compression)\n",
            total.keys,
            mb(total.bytes()),
            mb(total.key_bytes),
            mb(total.value_bytes)
        ));
        s.push_str(&format!(
            "\n{:<24} {:>12} {:>11} {:>12} {:>11} {:>11} {:>7}\n",
            "table", "records", "rec. bytes", "index keys", "idx bytes", "other", "share"
        ));
        for (table, r, i, o) in self.tables() {
            let all = r.bytes() + i.bytes() + o.bytes();
            s.push_str(&format!(
                "{table:<24} {:>12} {:>11} {:>12} {:>11} {:>11} {:>6.1}%\n",
                r.keys,
                mb(r.bytes()),
                i.keys,
                mb(i.bytes()),
                mb(o.bytes()),
                100.0 * all as f64 / total.bytes().max(1) as f64
            ));
        }
        let mut indexes: Vec<(&Part, &Usage)> = self
            .parts
            .iter()
            .filter(|(p, _)| matches!(p, Part::Index(..)))
            .collect();
        indexes.sort_by_key(|(_, u)| std::cmp::Reverse(u.bytes()));
        s.push_str("\nIndexes, largest first:\n");
        for (part, u) in indexes {
            if let Part::Index(t, id) = part {
                s.push_str(&format!(
                    "  {:<40} {:>12} keys {:>11}\n",
                    format!("{t}.{}", self.index_name(t, *id)),
                    u.keys,
                    mb(u.bytes())
                ));
            }
        }
        for (label, part) in [("change feeds", Part::Changes), ("catalog", Part::Catalog)] {
            let u = self.parts.get(&part).copied().unwrap_or_default();
            s.push_str(&format!("{label}: {} keys, {}\n", u.keys, mb(u.bytes())));
        }
        s
    }
}

/// A key's place: `/*{ns:4}*{db:4}*{table}\0{tag}…` for what is under a
/// table (SurrealDB 3's keyspace, `surrealdb-datastore` key/schema.rs).
pub fn classify(key: &[u8]) -> Part {
    // "/" "*" ns(4) "*" db(4): 11 bytes.
    const DB: usize = 11;
    if key.len() <= DB || &key[..2] != b"/*" || key[6] != b'*' {
        return Part::Catalog;
    }
    match key[DB] {
        b'*' => {
            let rest = &key[DB + 1..];
            let Some(end) = rest.iter().position(|b| *b == 0) else {
                return Part::Catalog;
            };
            let table = String::from_utf8_lossy(&rest[..end]).into_owned();
            let after = &rest[end + 1..];
            match after.first() {
                Some(b'*') => Part::Records(table),
                Some(b'+') if after.len() >= 5 => {
                    let id = u32::from_be_bytes([after[1], after[2], after[3], after[4]]);
                    Part::Index(table, id)
                }
                _ => Part::TableOther(table),
            }
        }
        b'#' | b'%' => Part::Changes,
        _ => Part::Catalog,
    }
}

/// An index's number from its `!il` key, with the table.
fn index_name_key(key: &[u8]) -> Option<(String, u32)> {
    const DB: usize = 11;
    if key.len() <= DB || key[DB] != b'*' {
        return None;
    }
    let rest = &key[DB + 1..];
    let end = rest.iter().position(|b| *b == 0)?;
    let after = &rest[end + 1..];
    if after.len() == 7 && &after[..3] == b"!il" {
        let id = u32::from_be_bytes([after[3], after[4], after[5], after[6]]);
        return Some((String::from_utf8_lossy(&rest[..end]).into_owned(), id));
    }
    None
}

/// The longest run of name characters in a stored name (the catalog keeps
/// it with a short header).
fn name_in(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .max_by_key(|w| w.len())
        .unwrap_or_default()
        .to_string()
}

/// Sizes of the folder's files by sub-folder (files at the top as `other`).
fn file_sizes(dir: &Path) -> std::io::Result<BTreeMap<String, u64>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_dir() {
            let mut sum = 0;
            let mut stack: Vec<PathBuf> = vec![entry.path()];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d)? {
                    let e = e?;
                    let m = e.metadata()?;
                    if m.is_dir() {
                        stack.push(e.path());
                    } else {
                        sum += m.len();
                    }
                }
            }
            out.insert(entry.file_name().to_string_lossy().into_owned(), sum);
        } else {
            *out.entry("other".to_string()).or_default() += meta.len();
        }
    }
    Ok(out)
}

/// Reads the folder's files and every live key of its store.
pub fn measure(dir: &Path) -> Result<Report, String> {
    if !dir.join("manifest").exists() {
        return Err(format!(
            "{} is not an embedded Rodnik database folder (no manifest/)",
            dir.display()
        ));
    }
    let mut report = Report {
        files: file_sizes(dir).map_err(|e| format!("{}: {e}", dir.display()))?,
        ..Report::default()
    };
    let tree = surrealkv::TreeBuilder::new()
        .with_path(dir.to_path_buf())
        .with_enable_vlog(true)
        .build()
        .map_err(|e| format!("opening {}: {e}", dir.display()))?;
    {
        let tx = tree.begin().map_err(|e| e.to_string())?;
        let mut it = tx
            .range(&[][..], &[0xffu8; 16][..])
            .map_err(|e| e.to_string())?;
        let mut more = it.seek_first().map_err(|e| e.to_string())?;
        while more {
            let key = it.key().user_key().to_vec();
            let value = it.value().map_err(|e| e.to_string())?;
            if let Some(ix) = index_name_key(&key) {
                report.index_names.insert(ix, name_in(&value));
            }
            report
                .parts
                .entry(classify(&key))
                .or_default()
                .add(key.len(), value.len());
            more = it.next().map_err(|e| e.to_string())?;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn under_table(table: &str, tail: &[u8]) -> Vec<u8> {
        let mut k = b"/*".to_vec();
        k.extend(1u32.to_be_bytes());
        k.push(b'*');
        k.extend(2u32.to_be_bytes());
        k.push(b'*');
        k.extend(table.as_bytes());
        k.push(0);
        k.extend(tail);
        k
    }

    #[test]
    fn keys_are_told_apart_by_their_place() {
        assert_eq!(
            classify(&under_table("orders", b"*\x02abc")),
            Part::Records("orders".into())
        );
        let mut ix = b"+".to_vec();
        ix.extend(7u32.to_be_bytes());
        ix.extend(b"\x01x");
        assert_eq!(
            classify(&under_table("orders", &ix)),
            Part::Index("orders".into(), 7)
        );
        assert_eq!(
            classify(&under_table("orders", b"!fdname")),
            Part::TableOther("orders".into())
        );
        assert_eq!(classify(b"/!nsfoo"), Part::Catalog);
        let mut il = b"!il".to_vec();
        il.extend(7u32.to_be_bytes());
        assert_eq!(
            index_name_key(&under_table("orders", &il)),
            Some(("orders".into(), 7))
        );
        assert_eq!(name_in(b"\x01\x0forders_route_key"), "orders_route_key");
    }
}
