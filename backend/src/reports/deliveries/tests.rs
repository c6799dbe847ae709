use rodnik_shared::api::{DeliveriesParams, DeliveriesQuery};

use super::*;
use crate::figures::pack::pack_of_rows;
use crate::store::packs::{DelivPieces, PackRead};

type Raw = (String, String, String, DelivFigures);

fn row(
    date: &str,
    courier: &str,
    client: &str,
    orders: i64,
    courier_name: Option<&str>,
    client_name: &str,
    kind: Option<ClientKind>,
) -> Raw {
    (
        date.into(),
        courier.into(),
        client.into(),
        DelivFigures {
            orders,
            water_qty: orders * 2,
            amount: orders * 25_000,
            courier_name: courier_name.map(str::to_string),
            client_name: client_name.into(),
            client_kind: kind,
        },
    )
}

/// Three periods: names that change (escaped ones too), no courier, an
/// unknown kind, and a pair that nets to zero orders.
fn periods() -> Vec<Vec<Raw>> {
    let legal = Some(ClientKind::Legal);
    vec![
        vec![
            row(
                "2026-01-03",
                "c1",
                "k1",
                2,
                Some("Коля"),
                "ООО \"Ромашка\"",
                legal,
            ),
            row("2026-01-05", "", "k2", 1, None, "Back\\slash\ttab", None),
            row(
                "2026-01-09",
                "c2",
                "k1",
                1,
                Some("Петя"),
                "ООО \"Ромашка\"",
                legal,
            ),
            row("2026-01-20", "c1", "k3", 1, Some("Коля"), "Zero", None),
        ],
        vec![
            row(
                "2026-02-01",
                "c1",
                "k1",
                4,
                Some("Николай"),
                "ООО «Ромашка»",
                None,
            ),
            row("2026-02-02", "c1", "k3", -1, Some("Николай"), "Zero", None),
            row(
                "2026-02-03",
                "",
                "k2",
                2,
                None,
                "Иван",
                Some(ClientKind::Individual),
            ),
        ],
        vec![row("2026-03-01", "c2", "k4", 1, Some("Петя"), "Пётр", None)],
    ]
}

fn query(group: &str, courier: Option<&str>, limit: &str) -> DeliveriesQuery {
    DeliveriesQuery::parse(&DeliveriesParams {
        group: Some(group),
        courier_id: courier,
        limit: Some(limit),
        ..Default::default()
    })
    .expect("query")
}

/// The same figures as a table read through packs of the first two
/// periods, and as one read from the daily rows alone.
fn tables(cache: &PackCache) -> (Table, Table) {
    let p = periods();
    let packs: Vec<PackRead> = p[..2]
        .iter()
        .enumerate()
        .map(|(i, rows)| PackRead {
            key: format!("2026-0{}", i + 1),
            v: 1,
            text: Some(pack_of_rows(rows).expect("pack")),
        })
        .collect();
    let packed = cache
        .table(DelivPieces {
            packs,
            live: p[2].clone(),
        })
        .map_err(|_| "table")
        .expect("packed");
    let direct = PackCache::default()
        .table(DelivPieces {
            packs: vec![],
            live: p.concat(),
        })
        .map_err(|_| "table")
        .expect("direct");
    (packed, direct)
}

fn answer(t: Table, q: &DeliveriesQuery) -> GroupedDeliveries {
    Grouped::from_table(t, q).page(q)
}

#[test]
fn packs_answer_as_the_daily_rows_in_every_grouping() {
    for group in ["courier_client", "client", "kind"] {
        let cache = PackCache::default();
        let (packed, direct) = tables(&cache);
        let q = query(group, None, "1000");
        assert_eq!(answer(packed, &q), answer(direct, &q), "{group}");
    }
    let (packed, _) = tables(&PackCache::default());
    let want = answer(packed, &query("courier_client", None, "1000"));
    let keys: Vec<&str> = want.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(
        keys,
        ["|k2", "c1|k1", "c2|k1", "c2|k4"],
        "by courier name (none first), then client name; zero orders: no row"
    );
    let k1 = &want.rows[1];
    assert_eq!((k1.orders, k1.amount), (6, 150_000));
    assert_eq!(k1.courier_name.as_deref(), Some("Николай"));
    assert_eq!(k1.client_name.as_deref(), Some("ООО «Ромашка»"));
    assert_eq!(
        k1.client_kind,
        Some(ClientKind::Legal),
        "an unknown kind keeps the last known"
    );
    assert_eq!(
        (
            want.rows[0].courier_id.as_deref(),
            want.rows[0].courier_name.as_deref()
        ),
        (None, None)
    );
    assert_eq!(want.totals.orders, 11);
    assert_eq!(want.total_rows, 4);
}

