//! The reasons report (issue 18, item 6): how often each reason was given
//! (cancelled orders, failed deliveries, moves at the door) per courier and
//! per operator who took the order, in a period; as JSON, CSV and XLSX.

use std::collections::{BTreeMap, HashMap};

use rodnik_shared::api::{Reason, ReasonKind, ReasonRow, ReasonTotal, ReasonsReport, User};

use super::sheets::Lang;
use super::xlsx::{Cell, Sheet};
use crate::figures::reasons::ReasonEvent;

/// The report of `events`, reasons named in `lang` (typed ones as typed).
pub fn report(
    events: &[ReasonEvent],
    reasons: &[Reason],
    users: &[User],
    lang: Lang,
) -> ReasonsReport {
    let by_id: HashMap<&str, &Reason> = reasons.iter().map(|r| (r.id.as_str(), r)).collect();
    let names: HashMap<&str, &str> = users
        .iter()
        .map(|u| (u.id.as_str(), u.name.as_str()))
        .collect();
    // (kind, reason id or the typed text, courier, operator) -> count
    let mut counts: BTreeMap<(ReasonKind, Option<String>, String, Option<String>, String), i64> =
        BTreeMap::new();
    for e in events {
        let label = match e.reason_id.as_deref().and_then(|id| by_id.get(id)) {
            Some(r) => r.label(lang == Lang::Ru).to_string(),
            None => e.reason.clone(),
        };
        *counts
            .entry((
                e.kind,
                e.reason_id.clone(),
                label,
                e.courier_id.clone(),
                e.operator_id.clone(),
            ))
            .or_default() += 1;
    }
    // A courier since removed from the users reads as named then.
    let given_names: HashMap<&str, &str> = events
        .iter()
        .filter_map(|e| Some((e.courier_id.as_deref()?, e.courier_name.as_deref()?)))
        .collect();
    let courier_name = |id: &Option<String>| {
        let id = id.as_deref()?;
        names
            .get(id)
            .or_else(|| given_names.get(id))
            .map(|n| n.to_string())
    };
    let mut rows: Vec<ReasonRow> = counts
        .into_iter()
        .map(
            |((kind, reason_id, reason, courier_id, operator_id), count)| ReasonRow {
                kind,
                reason_id,
                reason,
                courier_name: courier_name(&courier_id),
                courier_id,
                operator_name: names
                    .get(operator_id.as_str())
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| operator_id.clone()),
                operator_id,
                count,
            },
        )
        .collect();
    rows.sort_by(|a, b| {
        (
            a.kind,
            -a.count,
            &a.reason,
            &a.courier_name,
            &a.operator_name,
        )
            .cmp(&(
                b.kind,
                -b.count,
                &b.reason,
                &b.courier_name,
                &b.operator_name,
            ))
    });
    let totals = ReasonKind::ALL
        .iter()
        .map(|k| ReasonTotal {
            kind: *k,
            count: rows.iter().filter(|r| r.kind == *k).map(|r| r.count).sum(),
        })
        .collect();
    ReasonsReport { rows, totals }
}

fn kind_name(l: Lang, k: ReasonKind) -> &'static str {
    match (l, k) {
        (Lang::En, ReasonKind::Cancel) => "cancelled",
        (Lang::En, ReasonKind::Fail) => "not delivered",
        (Lang::En, ReasonKind::Reschedule) => "moved by the courier",
        (Lang::Ru, ReasonKind::Cancel) => "отмена",
        (Lang::Ru, ReasonKind::Fail) => "недоставка",
        (Lang::Ru, ReasonKind::Reschedule) => "перенос курьером",
    }
}

pub fn csv(r: &ReasonsReport) -> String {
    super::write_csv(
        &[
            "kind",
            "reason_id",
            "reason",
            "courier_id",
            "courier_name",
            "operator_id",
            "operator_name",
            "count",
        ],
        r.rows.iter().map(|x| {
            (
                x.kind.as_str(),
                x.reason_id.as_deref().unwrap_or(""),
                super::cell(&x.reason),
                x.courier_id.as_deref().unwrap_or(""),
                super::cell(x.courier_name.as_deref().unwrap_or("")),
                &x.operator_id,
                super::cell(&x.operator_name),
                x.count,
            )
        }),
    )
}

pub fn sheets(r: &ReasonsReport, l: Lang) -> Vec<Sheet> {
    let pick = |en: &'static str, ru: &'static str| if l == Lang::Ru { ru } else { en };
    vec![Sheet {
        name: pick("Reasons", "Причины"),
        headers: vec![
            pick("Kind", "Вид"),
            pick("Reason", "Причина"),
            pick("Courier", "Курьер"),
            pick("Operator", "Оператор"),
            pick("Count", "Количество"),
        ],
        rows: r
            .rows
            .iter()
            .map(|x| {
                vec![
                    Cell::text(kind_name(l, x.kind)),
                    Cell::text(&x.reason),
                    Cell::text(
                        x.courier_name
                            .as_deref()
                            .unwrap_or(pick("(no courier)", "(без курьера)")),
                    ),
                    Cell::text(&x.operator_name),
                    Cell::Int(x.count),
                ]
            })
            .collect(),
        totals: None,
        after: r
            .totals
            .iter()
            .map(|t| vec![Cell::text(kind_name(l, t.kind)), Cell::Int(t.count)])
            .collect(),
    }]
}
