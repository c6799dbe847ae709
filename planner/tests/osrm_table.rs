//! The OSRM adapter against answers in the shapes osrm-routed gives
//! (tests/fixtures/osrm/README.md says where they come from), and the
//! chunked requests against a fake server that enforces the table limit.

use std::cell::Cell;

use rodnik_planner::travel::{
    parse_table, Departures, Osrm, OsrmError, OsrmTable, Point, TravelError, TravelModel,
    UNREACHABLE_SECONDS,
};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/osrm/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn points() -> Vec<Point> {
    [
        (55.741520, 37.653310),
        (55.760150, 37.634420),
        (55.729880, 37.601130),
        (55.770240, 37.595540),
    ]
    .iter()
    .map(|&(lat, lon)| Point::new(lat, lon).expect("valid"))
    .collect()
}

fn server(max: usize) -> OsrmTable {
    OsrmTable::new("http://osrm.local:5000/", max).expect("config")
}

#[test]
fn a_short_list_is_one_request_for_all_pairs() {
    let requests = server(100).requests(&points()[..3]);
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].url,
        "http://osrm.local:5000/table/v1/driving/37.653310,55.741520;37.634420,55.760150;\
         37.601130,55.729880?annotations=duration,distance&generate_hints=false"
    );
    assert_eq!(requests[0].sources, [0, 1, 2]);
    assert_eq!(requests[0].destinations, [0, 1, 2]);
}

#[test]
fn a_full_answer_becomes_the_table_with_parking_added_between_places() {
    let request = &server(100).requests(&points()[..3])[0];
    let answer = parse_table(&fixture("table_3x3.json")).expect("ok answer");
    let (table, snaps) = server(100)
        .assemble(3, [(request, answer)], 60)
        .expect("assembled");
    assert_eq!(table.get(0, 0), Some((0, 0)));
    // 383.5 s rounds to 384, plus a minute to park.
    assert_eq!(table.get(0, 1), Some((3452, 444)));
    assert_eq!(table.get(1, 0), Some((3867, 430 + 60)));
    assert_eq!(table.get(2, 1), Some((5888, 709 + 60)));
    assert_eq!(table.unreachable_pairs(), 0);
    assert!(snaps.iter().all(|&s| s > 3.0 && s < 12.0), "{snaps:?}");
}

#[test]
fn a_block_of_sources_and_destinations_fills_its_cells_only() {
    let requests = server(2).requests(&points());
    assert_eq!(requests.len(), 4);
    let block = &requests[1];
    assert_eq!(
        block.url,
        "http://osrm.local:5000/table/v1/driving/37.653310,55.741520;37.634420,55.760150;\
         37.601130,55.729880;37.595540,55.770240?sources=0;1&destinations=2;3&\
         annotations=duration,distance&generate_hints=false"
    );
    assert_eq!(
        (block.sources.as_slice(), block.destinations.as_slice()),
        (&[0, 1][..], &[2, 3][..])
    );
    let answer =
        parse_table(&fixture("table_block_sources_0_1_destinations_2_3.json")).expect("ok answer");
    let (table, _) = server(2)
        .assemble(4, [(block, answer)], 0)
        .expect("assembled");
    assert_eq!(table.get(0, 2), Some((4567, 471)));
    assert_eq!(table.get(1, 3), Some((3374, 375)));
    assert_eq!(table.get(2, 0), None);
    assert_eq!(table.unreachable_pairs(), 16 - 4);
}

#[test]
fn an_unreachable_point_is_null_in_the_answer_and_prohibitive_in_the_matrix() {
    let island = Point::new(55.695010, 37.559660).expect("valid");
    let list = [points()[0], points()[1], island];
    let request = &server(100).requests(&list)[0];
    let answer = parse_table(&fixture("table_unreachable.json")).expect("ok answer");
    assert_eq!(answer.durations[0][2], None);
    let (table, snaps) = server(100)
        .assemble(3, [(request, answer)], 60)
        .expect("assembled");
    assert_eq!(table.get(0, 2), None);
    assert_eq!(table.get(2, 1), None);
    assert_eq!(table.get(2, 2), Some((0, 0)));
    assert_eq!(table.unreachable_pairs(), 4);
    // Moved 413 m to reach a road: worth showing the dispatcher.
    assert!(snaps[2] > 400.0 && snaps[0] < 10.0);
    let matrix = table.to_matrix().expect("square");
    assert_eq!(matrix.time(0, 2), UNREACHABLE_SECONDS);
}

#[test]
fn error_answers_keep_the_servers_code_and_message() {
    for (file, code, message) in [
        (
            "error_invalid_query.json",
            "InvalidQuery",
            "Query string malformed close to position 84",
        ),
        ("error_too_big.json", "TooBig", "Too many table coordinates"),
        (
            "error_no_segment.json",
            "NoSegment",
            "Could not find a matching segment for coordinate 2",
        ),
    ] {
        let err = parse_table(&fixture(file)).expect_err(file);
        assert_eq!(
            err,
            OsrmError::Server {
                code: code.into(),
                message: message.into()
            }
        );
    }
    let too_big = parse_table(&fixture("error_too_big.json")).expect_err("TooBig");
    assert!(too_big.to_string().contains("--max-table-size"));
    let proxy = parse_table(&fixture("bad_gateway.html")).expect_err("not JSON");
    assert!(matches!(proxy, OsrmError::Malformed(ref m) if m.contains("502 Bad Gateway")));
}

