//! The built-in travel model: great-circle distance times a road factor,
//! driven at the speed of the time of day, plus a fixed overhead per trip
//! (parking, walking to the door).
//!
//! A trip that crosses a band boundary drives each part at its band's speed,
//! so leaving later never arrives earlier (the FIFO property the solver's
//! waiting rule assumes).

use std::fmt;

use super::{Departures, Point, TravelError, TravelModel, TravelTable, DAY};

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS: f64 = 6_371_008.8;

/// Great-circle (haversine) distance in metres.
pub fn great_circle_metres(a: Point, b: Point) -> f64 {
    haversine(&Radians::of(a), &Radians::of(b))
}

struct Radians {
    lat: f64,
    lon: f64,
    cos_lat: f64,
}

impl Radians {
    fn of(p: Point) -> Self {
        let lat = p.lat().to_radians();
        Radians {
            lat,
            lon: p.lon().to_radians(),
            cos_lat: lat.cos(),
        }
    }
}

fn haversine(a: &Radians, b: &Radians) -> f64 {
    let s_lat = ((b.lat - a.lat) / 2.0).sin();
    let s_lon = ((b.lon - a.lon) / 2.0).sin();
    let h = s_lat * s_lat + a.cos_lat * b.cos_lat * s_lon * s_lon;
    2.0 * EARTH_RADIUS * h.clamp(0.0, 1.0).sqrt().asin()
}

#[derive(Clone, Debug, PartialEq)]
pub enum TravelModelError {
    /// Bands must start at hour 0, at increasing whole hours below 24.
    BandHours,
    /// A speed that is not a positive finite number.
    Speed {
        hour: u8,
        kmh: f64,
    },
    RoadFactor(f64),
    Overhead(f64),
}

impl fmt::Display for TravelModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TravelModelError::BandHours => write!(
                f,
                "speed bands must start at hour 0 and at increasing hours below 24"
            ),
            TravelModelError::Speed { hour, kmh } => {
                write!(f, "the band from {hour}:00 has speed {kmh} km/h")
            }
            TravelModelError::RoadFactor(r) => {
                write!(f, "road factor {r}: must be a finite number >= 1")
            }
            TravelModelError::Overhead(o) => {
                write!(f, "overhead {o} s: must be a finite number >= 0")
            }
        }
    }
}

impl std::error::Error for TravelModelError {}

/// Road speeds by time of day: each band runs from its starting hour to the
/// next band's (the last one to midnight).
#[derive(Clone, Debug, PartialEq)]
pub struct SpeedBands {
    hours: Vec<u8>,
    kmh: Vec<f64>,
}

impl SpeedBands {
    /// `(starting hour, km/h)` pairs: the first at hour 0, hours increasing,
    /// speeds positive.
    pub fn new(bands: &[(u8, f64)]) -> Result<Self, TravelModelError> {
        let starts_at_midnight = bands.first().is_some_and(|b| b.0 == 0);
        let increasing = bands.windows(2).all(|w| w[0].0 < w[1].0);
        if !starts_at_midnight || !increasing || bands.iter().any(|b| b.0 >= 24) {
            return Err(TravelModelError::BandHours);
        }
        if let Some(&(hour, kmh)) = bands.iter().find(|b| !(b.1.is_finite() && b.1 > 0.0)) {
            return Err(TravelModelError::Speed { hour, kmh });
        }
        Ok(SpeedBands {
            hours: bands.iter().map(|b| b.0).collect(),
            kmh: bands.iter().map(|b| b.1).collect(),
        })
    }

    /// Average door-to-door speeds of a van in a large Russian city, slower
    /// in the morning (8-10) and evening (17-20) peaks. A starting point
    /// until [`calibrate`](super::calibrate()) has the company's own.
    pub fn city() -> Self {
        SpeedBands {
            hours: vec![0, 7, 8, 10, 17, 20, 22],
            kmh: vec![35.0, 26.0, 19.0, 24.0, 18.0, 26.0, 32.0],
        }
    }

    pub fn len(&self) -> usize {
        self.hours.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hours.is_empty()
    }

