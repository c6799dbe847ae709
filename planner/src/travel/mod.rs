//! Travel times and distances between points, behind one trait, and the
//! solver's matrix built from them.
//!
//! Two models answer [`TravelModel::table`]: [`StraightLine`] (great-circle
//! distance times a road factor, speeds by time of day, a parking overhead;
//! fitted to the couriers' own stop-to-stop times by [`calibrate()`]) and
//! [`Osrm`] (an OSRM server's `table` service, through a transport the caller
//! supplies: this crate holds no HTTP client). The answer is a
//! [`TravelTable`] in metres and seconds, which [`TravelTable::to_matrix`]
//! turns into the solver's [`Matrix`](crate::Matrix).
//!
//! The solver works on one static matrix, so time of day enters when the
//! matrix is built: each origin's expected departure ([`Departures`]) picks
//! the speeds of its row. docs/planning.md, "Travel times", says how the
//! product chooses those departures.

mod calibrate;
mod osrm;
mod straight;

use std::fmt;

use crate::problem::{Matrix, ProblemError};

pub use calibrate::{calibrate, Calibration, CalibrationError, CalibrationOptions, Sample};
pub use osrm::{parse_table, Osrm, OsrmAnswer, OsrmError, OsrmTable, TableRequest};
pub use straight::{great_circle_metres, SpeedBands, StraightLine, TravelModelError};

/// Seconds in a day; departures are seconds since the company's midnight.
pub const DAY: u32 = 86_400;

/// A WGS84 position in degrees. Built only by [`Point::new`], so every point
/// in a table is a real place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    lat: f64,
    lon: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PointError {
    pub lat: f64,
    pub lon: f64,
}

impl fmt::Display for PointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({}, {}) is not a latitude in [-90, 90] and a longitude in [-180, 180]",
            self.lat, self.lon
        )
    }
}

impl std::error::Error for PointError {}

impl Point {
    pub fn new(lat: f64, lon: f64) -> Result<Self, PointError> {
        if lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon)
        {
            Ok(Point { lat, lon })
        } else {
            Err(PointError { lat, lon })
        }
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }
}

/// When the vehicle is expected to leave each point, in seconds of the day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Departures {
    /// The same time for every origin (a rough plan, or a model without time
    /// of day).
    At(u32),
    /// One per point: e.g. the middle of the stop's window plus its service,
    /// or the departures of the previous plan when re-planning.
    PerOrigin(Vec<u32>),
}

impl Departures {
    pub(crate) fn check(&self, points: usize) -> Result<(), TravelError> {
        match self {
            Departures::PerOrigin(d) if d.len() != points => Err(TravelError::Departures {
                points,
                departures: d.len(),
            }),
            _ => Ok(()),
        }
    }

    pub(crate) fn of(&self, origin: usize) -> u32 {
        match self {
            Departures::At(t) => *t,
            Departures::PerOrigin(d) => d.get(origin).copied().unwrap_or(0),
        }
    }
}

/// What a travel model could not answer.
#[derive(Debug)]
pub enum TravelError {
    /// [`Departures::PerOrigin`] with a length other than the points'.
    Departures { points: usize, departures: usize },
    /// The OSRM server or its transport failed.
    Osrm(OsrmError),
}

impl fmt::Display for TravelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TravelError::Departures { points, departures } => {
                write!(f, "{departures} departure times for {points} points")
            }
            TravelError::Osrm(e) => write!(f, "OSRM: {e}"),
        }
    }
}

impl std::error::Error for TravelError {}

impl From<OsrmError> for TravelError {
    fn from(e: OsrmError) -> Self {
        TravelError::Osrm(e)
    }
}

/// A source of travel distances and times: the straight-line model or an
/// OSRM server. Asked for a whole table at once, which is how OSRM answers
/// and how the solver consumes it.
pub trait TravelModel {
    /// Distance and time from every point to every point, leaving point `i`
    /// at `departures.of(i)`.
    fn table(&self, points: &[Point], departures: &Departures) -> Result<TravelTable, TravelError>;
}