#[test]
fn malformed_answers_are_refused() {
    for body in [
        r#"{"durations":[[0]]}"#,
        r#"{"code":"Ok","durations":[[0]]}"#,
        r#"{"code":"Ok","durations":[[0,"x"]],"distances":[[0,1]]}"#,
        r#"{"code":"Ok","durations":[[0,-1]],"distances":[[0,1]]}"#,
        r#"{"code":"Ok","durations":{},"distances":[[0]]}"#,
    ] {
        assert!(
            matches!(parse_table(body), Err(OsrmError::Malformed(_))),
            "{body}"
        );
    }
    // An answer for another request (two points, the request has three).
    let request = &server(100).requests(&points()[..3])[0];
    let answer =
        parse_table(r#"{"code":"Ok","durations":[[0,1],[1,0]],"distances":[[0,9],[9,0]]}"#)
            .expect("parses");
    assert!(matches!(
        server(100).assemble(3, [(request, answer)], 0),
        Err(OsrmError::Malformed(_))
    ));
}

#[test]
fn a_bad_server_configuration_is_refused() {
    assert!(OsrmTable::new("osrm:5000", 100).is_err());
    assert!(OsrmTable::new("http://osrm:5000", 0).is_err());
}

/// A fake osrm-routed: reads the coordinates, sources and destinations of
/// the URL, refuses more than `max`² cells as the real one does, and answers
/// with the great-circle metres (whole) and a tenth of them as seconds; the
/// point at longitude 37.5 has no road to anywhere.
fn fake_osrm(url: &str, max: usize) -> String {
    let (path, query) = url.split_once('?').expect("query");
    let coords: Vec<(f64, f64)> = path
        .rsplit('/')
        .next()
        .expect("coordinates")
        .split(';')
        .map(|c| {
            let (lon, lat) = c.split_once(',').expect("lon,lat");
            (lat.parse().expect("lat"), lon.parse().expect("lon"))
        })
        .collect();
    let list = |key: &str| -> Vec<usize> {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(key))
            .map(|v| v.split(';').map(|i| i.parse().expect("index")).collect())
            .unwrap_or_else(|| (0..coords.len()).collect())
    };
    let (sources, destinations) = (list("sources="), list("destinations="));
    if sources.len() * destinations.len() > max * max {
        return r#"{"code":"TooBig","message":"Too many table coordinates"}"#.into();
    }
    let cell = |i: usize, j: usize, scale: f64| {
        let (a, b) = (coords[i], coords[j]);
        if i != j && (a.1 == 37.5 || b.1 == 37.5) {
            return "null".to_string();
        }
        let m = expected_metres(a, b);
        format!("{}", m as f64 * scale)
    };
    let table = |scale: f64| {
        let rows: Vec<String> = sources
            .iter()
            .map(|&i| {
                let row: Vec<String> = destinations.iter().map(|&j| cell(i, j, scale)).collect();
                format!("[{}]", row.join(","))
            })
            .collect();
        format!("[{}]", rows.join(","))
    };
    format!(
        r#"{{"code":"Ok","durations":{},"distances":{}}}"#,
        table(0.1),
        table(1.0)
    )
}

fn expected_metres(a: (f64, f64), b: (f64, f64)) -> u32 {
    let p = |(lat, lon): (f64, f64)| Point::new(lat, lon).expect("valid");
    rodnik_planner::travel::great_circle_metres(p(a), p(b)).round() as u32
}

#[test]
fn a_long_list_is_asked_in_blocks_the_server_accepts_and_assembled_whole() {
    let mut list = Vec::new();
    for i in 0..23 {
        let lon = if i == 17 {
            37.5
        } else {
            37.55 + 0.007 * i as f64
        };
        list.push(Point::new(55.70 + 0.003 * i as f64, lon).expect("valid"));
    }
    let asked = Cell::new(0);
    let osrm = Osrm {
        table: server(5),
        overhead_seconds: 0,
        fetch: |url: &str| {
            asked.set(asked.get() + 1);
            Ok(fake_osrm(url, 5))
        },
    };
    let table = osrm
        .table(&list, &Departures::At(9 * 3600))
        .expect("assembled");
    // 23 points in chunks of 5: 5 chunks, 25 blocks.
    assert_eq!(asked.get(), 25);
    for i in 0..23 {
        for j in 0..23 {
            let rounded6 =
                |p: Point| ((p.lat() * 1e6).round() / 1e6, (p.lon() * 1e6).round() / 1e6);
            let want = if i != j && (i == 17 || j == 17) {
                None
            } else {
                let m = expected_metres(rounded6(list[i]), rounded6(list[j]));
                Some((m, (f64::from(m) * 0.1).round() as u32))
            };
            assert_eq!(table.get(i, j), want, "{i} -> {j}");
        }
    }
    // The same list in blocks too large for the server.
    let refused = Osrm {
        table: server(8),
        overhead_seconds: 0,
        fetch: |url: &str| Ok(fake_osrm(url, 5)),
    };
    let err = refused
        .table(&list, &Departures::At(0))
        .expect_err("TooBig");
    assert!(
        matches!(err, TravelError::Osrm(OsrmError::Server { ref code, .. }) if code == "TooBig")
    );
}

#[test]
fn no_answer_from_the_server_is_a_transport_error() {
    let osrm = Osrm {
        table: server(100),
        overhead_seconds: 60,
        fetch: |_: &str| Err("timed out after 10 s".to_string()),
    };
    let err = osrm
        .table(&points(), &Departures::At(0))
        .expect_err("no server");
    assert!(
        matches!(err, TravelError::Osrm(OsrmError::Transport(ref m)) if m.contains("timed out"))
    );
}
