//! The day as the planner sees it. Times are seconds of the day in the
//! company's time zone; distances metres.
//!
//! Location 0 of every matrix is "anywhere": zero travel to and from every
//! place. A courier with no depot starts and ends there, so their day
//! begins at the first stop (the company has not said where vans sleep).

use chrono::{NaiveDate, Timelike};
use rodnik_planner::travel::{
    Point, SpeedBands, StraightLine, TravelTable, UNREACHABLE_METRES, UNREACHABLE_SECONDS,
};
use rodnik_planner::{Break, Matrix, Problem, Reload, Stop, Vehicle, Window};
use rodnik_shared::api::{minutes_of, Order, PlanningSettings, User};

use crate::error::{Error, Result};

/// One courier's van for the day.
#[derive(Debug, Clone)]
pub struct Van {
    pub courier_id: String,
    pub courier_name: String,
    /// Where the van loads and sleeps; `None`: anywhere.
    pub depot: Option<Point>,
    pub shift_start: i64,
    pub shift_end: i64,
    /// The break: may start within `[from, to]`, lasts `len`.
    pub brk: Option<(i64, i64, i64)>,
    pub capacity: i64,
    /// Time to load again at the depot between trips.
    pub reload: i64,
    /// Today: where and when the day goes on from (the last delivered stop,
    /// now); the van starts there instead of the depot.
    pub resume: Option<(Option<Point>, i64)>,
}

/// A stop to plan or to time.
#[derive(Debug, Clone)]
pub struct Job {
    pub point: Option<Point>,
    /// 19 L bottles the van brings.
    pub bottles: i64,
    pub window: Option<(i64, i64)>,
    pub service: i64,
}

/// Seconds of the day of "HH:MM".
fn seconds(hhmm: &str) -> Option<i64> {
    minutes_of(hhmm).map(|m| i64::from(m) * 60)
}

/// A point of an address, if it has a sound one.
pub fn point_of(order: &Order) -> Option<Point> {
    match (order.address.lat, order.address.lon) {
        (Some(lat), Some(lon)) => Point::new(lat, lon).ok(),
        _ => None,
    }
}

/// Time at a stop: the settings' formula.
pub fn service_seconds(
    settings: &PlanningSettings,
    bottles: u32,
    floor: Option<&str>,
    no_lift: bool,
) -> i64 {
    let s = &settings.service;
    let floors = if no_lift {
        floor
            .and_then(|f| {
                f.trim()
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
                    .parse::<i64>()
                    .ok()
            })
            .map(|f| (f - 1).clamp(0, 100))
            .unwrap_or(0)
    } else {
        0
    };
    i64::from(s.stop_seconds)
        + i64::from(s.per_bottle_seconds) * i64::from(bottles)
        + i64::from(s.per_floor_seconds) * floors
}

impl Job {
    pub fn of(settings: &PlanningSettings, order: &Order) -> Job {
        let bottles = order.returnable_qty().max(order.water_qty());
        Job {
            point: point_of(order),
            bottles: i64::from(bottles),
            window: order.window.as_ref().map(|w| {
                (
                    i64::from(w.from.num_seconds_from_midnight()),
                    i64::from(w.to.num_seconds_from_midnight()),
                )
            }),
            service: service_seconds(
                settings,
                bottles,
                order.address.floor.as_deref(),
                order.address.no_lift,
            ),
        }
    }
}

/// A courier's van from the settings (`None` for a courier who is off).
pub fn van(settings: &PlanningSettings, courier: &User) -> Result<Option<Van>> {
    let own = settings.courier(&courier.id);
    if own.is_some_and(|c| c.off) {
        return Ok(None);
    }
    let default = rodnik_shared::api::CourierPlanning {
        courier_id: courier.id.clone(),
        ..Default::default()
    };
    let c = own.unwrap_or(&default);
    let shift = settings
        .shift_of(c)
        .minutes("shift")
        .map_err(|e| Error::invalid(e.field, e.message))?;
    let depot = match &c.depot_id {
        Some(id) => settings.depots.iter().find(|d| &d.id == id),
        None => settings.depots.first(),
    }
    .and_then(|d| Point::new(d.lat, d.lon).ok());
    Ok(Some(Van {
        courier_id: courier.id.clone(),
        courier_name: courier.name.clone(),
        depot,
        shift_start: i64::from(shift.start) * 60,
        shift_end: i64::from(shift.end) * 60,
        brk: shift
            .brk
            .map(|(f, t, l)| (i64::from(f) * 60, i64::from(t) * 60, i64::from(l) * 60)),
        capacity: i64::from(c.capacity.unwrap_or(settings.capacity)),
        reload: i64::from(settings.reload_minutes) * 60,
        resume: None,
    }))
}

/// The straight-line model of the settings (always valid: the settings are
/// checked when saved; the defaults if a stored band is off).
pub fn straight_line(settings: &PlanningSettings) -> StraightLine {
    let t = &settings.travel;
    let bands: Vec<(u8, f64)> = t.speeds.iter().map(|b| (b.from_hour, b.kmh)).collect();
    SpeedBands::new(&bands)
        .ok()
        .and_then(|speeds| {
            StraightLine::new(t.road_factor, speeds, f64::from(t.parking_seconds)).ok()
        })
        .unwrap_or_default()
}

