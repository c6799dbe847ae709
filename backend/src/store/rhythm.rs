//! The clients' own rhythms (issue 23): `client_rhythm:[client]`, the
//! forecast of each client's next order from its deliveries
//! (`rodnik_shared::forecast`). It changes only with a delivery, so it is
//! written when one is made or undone (`refresh_rhythm`), and once for a
//! database from before it (`fill_rhythms`, from the delivery figures).

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use rodnik_shared::api::{ClientRhythm, RhythmItem};
use rodnik_shared::forecast::{forecast, Forecast};
use serde_json::{json, Value};

use super::{decode, Store};
use crate::error::Result;

/// Deliveries older than this are not read for a forecast (it uses the
/// last dozen; a monthly client's dozen spans a year).
pub const HISTORY_DAYS: u64 = 400;

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// What is stored of a forecast.
fn rhythm_doc(f: &Forecast, last_on: NaiveDate) -> Value {
    json!({
        "expected_on": day(f.expected_on),
        "expected_qty": f.expected_qty,
        "typical_interval_days": f.typical_interval_days,
        "at_risk_after": day(f.at_risk_after),
        "last_on": day(last_on),
        "basis": f.basis,
    })
}

/// A stored rhythm as answered on `today`.
pub(super) fn rhythm_of(row: &Value, today: NaiveDate) -> Option<ClientRhythm> {
    let mut r: ClientRhythm = serde_json::from_value(row.clone()).ok()?;
    let today = day(today);
    r.due = r.expected_on <= today;
    r.at_risk = r.at_risk_after < today;
    Some(r)
}

/// Which clients a rhythm list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RhythmList {
    /// Expected today or before, not yet at risk, with no order open and
    /// no standing order: the operators' calls before the client buys
    /// elsewhere.
    Due,
    /// Silent past their own rhythm (`at_risk_after`) for at most
    /// `AT_RISK_DAYS`, with no order open: before they are lost.
    AtRisk,
}

/// How long past `at_risk_after` a client stays on the at-risk list (then
/// the lost-clients report has them).
pub const AT_RISK_DAYS: u64 = 90;