    /// `(starting hour, km/h)` for each band.
    pub fn bands(&self) -> impl Iterator<Item = (u8, f64)> + '_ {
        self.hours.iter().copied().zip(self.kmh.iter().copied())
    }

    pub(crate) fn with_speeds(&self, kmh: Vec<f64>) -> Self {
        SpeedBands {
            hours: self.hours.clone(),
            kmh,
        }
    }

    pub(crate) fn kmh(&self) -> &[f64] {
        &self.kmh
    }

    fn start(&self, band: usize) -> u32 {
        u32::from(self.hours[band]) * 3600
    }

    fn end(&self, band: usize) -> u32 {
        self.hours
            .get(band + 1)
            .map_or(DAY, |&h| u32::from(h) * 3600)
    }

    pub(crate) fn index_at(&self, second_of_day: u32) -> usize {
        let s = second_of_day % DAY;
        (0..self.len())
            .rev()
            .find(|&b| self.start(b) <= s)
            .unwrap_or(0)
    }

    /// Drives `straight` metres of great-circle distance leaving at `depart`
    /// with `pace[b]` seconds per metre in band `b`; tells `on_band` how many
    /// of those metres fell in each band, returns the seconds.
    pub(crate) fn drive(
        &self,
        pace: &[f64],
        straight: f64,
        depart: u32,
        mut on_band: impl FnMut(usize, f64),
    ) -> f64 {
        let mut band = self.index_at(depart);
        let mut now = f64::from(depart % DAY);
        let (mut left, mut spent) = (straight, 0.0);
        // Each pass ends a band; a city trip crosses one or two boundaries,
        // the cap only guards against a pace of zero.
        for _ in 0..self.len() * 400 {
            let end = f64::from(self.end(band));
            let reach = (end - now) / pace[band];
            if reach >= left {
                on_band(band, left);
                return spent + left * pace[band];
            }
            on_band(band, reach);
            left -= reach;
            spent += end - now;
            band = (band + 1) % self.len();
            now = f64::from(self.start(band));
        }
        spent
    }
}

/// Great-circle distance × `road_factor`, driven at the band's speed, plus
/// `overhead` seconds for every trip between two different places.
#[derive(Clone, Debug, PartialEq)]
pub struct StraightLine {
    road_factor: f64,
    speeds: SpeedBands,
    overhead: f64,
    /// Seconds per great-circle metre in each band.
    pace: Vec<f64>,
}

impl Default for StraightLine {
    /// A city: road factor 1.3, [`SpeedBands::city`], a minute to park.
    fn default() -> Self {
        let speeds = SpeedBands::city();
        StraightLine {
            pace: pace(1.3, speeds.kmh()),
            road_factor: 1.3,
            speeds,
            overhead: 60.0,
        }
    }
}

pub(crate) fn pace(road_factor: f64, kmh: &[f64]) -> Vec<f64> {
    kmh.iter().map(|v| road_factor * 3.6 / v).collect()
}

/// Closer than this, two points are the same place: no drive, no parking
/// (two flats in one building).
const SAME_PLACE_METRES: f64 = 1.0;

impl StraightLine {
    pub fn new(
        road_factor: f64,
        speeds: SpeedBands,
        overhead_seconds: f64,
    ) -> Result<Self, TravelModelError> {
        if !(road_factor.is_finite() && road_factor >= 1.0) {
            return Err(TravelModelError::RoadFactor(road_factor));
        }
        if !(overhead_seconds.is_finite() && overhead_seconds >= 0.0) {
            return Err(TravelModelError::Overhead(overhead_seconds));
        }
        Ok(StraightLine {
            pace: pace(road_factor, speeds.kmh()),
            road_factor,
            speeds,
            overhead: overhead_seconds,
        })
    }

    pub fn road_factor(&self) -> f64 {
        self.road_factor
    }

    pub fn speeds(&self) -> &SpeedBands {
        &self.speeds
    }

    pub fn overhead_seconds(&self) -> f64 {
        self.overhead
    }

    /// Road metres and seconds (unrounded) for `straight` great-circle metres
    /// leaving at `depart`.
    pub(crate) fn leg_of(&self, straight: f64, depart: u32) -> (f64, f64) {
        if straight < SAME_PLACE_METRES {
            return (0.0, 0.0);
        }
        let driving = self.speeds.drive(&self.pace, straight, depart, |_, _| {});
        (straight * self.road_factor, self.overhead + driving)
    }

    /// Road metres and seconds from one point to another leaving at
    /// `depart` (seconds of the day).
    pub fn leg(&self, from: Point, to: Point, depart: u32) -> (u32, u32) {
        let (m, s) = self.leg_of(great_circle_metres(from, to), depart);
        (whole(m), whole(s))
    }
}

fn whole(v: f64) -> u32 {
    // Saturating: `as` clamps to the range, NaN cannot occur for valid points.
    v.round() as u32
}

impl TravelModel for StraightLine {
    fn table(&self, points: &[Point], departures: &Departures) -> Result<TravelTable, TravelError> {
        departures.check(points.len())?;
        let rad: Vec<Radians> = points.iter().map(|&p| Radians::of(p)).collect();
        let mut table = TravelTable::unreachable(points.len());
        for (i, a) in rad.iter().enumerate() {
            let depart = departures.of(i);
            for (j, b) in rad.iter().enumerate() {
                let (m, s) = self.leg_of(haversine(a, b), depart);
                table.set(i, j, whole(m), whole(s));
            }
        }
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lat: f64, lon: f64) -> Point {
        Point::new(lat, lon).expect("valid")
    }

