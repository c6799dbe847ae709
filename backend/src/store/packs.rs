//! Packs: the deliveries report's figures of a closed period, kept as one row.
//!
//! The deliveries report groups by courier × client, so a year is ~200,000
//! answer rows summed from ~550,000 daily `stat_deliv` rows — 6 s to read at
//! ~10 µs a row. A pack holds one period's courier × client figures as one
//! text (`stat_pack_data:⟨2026-03⟩` for a month, `…:⟨2026-03-14⟩` for a
//! day; see `reports::from_stats::Pack`), built from the daily rows the
//! first time a report needs it. A year is then ~11 month packs, a few dozen
//! day packs and the last days' rows read live.
//!
//! Staying right: a pack is only built for days at least [`BUILD_LAG`] days
//! old (UTC), and every order transaction that moves delivered figures of a
//! day at least [`MARK_LAG`] days old (one day of margin for clocks and
//! time zones) marks that day's and that month's packs stale in the same
//! transaction ([`MARK_STALE`]: `stat_pack:⟨key⟩.v` goes up, `ok` goes
//! false; the text is in `stat_pack_data`, so that checking which packs are
//! built reads a few bytes each). A pack is written, with `ok`, only if `v`
//! is still what it was in the snapshot the pack was read from;
//! a mark committed in between either changed `v` (the pack is not kept) or
//! writes the same key at the same time (one of the two transactions fails
//! on the conflict and runs again). Today's orders never touch a pack row.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};

use super::{rids, Store};
use crate::error::{Error, Result};
use crate::figures::pack::{pack_of_rows, PACK_FORMAT};
use crate::figures::DelivFigures;
use crate::figures::Stats;

/// A pack covers only days at least this many days before today (UTC).
pub const BUILD_LAG: u64 = 3;
/// Order changes on days at least this many days before today (UTC) mark packs stale.
pub const MARK_LAG: u64 = 2;

/// For inside an order's transaction: marks the packs in `$packs` stale.
pub const MARK_STALE: &str = "
 FOR $p IN $packs { UPSERT type::record('stat_pack', $p) SET v = (v ?? 0) + 1, ok = false
   RETURN NONE; };";

/// Packs built at once when a report finds several missing.
const BUILDERS: usize = 2;

/// The packs that the delivered figures in `s` make stale (day and month keys).
pub fn stale_marks(s: &Stats, today_utc: NaiveDate) -> Vec<String> {
    let Some(last) = today_utc.checked_sub_days(Days::new(MARK_LAG)) else {
        return vec![];
    };
    let mut keys = std::collections::BTreeSet::new();
    for (date, _, _) in s.deliv.keys() {
        match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Ok(d) if d <= last => {
                keys.insert(month_key(d));
                keys.insert(d.to_string());
            }
            _ => {}
        }
    }
    keys.into_iter().collect()
}

fn month_key(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

fn month_end(d: NaiveDate) -> NaiveDate {
    d.with_day(1)
        .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
        .and_then(|next| next.pred_opt())
        .unwrap_or(d)
}

/// Where a range's figures come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A pack: its key and the days it covers.
    Pack(String, NaiveDate, NaiveDate),
    /// The daily rows, read as they are (days too recent for packs).
    Live(NaiveDate, NaiveDate),
}

/// `[from, to]` as whole months where they fit, single days elsewhere, and
/// the days after `cutoff` (the last day a pack may cover) live, in date order.
pub fn plan(from: NaiveDate, to: NaiveDate, cutoff: NaiveDate) -> Vec<Piece> {
    let mut pieces = vec![];
    let mut d = from;
    while d <= to {
        if d > cutoff {
            pieces.push(Piece::Live(d, to));
            break;
        }
        let end = month_end(d);
        let next = if d.day() == 1 && end <= to && end <= cutoff {
            pieces.push(Piece::Pack(month_key(d), d, end));
            end.succ_opt()
        } else {
            pieces.push(Piece::Pack(d.to_string(), d, d));
            d.succ_opt()
        };
        match next {
            Some(n) => d = n,
            None => break,
        }
    }
    pieces
}

/// The keys of the packs among `pieces`, in order.
fn pack_keys(pieces: &[Piece]) -> Vec<String> {
    pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Pack(k, _, _) => Some(k.clone()),
            Piece::Live(..) => None,
        })
        .collect()
}

/// A pack of a report's range: its key, the version it was built at, and
/// its text unless the caller holds that version.
#[derive(Debug, Clone)]
pub struct PackRead {
    pub key: String,
    pub v: i64,
    pub text: Option<String>,
}

/// Where a deliveries report comes from: its packs in date order, then the
/// recent days' `stat_deliv` rows (in key order).
#[derive(Debug, Default)]
pub struct DelivPieces {
    pub packs: Vec<PackRead>,
    pub live: Vec<(String, String, String, DelivFigures)>,
}

fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Error::invalid("from", "dates are YYYY-MM-DD"))
}

impl Store {
    /// What the deliveries report over `[from, to]` (dates as `YYYY-MM-DD`)
    /// is made of: packs where the days are old enough, in date order, and
    /// the recent days' rows. A pack's text is read (or built) only when
    /// `held(key, version)` says the caller does not hold that version
    /// already (`reports::deliveries::PackCache`).
    pub async fn deliveries_pieces(
        &self,
        from: &str,
        to: &str,
        held: &(dyn Fn(&str, i64) -> bool + Send + Sync),
    ) -> Result<DelivPieces> {
        let today = chrono::Utc::now().date_naive();
        let cutoff = today
            .checked_sub_days(Days::new(BUILD_LAG))
            .unwrap_or(today);
        let pieces = plan(parse_date(from)?, parse_date(to)?, cutoff);
        let keys = pack_keys(&pieces);
        let live_days = pieces.iter().find_map(|p| match p {
            Piece::Live(a, b) => Some((a.to_string(), b.to_string())),
            Piece::Pack(..) => None,
        });
        let live = async {
            match &live_days {
                Some((a, b)) => self.stat_deliv(a, b).await,
                None => Ok(vec![]),
            }
        };
        // The packs' versions, then the texts not held (in two reads), beside
        // the recent days' rows.
        let packs = async {
            let built = self.built_packs(&keys).await?;
            let wanted: Vec<String> = keys
                .iter()
                .filter(|k| built.get(*k).is_some_and(|v| !held(k, *v)))
                .cloned()
                .collect();
            let halves = futures::future::try_join_all(
                wanted
                    .chunks(wanted.len().div_ceil(2).max(1))
                    .map(|half| self.pack_texts(half, &built)),
            )
            .await?;
            let mut texts: HashMap<String, (i64, String)> = halves.into_iter().flatten().collect();
            // Not built, or marked stale since `built` was read: built now.
            let missing: Vec<(String, NaiveDate, NaiveDate)> = pieces
                .iter()
                .filter_map(|p| match p {
                    Piece::Pack(k, a, b)
                        if !texts.contains_key(k) && !built.get(k).is_some_and(|v| held(k, *v)) =>
                    {
                        Some((k.clone(), *a, *b))
                    }
                    _ => None,
                })
                .collect();
            let made: Vec<(String, (i64, String))> = futures::stream::iter(missing)
                .map(|(k, a, b)| async move {
                    let made = self.build_pack(&k, a, b).await?;
                    Ok::<_, Error>((k, made))
                })
                .buffer_unordered(BUILDERS)
                .try_collect()
                .await?;
            texts.extend(made);
            Ok::<_, Error>(
                keys.iter()
                    .filter_map(|k| match texts.remove(k) {
                        Some((v, text)) => Some(PackRead {
                            key: k.clone(),
                            v,
                            text: Some(text),
                        }),
                        None => built.get(k).map(|v| PackRead {
                            key: k.clone(),
                            v: *v,
                            text: None,
                        }),
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let (packs, live) = futures::future::try_join(packs, live).await?;
        Ok(DelivPieces { packs, live })
    }

    /// Builds the missing packs of the last `months` closed months and of
    /// this month's closed days, one at a time, so that the first report
    /// after a start or an upgrade does not wait for them. Returns how many
    /// were built.
    pub async fn warm_packs(&self, months: u32) -> Result<usize> {
        let today = chrono::Utc::now().date_naive();
        let Some(cutoff) = today.checked_sub_days(Days::new(BUILD_LAG)) else {
            return Ok(0);
        };
        let from = cutoff
            .with_day(1)
            .and_then(|d| d.checked_sub_months(chrono::Months::new(months)))
            .unwrap_or(cutoff);
        let pieces = plan(from, cutoff, cutoff);
        let keys = pack_keys(&pieces);
        let built = self.built_packs(&keys).await?;
        let mut n = 0;
        for p in pieces.iter().rev() {
            if let Piece::Pack(k, a, b) = p {
                if !built.contains_key(k) {
                    self.build_pack(k, *a, *b).await?;
                    n += 1;
                }
            }
        }
        Ok(n)
    }

    /// Which of `keys` are built, with the version each was built at
    /// (from the small `stat_pack` rows: the texts are not read).
    async fn built_packs(&self, keys: &[String]) -> Result<HashMap<String, i64>> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = self
            .many(
                "SELECT VALUE [record::id(id), v] FROM $pks WHERE ok = true AND fmt = $fmt",
                json!({ "fmt": PACK_FORMAT }),
                vec![("pks", rids("stat_pack", keys))],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let key = r.get(0)?.as_str()?.to_string();
                Some((key, r.get(1)?.as_i64()?))
            })
            .collect())
    }

    /// The texts of `keys` (built, at the versions in `built`): key ->
    /// (version, text). A text counts only if it was built at the version
    /// its `stat_pack` row still holds.
    async fn pack_texts(
        &self,
        keys: &[String],
        built: &HashMap<String, i64>,
    ) -> Result<HashMap<String, (i64, String)>> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = self
            .many(
                "SELECT VALUE [record::id(id), v, data] FROM $dks",
                Value::Null,
                vec![("dks", rids("stat_pack_data", keys))],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let Value::Array(mut a) = r else { return None };
                let Value::String(text) = a.pop()? else {
                    return None;
                };
                let v = a.pop()?.as_i64()?;
                let Value::String(key) = a.pop()? else {
                    return None;
                };
                (built.get(&key) == Some(&v)).then_some((key, (v, text)))
            })
            .collect())
    }

    /// Builds the pack `key` of the days `[a, b]` from the daily rows and
    /// keeps it unless an order marked it stale meanwhile. Returns the
    /// version it was built at and its text.
    async fn build_pack(&self, key: &str, a: NaiveDate, b: NaiveDate) -> Result<(i64, String)> {
        // The version and the rows in one statement: one snapshot.
        let read = self
            .one(
                "RETURN { v: $pk.v ?? 0, rows: (SELECT VALUE [record::id(id), orders, water_qty,
                   amount, courier_name, client_name, client_kind]
                   FROM stat_deliv:[$a]..[$b, {}]) }",
                json!({ "a": a.to_string(), "b": b.to_string() }),
                vec![("pk", super::rid("stat_pack", key))],
            )
            .await?
            .unwrap_or(Value::Null);
        let v = read["v"].as_i64().unwrap_or(0);
        let rows = match read.get("rows") {
            Some(Value::Array(rows)) => super::stats::deliv_rows(rows.clone()),
            _ => vec![],
        };
        let text = pack_of_rows(&rows).map_err(|e| Error::Internal(format!("pack {key}: {e}")))?;
        let vars = json!({ "v": v, "data": text, "fmt": PACK_FORMAT });
        self.retrying(|| {
            self.run_with(
                "IF ($pk.v ?? 0) = $v {
                   UPSERT $pk CONTENT { v: $v, ok: true, fmt: $fmt } RETURN NONE;
                   UPSERT $dk SET v = $v, data = $data RETURN NONE;
                 };",
                vars.clone(),
                vec![
                    ("pk", super::rid("stat_pack", key)),
                    ("dk", super::rid("stat_pack_data", key)),
                ],
            )
        })
        .await?;
        Ok((v, text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_year_is_months_with_days_at_the_edges_and_the_last_days_live() {
        let p = plan(d("2025-11-27"), d("2026-11-27"), d("2026-11-24"));
        let day = |s: &str| Piece::Pack(s.into(), d(s), d(s));
        let month = |k: &str, a: &str, b: &str| Piece::Pack(k.into(), d(a), d(b));
        for (i, want) in [
            (0, day("2025-11-27")),
            (3, day("2025-11-30")),
            (4, month("2025-12", "2025-12-01", "2025-12-31")),
            (14, month("2026-10", "2026-10-01", "2026-10-31")),
            (15, day("2026-11-01")),
            (38, day("2026-11-24")),
        ] {
            assert_eq!(p[i], want, "piece {i}");
        }
        assert_eq!(p[39], Piece::Live(d("2026-11-25"), d("2026-11-27")));
        assert_eq!(p.len(), 40);
    }

    #[test]
    fn a_month_ending_after_the_range_or_the_cutoff_is_days() {
        let p = plan(d("2026-02-01"), d("2026-02-27"), d("2026-06-01"));
        assert_eq!(p.len(), 27);
        assert!(p
            .iter()
            .all(|x| matches!(x, Piece::Pack(k, _, _) if k.len() == 10)));
        let p = plan(d("2026-02-01"), d("2026-02-28"), d("2026-06-01"));
        assert_eq!(
            p,
            vec![Piece::Pack(
                "2026-02".into(),
                d("2026-02-01"),
                d("2026-02-28")
            )]
        );
        let p = plan(d("2026-02-01"), d("2026-02-28"), d("2026-02-27"));
        assert_eq!(p.len(), 28);
        assert_eq!(p[27], Piece::Live(d("2026-02-28"), d("2026-02-28")));
        assert!(plan(d("2026-03-02"), d("2026-03-01"), d("2026-06-01")).is_empty());
        let p = plan(d("2026-03-02"), d("2026-03-05"), d("2026-01-01"));
        assert_eq!(p, vec![Piece::Live(d("2026-03-02"), d("2026-03-05"))]);
    }
}