/// Metres and seconds for every ordered pair of points, row-major (row =
/// origin). A pair with no road between them is unreachable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TravelTable {
    size: usize,
    metres: Vec<u32>,
    seconds: Vec<u32>,
}

/// Stored in both vectors for a pair that has no route.
const NONE: u32 = u32::MAX;

/// What an unreachable pair costs in the solver's matrix: a week of driving
/// (no day's window can be kept, so the solver never uses the arc) and
/// 1,000 km (finite, so the objective stays an ordinary sum).
pub const UNREACHABLE_SECONDS: i64 = 7 * DAY as i64;
pub const UNREACHABLE_METRES: i64 = 1_000_000;

impl TravelTable {
    /// A table where every pair is unreachable until set.
    pub(crate) fn unreachable(size: usize) -> Self {
        TravelTable {
            size,
            metres: vec![NONE; size * size],
            seconds: vec![NONE; size * size],
        }
    }

    pub(crate) fn set(&mut self, from: usize, to: usize, metres: u32, seconds: u32) {
        let i = from * self.size + to;
        // NONE is reserved; a real leg of 4,295 km does not occur in a city.
        self.metres[i] = metres.min(NONE - 1);
        self.seconds[i] = seconds.min(NONE - 1);
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// `(metres, seconds)` from one point to another, `None` when there is
    /// no route (or an index is out of range).
    pub fn get(&self, from: usize, to: usize) -> Option<(u32, u32)> {
        if from >= self.size || to >= self.size {
            return None;
        }
        let i = from * self.size + to;
        match (self.metres[i], self.seconds[i]) {
            (NONE, _) | (_, NONE) => None,
            leg => Some(leg),
        }
    }

    /// Ordered pairs with no route.
    pub fn unreachable_pairs(&self) -> usize {
        (0..self.size * self.size)
            .filter(|&i| self.metres[i] == NONE || self.seconds[i] == NONE)
            .count()
    }

    /// The solver's matrix: distance in metres, time in seconds; unreachable
    /// pairs cost [`UNREACHABLE_METRES`] and [`UNREACHABLE_SECONDS`].
    pub fn to_matrix(&self) -> Result<Matrix, ProblemError> {
        let cell = |v: u32, none: i64| if v == NONE { none } else { i64::from(v) };
        let distance = self
            .metres
            .iter()
            .map(|&m| cell(m, UNREACHABLE_METRES))
            .collect();
        let time = self
            .seconds
            .iter()
            .map(|&s| cell(s, UNREACHABLE_SECONDS))
            .collect();
        Matrix::new(self.size, distance, time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_must_be_on_the_earth() {
        assert!(Point::new(55.75, 37.62).is_ok());
        assert!(Point::new(91.0, 37.62).is_err());
        assert!(Point::new(55.75, -181.0).is_err());
        assert!(Point::new(f64::NAN, 0.0).is_err());
    }

    #[test]
    fn unreachable_pairs_become_prohibitive_but_finite_in_the_matrix() {
        let mut t = TravelTable::unreachable(2);
        t.set(0, 0, 0, 0);
        t.set(1, 1, 0, 0);
        t.set(0, 1, 1200, 180);
        assert_eq!(t.get(0, 1), Some((1200, 180)));
        assert_eq!(t.get(1, 0), None);
        assert_eq!(t.get(2, 0), None);
        assert_eq!(t.unreachable_pairs(), 1);
        let m = t.to_matrix().expect("square");
        assert_eq!((m.distance(0, 1), m.time(0, 1)), (1200, 180));
        assert_eq!(
            (m.distance(1, 0), m.time(1, 0)),
            (UNREACHABLE_METRES, UNREACHABLE_SECONDS)
        );
    }

    #[test]
    fn departures_per_origin_must_match_the_points() {
        assert!(Departures::PerOrigin(vec![1, 2]).check(3).is_err());
        assert!(Departures::PerOrigin(vec![1, 2, 3]).check(3).is_ok());
        assert!(Departures::At(9 * 3600).check(3).is_ok());
    }
}