impl Store {
    /// A client's deliveries since `HISTORY_DAYS` ago: (day, water units),
    /// by day.
    pub async fn delivery_history(&self, client_id: &str) -> Result<Vec<(NaiveDate, u32)>> {
        let since = self
            .today()
            .checked_sub_days(Days::new(HISTORY_DAYS))
            .unwrap_or_default();
        let rows = self
            .many(
                "SELECT VALUE [delivery_date, math::sum(lines.filter(|$l| $l.kind = 'water').map(|$l| $l.qty))]
                 FROM orders WHERE client_id = $c AND state = 'delivered' AND delivery_date >= $since",
                json!({ "c": client_id, "since": day(since) }),
                vec![],
            )
            .await?;
        let mut by_day: BTreeMap<NaiveDate, u32> = BTreeMap::new();
        for r in rows {
            let (Some(d), Some(q)) = (r[0].as_str(), r[1].as_u64()) else {
                continue;
            };
            if let Ok(d) = NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                *by_day.entry(d).or_default() += u32::try_from(q).unwrap_or(u32::MAX);
            }
        }
        Ok(by_day.into_iter().filter(|(_, q)| *q > 0).collect())
    }

    /// Forecasts a client's next order again from its deliveries (after one
    /// was made or undone): written, or removed when there is too little
    /// history for one.
    pub async fn refresh_rhythm(&self, client_id: &str) -> Result<Option<ClientRhythm>> {
        let history = self.delivery_history(client_id).await?;
        let f = forecast(&history);
        let last = history.last().map(|(d, _)| *d);
        match (f, last) {
            (Some(f), Some(last)) => {
                let doc = rhythm_doc(&f, last);
                self.retrying(|| async {
                    self.run(
                        "UPSERT type::record('client_rhythm', [$c]) CONTENT $doc RETURN NONE",
                        json!({ "c": client_id, "doc": doc }),
                    )
                    .await
                })
                .await?;
                Ok(rhythm_of(&doc, self.today()))
            }
            _ => {
                self.run(
                    "DELETE type::record('client_rhythm', [$c])",
                    json!({ "c": client_id }),
                )
                .await?;
                Ok(None)
            }
        }
    }

    /// Writes every client's rhythm from the delivery figures of the last
    /// `HISTORY_DAYS`, once (`meta:client_rhythm`): a database from before
    /// the rhythms, or one written by the generator. Returns the clients
    /// with a rhythm.
    pub async fn fill_rhythms(&self) -> Result<usize> {
        if self.marked("client_rhythm").await? {
            return Ok(0);
        }
        let today = self.today();
        let from = today
            .checked_sub_days(Days::new(HISTORY_DAYS))
            .unwrap_or_default();
        let history = self.delivery_histories(from, today).await?;
        let mut docs: Vec<Value> = vec![];
        for (client, list) in history {
            if let (Some(f), Some((last, _))) = (forecast(&list), list.last()) {
                docs.push(json!({ "c": client, "doc": rhythm_doc(&f, *last) }));
            }
        }
        let written = docs.len();
        for chunk in docs.chunks(1000) {
            let rows = Value::Array(chunk.to_vec());
            self.retrying(|| async {
                self.run(
                    "FOR $r IN $rows {
                         UPSERT type::record('client_rhythm', [$r.c]) CONTENT $r.doc RETURN NONE;
                     };",
                    json!({ "rows": rows }),
                )
                .await
            })
            .await?;
        }
        self.mark("client_rhythm").await?;
        Ok(written)
    }

    /// Every client's deliveries on days `from..=to` from the delivery
    /// figures: (day, water units) by day, read a month at a time.
    pub async fn delivery_histories(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<HashMap<String, Vec<(NaiveDate, u32)>>> {
        let mut history: HashMap<String, BTreeMap<NaiveDate, u32>> = HashMap::new();
        let mut start = from;
        while start <= to {
            let end = start.checked_add_days(Days::new(30)).unwrap_or(to).min(to);
            for (d, _courier, client, f) in self.stat_deliv(&day(start), &day(end)).await? {
                let (Ok(d), Ok(q)) = (
                    NaiveDate::parse_from_str(&d, "%Y-%m-%d"),
                    u32::try_from(f.water_qty),
                ) else {
                    continue;
                };
                if q > 0 {
                    *history.entry(client).or_default().entry(d).or_default() += q;
                }
            }
            start = match end.succ_opt() {
                Some(next) if end < to => next,
                _ => break,
            };
        }
        Ok(history
            .into_iter()
            .map(|(c, days)| (c, days.into_iter().collect()))
            .collect())
    }

    /// A page of the reorder list or the at-risk list on `today`: the
    /// longest waiting first.
    pub async fn rhythm_list(
        &self,
        list: RhythmList,
        today: NaiveDate,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<RhythmItem>> {
        let (field, from, to) = match list {
            RhythmList::Due => ("expected_on", None, day(today)),
            RhythmList::AtRisk => (
                "at_risk_after",
                today.checked_sub_days(Days::new(AT_RISK_DAYS)).map(day),
                day(today.pred_opt().unwrap_or(today)),
            ),
        };
        // Due: not yet at risk, and no standing order (it calls by itself).
        let extra = match list {
            RhythmList::Due => {
                "AND at_risk_after >= $today
                 AND count(SELECT VALUE id FROM standing_orders
                           WHERE client_id = record::id($parent.id)[0] AND ended = false LIMIT 1) = 0"
            }
            RhythmList::AtRisk => "",
        };
        let sql = format!(
            "SELECT *, record::id(id)[0] AS c FROM client_rhythm
             WHERE {field} <= $to AND ($from = NONE OR {field} >= $from)
               AND array::len((SELECT VALUE open_ids FROM ONLY
                     type::record('stat_client', [record::id($parent.id)[0]])) ?? []) = 0
               {extra}
             ORDER BY {field}, id LIMIT $limit START $offset"
        );
        let rows = self
            .many(
                &sql,
                super::strip_nulls(json!({ "to": to, "from": from, "today": day(today),
                                           "limit": limit, "offset": offset })),
                vec![],
            )
            .await?;
        let ids: Vec<String> = rows
            .iter()
            .filter_map(|r| r["c"].as_str().map(String::from))
            .collect();
        let clients = self
            .many(
                "SELECT id, name, kind, phones FROM $ids.map(|$i| type::record('clients', $i))",
                json!({ "ids": ids }),
                vec![],
            )
            .await?;
        let mut by_id: HashMap<String, Value> = HashMap::new();
        for c in clients {
            let c: Value = decode(c)?;
            if let Some(id) = c["id"].as_str() {
                by_id.insert(id.to_string(), c.clone());
            }
        }
        let mut out = vec![];
        for r in rows {
            let Some(id) = r["c"].as_str() else { continue };
            let (Some(c), Some(rhythm)) = (by_id.get(id), rhythm_of(&r, today)) else {
                continue;
            };
            let expected =
                NaiveDate::parse_from_str(&rhythm.expected_on, "%Y-%m-%d").unwrap_or(today);
            out.push(RhythmItem {
                client_id: id.to_string(),
                name: c["name"].as_str().unwrap_or_default().to_string(),
                kind: serde_json::from_value(c["kind"].clone())?,
                phones: serde_json::from_value(c["phones"].clone()).unwrap_or_default(),
                days_overdue: (today - expected).num_days(),
                rhythm,
            });
        }
        Ok(out)
    }
}