    #[test]
    fn great_circle_matches_known_distances() {
        // Moscow (Red Square) to Saint Petersburg (Palace Square): 634 km.
        let d = great_circle_metres(p(55.7539, 37.6208), p(59.9390, 30.3158));
        assert!((d - 634_000.0).abs() < 2_000.0, "{d}");
        // One degree of latitude is 111.2 km on the mean sphere.
        let d = great_circle_metres(p(55.0, 37.0), p(56.0, 37.0));
        assert!((d - 111_195.0).abs() < 5.0, "{d}");
        assert_eq!(great_circle_metres(p(55.0, 37.0), p(55.0, 37.0)), 0.0);
    }

    #[test]
    fn a_trip_is_slower_in_the_morning_peak_than_at_midday() {
        let model = StraightLine::default();
        let (a, b) = (p(55.75, 37.60), p(55.77, 37.65));
        let (m9, s9) = model.leg(a, b, 9 * 3600);
        let (m12, s12) = model.leg(a, b, 12 * 3600);
        assert_eq!(m9, m12);
        // 3.84 km straight, 4.99 km by road, at 19 km/h at 9:00, 24 at noon.
        let road = great_circle_metres(a, b) * 1.3;
        assert!(
            (m9 as f64 - road).abs() < 1.0 && (4_980..5_000).contains(&m9),
            "{m9}"
        );
        assert!((s9 as f64 - (60.0 + m9 as f64 / (19.0 / 3.6))).abs() < 2.0);
        assert!((s12 as f64 - (60.0 + m12 as f64 / (24.0 / 3.6))).abs() < 2.0);
        assert!(s9 > s12);
    }

    #[test]
    fn a_trip_across_a_band_boundary_drives_each_part_at_its_speed() {
        let bands = SpeedBands::new(&[(0, 36.0), (10, 18.0)]).expect("valid");
        let model = StraightLine::new(1.0, bands, 0.0).expect("valid");
        // 10 m/s until 10:00 (100 s: 1,000 m), then 5 m/s for the other 1,000 m.
        let (_, s) = model.leg_of(2_000.0, 10 * 3600 - 100);
        assert!((s - 300.0).abs() < 1e-6, "{s}");
        // FIFO: leaving later never arrives earlier.
        let mut last_arrival = 0.0;
        for depart in (9 * 3600..11 * 3600).step_by(30) {
            let arrival = f64::from(depart) + model.leg_of(5_000.0, depart).1;
            assert!(arrival >= last_arrival);
            last_arrival = arrival;
        }
        // Past midnight the first band comes back: 250 m at 5 m/s, 750 m at 10.
        let (_, s) = model.leg_of(1_000.0, DAY - 50);
        assert!((s - (50.0 + 750.0 / 10.0)).abs() < 1e-6, "{s}");
    }

    #[test]
    fn the_same_place_costs_nothing_and_others_cost_the_overhead() {
        let model = StraightLine::default();
        let a = p(55.75, 37.60);
        assert_eq!(model.leg(a, a, 12 * 3600), (0, 0));
        let (_, s) = model.leg(a, p(55.7501, 37.60), 12 * 3600);
        assert!(s >= 60);
    }

    #[test]
    fn bad_bands_and_factors_are_refused() {
        assert_eq!(
            SpeedBands::new(&[(1, 30.0)]),
            Err(TravelModelError::BandHours)
        );
        assert_eq!(
            SpeedBands::new(&[(0, 30.0), (8, 20.0), (8, 25.0)]),
            Err(TravelModelError::BandHours)
        );
        assert!(SpeedBands::new(&[(0, 30.0), (24, 20.0)]).is_err());
        assert!(SpeedBands::new(&[(0, 0.0)]).is_err());
        assert!(StraightLine::new(0.9, SpeedBands::city(), 60.0).is_err());
        assert!(StraightLine::new(1.3, SpeedBands::city(), f64::NAN).is_err());
    }

    #[test]
    fn the_table_uses_each_origins_departure() {
        let model = StraightLine::default();
        let points = [p(55.75, 37.60), p(55.77, 37.65)];
        let peak = model
            .table(&points, &Departures::PerOrigin(vec![9 * 3600, 12 * 3600]))
            .expect("table");
        assert_eq!(peak.get(0, 0), Some((0, 0)));
        assert_eq!(
            peak.get(0, 1),
            Some(model.leg(points[0], points[1], 9 * 3600))
        );
        assert_eq!(
            peak.get(1, 0),
            Some(model.leg(points[1], points[0], 12 * 3600))
        );
        assert!(model
            .table(&points, &Departures::PerOrigin(vec![0]))
            .is_err());
    }
}
