//! An OSRM server's `table` service (API v5, project-osrm.org/docs/v5.24.0/api/#table-service):
//! the requests for a list of points, split into blocks the server accepts,
//! the parsing of its answers and the assembly of the full table. The HTTP
//! call itself is the caller's: [`Osrm`] takes a function that GETs a URL.
//!
//! osrm-routed refuses a table with more than `max-table-size`² cells
//! (sources × destinations; 100 by default), so the points are cut into
//! chunks of `max-table-size` and every pair of chunks is one request:
//! ⌈n / max⌉² requests, each with at most 2 × max coordinates.

use std::fmt;

use serde_json::Value;

use super::{Departures, Point, TravelError, TravelModel, TravelTable};

#[derive(Debug, Clone, PartialEq)]
pub enum OsrmError {
    /// The base URL is not http(s), or the table size is 0.
    Config(String),
    /// No answer came (connection refused, timeout): the transport's words.
    Transport(String),
    /// The server answered with an error code (`InvalidQuery`, `TooBig`,
    /// `NoSegment`, ...) and its message.
    Server { code: String, message: String },
    /// The answer is not an OSRM table answer, or not for the request.
    Malformed(String),
}

impl fmt::Display for OsrmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OsrmError::Config(m) => write!(f, "configuration: {m}"),
            OsrmError::Transport(m) => write!(f, "no answer: {m}"),
            OsrmError::Server { code, message } if code == "TooBig" => write!(
                f,
                "TooBig ({message}): the server's --max-table-size is smaller than the one configured here"
            ),
            OsrmError::Server { code, message } => write!(f, "{code}: {message}"),
            OsrmError::Malformed(m) => write!(f, "unexpected answer: {m}"),
        }
    }
}

impl std::error::Error for OsrmError {}

/// One GET to send: `sources` and `destinations` are indices into the
/// caller's points, in the order of the answer's rows and columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRequest {
    pub url: String,
    pub sources: Vec<usize>,
    pub destinations: Vec<usize>,
}

/// A successful table answer: seconds and metres (`None`: no route), and how
/// far each source and destination was moved to reach a road.
#[derive(Clone, Debug, PartialEq)]
pub struct OsrmAnswer {
    pub durations: Vec<Vec<Option<f64>>>,
    pub distances: Vec<Vec<Option<f64>>>,
    pub source_snaps: Vec<f64>,
    pub destination_snaps: Vec<f64>,
}

/// How to ask one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OsrmTable {
    base: String,
    profile: String,
    max_table_size: usize,
}

impl OsrmTable {
    /// `base_url` like `http://osrm:5000`; `max_table_size` as the server's
    /// `--max-table-size` (100 unless its operator raised it).
    pub fn new(base_url: &str, max_table_size: usize) -> Result<Self, OsrmError> {
        let base = base_url.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(OsrmError::Config(format!(
                "'{base_url}' is not an http:// or https:// URL"
            )));
        }
        if max_table_size == 0 {
            return Err(OsrmError::Config("max table size 0".into()));
        }
        Ok(OsrmTable {
            base: base.to_string(),
            profile: "driving".into(),
            max_table_size,
        })
    }

    /// The profile in the URL (osrm-routed serves the one it was built with
    /// whatever the URL says; a proxy in front may route by it).
    pub fn with_profile(mut self, profile: &str) -> Self {
        self.profile = profile.to_string();
        self
    }

    /// The requests that together cover every ordered pair of `points`.
    pub fn requests(&self, points: &[Point]) -> Vec<TableRequest> {
        let chunks: Vec<Vec<usize>> = (0..points.len())
            .collect::<Vec<_>>()
            .chunks(self.max_table_size)
            .map(<[usize]>::to_vec)
            .collect();
        let mut requests = Vec::with_capacity(chunks.len() * chunks.len());
        for (a, from) in chunks.iter().enumerate() {
            for (b, to) in chunks.iter().enumerate() {
                requests.push(if a == b {
                    self.request(points, from, None)
                } else {
                    self.request(points, from, Some(to))
                });
            }
        }
        requests
    }

    fn request(&self, points: &[Point], from: &[usize], to: Option<&[usize]>) -> TableRequest {
        let coordinates: Vec<usize> = from.iter().chain(to.unwrap_or(&[])).copied().collect();
        let list: Vec<String> = coordinates
            .iter()
            .map(|&i| format!("{:.6},{:.6}", points[i].lon(), points[i].lat()))
            .collect();
        let mut url = format!(
            "{}/table/v1/{}/{}?",
            self.base,
            self.profile,
            list.join(";")
        );
        if to.is_some() {
            let positions =
                |r: std::ops::Range<usize>| r.map(|i| i.to_string()).collect::<Vec<_>>().join(";");
            url.push_str(&format!(
                "sources={}&destinations={}&",
                positions(0..from.len()),
                positions(from.len()..coordinates.len())
            ));
        }
        url.push_str("annotations=duration,distance&generate_hints=false");
        TableRequest {
            url,
            sources: from.to_vec(),
            destinations: to.unwrap_or(from).to_vec(),
        }
    }

    /// The full table from the answers to [`requests`](Self::requests);
    /// `overhead_seconds` (parking) is added to every trip between two
    /// different places, as the straight-line model does. Also returns, for
    /// each point, the farthest it was moved to reach a road: a point
    /// hundreds of metres off is usually a wrong geocode.
    pub fn assemble<'a>(
        &self,
        size: usize,
        answers: impl IntoIterator<Item = (&'a TableRequest, OsrmAnswer)>,
        overhead_seconds: u32,
    ) -> Result<(TravelTable, Vec<f64>), OsrmError> {
        let mut table = TravelTable::unreachable(size);
        let mut snaps = vec![0.0_f64; size];
        for (request, answer) in answers {
            let rows = request.sources.len();
            let columns = request.destinations.len();
            let shaped =
                |m: &Vec<Vec<Option<f64>>>| m.len() == rows && m.iter().all(|r| r.len() == columns);
            if !shaped(&answer.durations) || !shaped(&answer.distances) {
                return Err(OsrmError::Malformed(format!(
                    "expected {rows} x {columns} durations and distances"
                )));
            }
            if request
                .sources
                .iter()
                .chain(&request.destinations)
                .any(|&i| i >= size)
            {
                return Err(OsrmError::Malformed("a request for another list".into()));
            }
            for (&i, snap) in request.sources.iter().zip(&answer.source_snaps) {
                snaps[i] = snaps[i].max(*snap);
            }
            for (&j, snap) in request.destinations.iter().zip(&answer.destination_snaps) {
                snaps[j] = snaps[j].max(*snap);
            }
            for (r, &i) in request.sources.iter().enumerate() {
                for (c, &j) in request.destinations.iter().enumerate() {
                    if let (Some(s), Some(m)) = (answer.durations[r][c], answer.distances[r][c]) {
                        let (m, s) = (m.round() as u32, s.round() as u32);
                        let overhead = if i != j && m > 0 { overhead_seconds } else { 0 };
                        table.set(i, j, m, s.saturating_add(overhead));
                    }
                }
            }
        }
        Ok((table, snaps))
    }
}