/// Seconds of the day now in the company's time zone, when `date` is today;
/// `None` for a later day. A past day is refused.
pub fn now_on(date: NaiveDate, tz: chrono_tz::Tz) -> Result<Option<i64>> {
    let now = chrono::Utc::now().with_timezone(&tz);
    let today = now.date_naive();
    if date < today {
        return Err(Error::invalid("date", "is in the past"));
    }
    Ok((date == today).then(|| i64::from(now.num_seconds_from_midnight())))
}

/// The places of a problem: index 0 is "anywhere", then each distinct
/// point once.
#[derive(Debug, Default)]
pub struct Places {
    points: Vec<Point>,
}

impl Places {
    /// The location of a point (added when new); "anywhere" for none.
    pub fn at(&mut self, p: Option<Point>) -> usize {
        let Some(p) = p else { return 0 };
        match self
            .points
            .iter()
            .position(|q| q.lat() == p.lat() && q.lon() == p.lon())
        {
            Some(i) => i + 1,
            None => {
                self.points.push(p);
                self.points.len()
            }
        }
    }

    pub fn points(&self) -> &[Point] {
        &self.points
    }

    pub fn size(&self) -> usize {
        self.points.len() + 1
    }
}

/// The solver's matrix from a table over `places.points()`, with location 0
/// ("anywhere") at zero from and to everything.
pub fn full_matrix(table: &TravelTable) -> Result<Matrix> {
    let n = table.size() + 1;
    let mut distance = vec![0i64; n * n];
    let mut time = vec![0i64; n * n];
    for i in 1..n {
        for j in 1..n {
            let (d, t) = match table.get(i - 1, j - 1) {
                Some((m, s)) => (i64::from(m), i64::from(s)),
                None => (UNREACHABLE_METRES, UNREACHABLE_SECONDS),
            };
            distance[i * n + j] = d;
            time[i * n + j] = t;
        }
    }
    Matrix::new(n, distance, time).map_err(|e| Error::Internal(e.to_string()))
}

/// A matrix with only the legs in `pairs` computed by the straight-line
/// model (each leaving its origin at `depart(origin)`); every other leg is
/// unreachable, so a check that reads one by mistake refuses rather than
/// promises. For insertion checks and ETAs along a fixed order.
pub fn sparse_matrix(
    model: &StraightLine,
    places: &Places,
    pairs: impl IntoIterator<Item = (usize, usize)>,
    depart: impl Fn(usize) -> i64,
) -> Result<Matrix> {
    let n = places.size();
    let mut distance = vec![UNREACHABLE_METRES; n * n];
    let mut time = vec![UNREACHABLE_SECONDS; n * n];
    for i in 0..n {
        for j in 0..n {
            if i == 0 || j == 0 || i == j {
                distance[i * n + j] = 0;
                time[i * n + j] = 0;
            }
        }
    }
    for (i, j) in pairs {
        if i == 0 || j == 0 || i == j || i >= n || j >= n {
            continue;
        }
        let (a, b) = (places.points[i - 1], places.points[j - 1]);
        let at = depart(i).clamp(0, 86_399) as u32;
        let (m, s) = model.leg(a, b, at);
        distance[i * n + j] = i64::from(m);
        time[i * n + j] = i64::from(s);
    }
    Matrix::new(n, distance, time).map_err(|e| Error::Internal(e.to_string()))
}

/// The planner's vehicle of a van: from its depot (or where today goes on
/// from) back to its depot, within its shift, with its break and reloads.
pub fn vehicle(van: &Van, places: &mut Places) -> Vehicle {
    let depot = places.at(van.depot);
    let (start, from) = match &van.resume {
        Some((p, at)) => (
            p.map(|p| places.at(Some(p))).unwrap_or(depot),
            (*at).max(van.shift_start),
        ),
        None => (depot, van.shift_start),
    };
    let end = van.shift_end.max(from);
    let mut v = Vehicle::new(start, depot, Window { start: from, end }, van.capacity);
    if van.depot.is_some() {
        v.reload = Some(Reload {
            location: depot,
            duration: van.reload,
        });
    }
    if let Some((f, t, len)) = van.brk {
        // A break whose window is already over today is not planned.
        if t >= from {
            v.breaks = vec![Break {
                window: Window {
                    start: f.max(from),
                    end: t,
                },
                duration: len,
            }];
        }
    }
    v
}

/// The planner's stop of a job at a location, served by `vehicles` (empty:
/// any).
pub fn stop(job: &Job, location: usize, van: &Van, vehicles: Vec<usize>) -> Stop {
    let window = match job.window {
        Some((f, t)) => Window { start: f, end: t },
        None => Window {
            start: 0,
            end: 86_400,
        },
    };
    Stop {
        location,
        demand: job.bottles.min(van.capacity),
        window,
        service: job.service,
        vehicles,
    }
}

/// Builds a problem, mapping errors to ours.
pub fn problem(matrix: Matrix, stops: Vec<Stop>, vehicles: Vec<Vehicle>) -> Result<Problem> {
    Problem::new(matrix, stops, vehicles).map_err(|e| Error::Internal(format!("planning: {e}")))
}

/// "HH:MM" of seconds of the day (past midnight shows as 24:xx and on).
pub fn clock(s: i64) -> String {
    let m = (s.max(0) + 30) / 60;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// The leg of seconds of "HH:MM" (for tests and slots).
pub fn at(hhmm: &str) -> Option<i64> {
    seconds(hhmm)
}