#[test]
fn groupings_total_the_full_table_and_pages_cover_each_row_once() {
    let cache = PackCache::default();
    let full = answer(tables(&cache).0, &query("courier_client", None, "1000"));
    for group in ["client", "kind"] {
        let g = answer(tables(&cache).0, &query(group, None, "1000"));
        assert_eq!(g.totals, full.totals, "{group}");
        let sum: i64 = g.rows.iter().map(|r| r.amount).sum();
        assert_eq!(sum, full.totals.amount, "{group}");
    }
    let by_client = answer(tables(&cache).0, &query("client", None, "1000"));
    let k1 = by_client.rows.iter().find(|r| r.key == "k1").expect("k1");
    assert_eq!(k1.orders, 7, "both couriers' orders");
    // Pages of one row, in every order, are the whole list in that order.
    for sort in ["client", "kind", "orders", "amount"] {
        for dir in ["asc", "desc"] {
            let mut q = DeliveriesQuery::parse(&DeliveriesParams {
                group: Some("client"),
                sort: Some(sort),
                dir: Some(dir),
                limit: Some("1000"),
                ..Default::default()
            })
            .expect("query");
            let whole = answer(tables(&cache).0, &q);
            let mut paged = vec![];
            q.limit = 1;
            for page in 1..=whole.rows.len() as u32 + 1 {
                q.page = page;
                paged.extend(answer(tables(&cache).0, &q).rows);
            }
            assert_eq!(paged, whole.rows, "{sort} {dir}");
            let figures: Vec<i64> = whole.rows.iter().map(|r| r.amount).collect();
            if sort == "amount" && dir == "desc" {
                assert!(figures.windows(2).all(|w| w[0] >= w[1]), "{figures:?}");
            }
        }
    }
}

#[test]
fn a_courier_drill_down_is_that_couriers_rows() {
    let cache = PackCache::default();
    let full = answer(tables(&cache).0, &query("courier_client", None, "1000"));
    for courier in ["c1", "c2", ""] {
        let mine: Vec<&DeliveryGroupRow> = full
            .rows
            .iter()
            .filter(|r| r.courier_id.as_deref().unwrap_or_default() == courier)
            .collect();
        let drill = answer(tables(&cache).0, &query("client", Some(courier), "1000"));
        let got: Vec<(Option<&str>, i64)> = drill
            .rows
            .iter()
            .map(|r| (r.client_id.as_deref(), r.amount))
            .collect();
        let mut want: Vec<(Option<&str>, i64)> = mine
            .iter()
            .map(|r| (r.client_id.as_deref(), r.amount))
            .collect();
        want.sort_by_key(|(id, _)| {
            full.rows
                .iter()
                .find(|r| r.client_id.as_deref() == *id)
                .and_then(|r| r.client_name.clone())
        });
        assert_eq!(got.len(), want.len(), "{courier}");
        assert_eq!(
            drill.totals.amount,
            mine.iter().map(|r| r.amount).sum::<i64>(),
            "{courier}"
        );
        assert_eq!(drill.courier_id.as_deref(), Some(courier));
    }
    let none = answer(tables(&cache).0, &query("client", Some("nobody"), "10"));
    assert_eq!((none.total_rows, none.totals.orders), (0, 0));
}

#[test]
fn a_held_pack_is_not_read_again_and_a_missing_one_is_asked_for() {
    let cache = PackCache::default();
    let _ = tables(&cache);
    assert!(cache.holds("2026-01", 1));
    assert!(!cache.holds("2026-01", 2), "another version");
    let again = cache.table(DelivPieces {
        packs: vec![PackRead {
            key: "2026-01".into(),
            v: 1,
            text: None,
        }],
        live: vec![],
    });
    let t = again.map_err(|_| "held").expect("held");
    assert_eq!(t.lines().count(), 4, "the pack's merged pairs");
    let missing = cache.table(DelivPieces {
        packs: vec![PackRead {
            key: "2026-05".into(),
            v: 1,
            text: None,
        }],
        live: vec![],
    });
    assert!(matches!(missing, Err(TableError::Missed)));
}

#[test]
fn courier_days_group_by_courier_day_and_both() {
    let f = |courier_name: Option<&str>, orders: i64| DelivFigures {
        orders,
        water_qty: orders,
        amount: orders * 100,
        courier_name: courier_name.map(str::to_string),
        ..Default::default()
    };
    let rows = vec![
        (
            "2026-01-01".to_string(),
            "c1".to_string(),
            f(Some("Коля"), 2),
        ),
        ("2026-01-01".to_string(), String::new(), f(None, 1)),
        (
            "2026-01-02".to_string(),
            "c1".to_string(),
            f(Some("Николай"), 3),
        ),
        (
            "2026-01-02".to_string(),
            "c2".to_string(),
            f(Some("Петя"), 0),
        ),
    ];
    let by = |group: &str, courier: Option<&str>| {
        let q = query(group, courier, "100");
        Grouped::from_couriers(rows.clone(), &q).page(&q)
    };
    let c = by("courier", None);
    let keys: Vec<(&str, Option<&str>, i64)> = c
        .rows
        .iter()
        .map(|r| (r.key.as_str(), r.courier_name.as_deref(), r.orders))
        .collect();
    assert_eq!(keys, [("", None, 1), ("c1", Some("Николай"), 5)]);
    assert_eq!(c.totals.orders, 6);
    let d = by("day", None);
    assert_eq!(d.rows.iter().map(|r| r.orders).collect::<Vec<_>>(), [3, 3]);
    let cd = by("courier_day", Some("c1"));
    assert_eq!(
        cd.rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["2026-01-01|c1", "2026-01-02|c1"]
    );
    assert_eq!(cd.totals.orders, 5);
}