/// Reads one answer of the `table` service, error answers included.
pub fn parse_table(body: &str) -> Result<OsrmAnswer, OsrmError> {
    let v: Value = serde_json::from_str(body).map_err(|e| {
        let start: String = body.chars().take(80).collect();
        OsrmError::Malformed(format!("not JSON ({e}): {start}"))
    })?;
    let code = v
        .get("code")
        .and_then(Value::as_str)
        .ok_or_else(|| OsrmError::Malformed("no \"code\"".into()))?;
    if code != "Ok" {
        return Err(OsrmError::Server {
            code: code.to_string(),
            message: v
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        });
    }
    Ok(OsrmAnswer {
        durations: cells(&v, "durations")?,
        distances: cells(&v, "distances")?,
        source_snaps: snaps(&v, "sources")?,
        destination_snaps: snaps(&v, "destinations")?,
    })
}

fn cells(v: &Value, key: &str) -> Result<Vec<Vec<Option<f64>>>, OsrmError> {
    let bad = || {
        OsrmError::Malformed(format!(
            "\"{key}\" is not an array of rows of numbers or nulls"
        ))
    };
    let rows = v
        .get(key)
        .ok_or_else(|| {
            OsrmError::Malformed(format!(
                "no \"{key}\" (annotations=duration,distance needs OSRM 5.18 or later)"
            ))
        })?
        .as_array()
        .ok_or_else(bad)?;
    rows.iter()
        .map(|row| {
            row.as_array()
                .ok_or_else(bad)?
                .iter()
                .map(|cell| match cell {
                    Value::Null => Ok(None),
                    c => c
                        .as_f64()
                        .filter(|x| x.is_finite() && *x >= 0.0)
                        .map(Some)
                        .ok_or_else(bad),
                })
                .collect()
        })
        .collect()
}

/// The waypoints' distance from the input to the road; absent waypoints
/// (`skip_waypoints`) read as none.
fn snaps(v: &Value, key: &str) -> Result<Vec<f64>, OsrmError> {
    let Some(list) = v.get(key) else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .ok_or_else(|| OsrmError::Malformed(format!("\"{key}\" is not an array")))?;
    Ok(list
        .iter()
        .map(|w| w.get("distance").and_then(Value::as_f64).unwrap_or(0.0))
        .collect())
}

/// The OSRM adapter as a [`TravelModel`]: `fetch` GETs a URL and returns
/// the body whatever the HTTP status (OSRM explains its 400s in the body),
/// or an error when no body came. Departure times are ignored: an OSRM
/// car profile has one speed per road, not one per hour.
pub struct Osrm<F> {
    pub table: OsrmTable,
    /// Parking, added to every trip between two places (seconds).
    pub overhead_seconds: u32,
    pub fetch: F,
}

impl<F: Fn(&str) -> Result<String, String>> Osrm<F> {
    /// The table and each point's distance to its road (see
    /// [`OsrmTable::assemble`]).
    pub fn table_with_snaps(&self, points: &[Point]) -> Result<(TravelTable, Vec<f64>), OsrmError> {
        let requests = self.table.requests(points);
        let mut answers = Vec::with_capacity(requests.len());
        for request in &requests {
            let body = (self.fetch)(&request.url).map_err(OsrmError::Transport)?;
            answers.push((request, parse_table(&body)?));
        }
        self.table
            .assemble(points.len(), answers, self.overhead_seconds)
    }
}

impl<F: Fn(&str) -> Result<String, String>> TravelModel for Osrm<F> {
    fn table(&self, points: &[Point], departures: &Departures) -> Result<TravelTable, TravelError> {
        departures.check(points.len())?;
        Ok(self.table_with_snaps(points)?.0)
    }
}
