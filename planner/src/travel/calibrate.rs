//! Fitting the straight-line model to the couriers' own stop-to-stop times.
//! The method and why it is robust: docs/planning.md, "Travel times".
//!
//! From times alone only the pace over the straight line (road factor ÷
//! speed) can be told apart, not the two factors; samples that also carry
//! the road distance driven (odometer, GPS track, or OSRM's distance for the
//! pair) fix the road factor, otherwise the prior's is kept.
//!
//! The time is fitted as `overhead + Σ_b pace_b · metres_b` (the straight
//! metres driven in each band) by iteratively reweighted least squares on
//! relative errors: first towards least absolute deviations (the median's
//! robustness: a lunch break between two stops moves the fit no more than a
//! slightly long trip), then Tukey's biweight with a scale from the median
//! absolute deviation, which gives such a sample no weight at all.

use std::fmt;

use super::straight::{great_circle_metres, pace, StraightLine};
use super::{Point, DAY};

/// One observed trip: a courier left `from` at `depart` (seconds of the day)
/// and `seconds` later was at `to`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub from: Point,
    pub to: Point,
    pub depart: u32,
    pub seconds: f64,
    /// Road metres driven, when known.
    pub metres: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CalibrationOptions {
    /// The starting point and the band layout; bands with too few samples
    /// keep its speeds, scaled like the fitted bands.
    pub prior: StraightLine,
    /// A band's speed is fitted only from at least this many samples.
    pub min_per_band: usize,
    /// Every n-th usable sample is held out to measure the error on trips
    /// the fit has not seen (0: none).
    pub hold_out_every: usize,
    /// Trips shorter than this (great-circle metres) are skipped: mostly
    /// parking and stairs, and the position error of two geocoded points.
    pub min_metres: f64,
}

impl Default for CalibrationOptions {
    fn default() -> Self {
        CalibrationOptions {
            prior: StraightLine::default(),
            min_per_band: 30,
            hold_out_every: 5,
            min_metres: 200.0,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    pub model: StraightLine,
    /// Median absolute percentage error on the samples fitted.
    pub fit_error_pct: f64,
    /// The same on the held-out samples (`None` without any).
    pub held_out_error_pct: Option<f64>,
    pub fitted: usize,
    pub held_out: usize,
    /// Samples skipped: too short, not a positive time, or too far apart
    /// in the day.
    pub skipped: usize,
    /// Fitted samples the biweight gave no weight (lunch, a forgotten
    /// mark, a wait for a window).
    pub outliers: usize,
    /// Fitted samples per band; bands under `min_per_band` kept the prior's
    /// scaled speed.
    pub per_band: Vec<usize>,
    /// Whether the road factor came from samples with metres.
    pub road_factor_fitted: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CalibrationError {
    /// No band has `min_per_band` usable samples.
    NotEnoughSamples { usable: usize },
    /// The samples do not determine the speeds (all trips the same length,
    /// say), or they give a model that is not a model.
    Degenerate,
}

impl fmt::Display for CalibrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalibrationError::NotEnoughSamples { usable } => write!(
                f,
                "{usable} usable samples: too few for any time-of-day band"
            ),
            CalibrationError::Degenerate => {
                write!(f, "the samples do not determine the speeds")
            }
        }
    }
}

impl std::error::Error for CalibrationError {}

/// A trip's great-circle length and the fields the fit needs.
struct Trip {
    straight: f64,
    depart: u32,
    seconds: f64,
}

/// Tukey's biweight tuning constant (95 % efficiency under normal errors).
const BIWEIGHT: f64 = 4.685;
/// Normal-consistent scale from the median absolute deviation.
const MAD_SCALE: f64 = 1.4826;
const L1_ROUNDS: usize = 30;
const BIWEIGHT_ROUNDS: usize = 20;
/// The longest plausible time between two consecutive stops; beyond it a
/// sample is a gap in the day, not a trip.
const LONGEST: f64 = 4.0 * 3600.0;

pub fn calibrate(
    samples: &[Sample],
    options: &CalibrationOptions,
) -> Result<Calibration, CalibrationError> {
    let prior = &options.prior;
    let bands = prior.speeds();
    let mut fit = Vec::new();
    let mut held = Vec::new();
    let mut ratios = Vec::new();
    let mut skipped = 0;
    for s in samples {
        let straight = great_circle_metres(s.from, s.to);
        let usable = straight >= options.min_metres
            && s.seconds.is_finite()
            && s.seconds > 0.0
            && s.seconds <= LONGEST
            && s.depart < DAY;
        if !usable {
            skipped += 1;
            continue;
        }
        if let Some(m) = s.metres.filter(|m| m.is_finite() && *m > 0.0) {
            ratios.push(m / straight);
        }
        let trip = Trip {
            straight,
            depart: s.depart,
            seconds: s.seconds,
        };
        let n = fit.len() + held.len();
        if options.hold_out_every > 0 && n % options.hold_out_every == options.hold_out_every - 1 {
            held.push(trip);
        } else {
            fit.push(trip);
        }
    }

    // The road factor: the median ratio is untouched by a detour or two, and
    // a factor under 1 (a GPS track cutting corners) is clamped.
    let road_factor_fitted = !ratios.is_empty();
    let road_factor = median(&mut ratios).map_or(prior.road_factor(), |r| r.max(1.0));

    let mut per_band = vec![0; bands.len()];
    for t in &fit {
        per_band[bands.index_at(t.depart)] += 1;
    }
    let free: Vec<bool> = per_band
        .iter()
        .map(|&n| n >= options.min_per_band)
        .collect();
    if !free.iter().any(|&f| f) {
        return Err(CalibrationError::NotEnoughSamples {
            usable: fit.len() + held.len(),
        });
    }

    let prior_pace = pace(prior.road_factor(), prior.speeds().kmh());
    let mut theta = Theta {
        overhead: prior.overhead_seconds(),
        pace: prior_pace.clone(),
    };
    let mut weights = vec![1.0; fit.len()];
    for round in 0..L1_ROUNDS + BIWEIGHT_ROUNDS {
        let residuals: Vec<f64> = fit
            .iter()
            .map(|t| (t.seconds / theta.predict(bands, t)).ln())
            .collect();
        if round < L1_ROUNDS {
            // Σ w r² with w = 1/|r| is Σ |r|: least absolute deviations.
            for (w, r) in weights.iter_mut().zip(&residuals) {
                *w = 1.0 / r.abs().max(1e-3);
            }
        } else {
            let scale = mad(&residuals).max(1e-3);
            for (w, r) in weights.iter_mut().zip(&residuals) {
                let u = r / (BIWEIGHT * scale);
                *w = if u.abs() < 1.0 {
                    (1.0 - u * u).powi(2)
                } else {
                    0.0
                };
            }
        }
        theta = step(bands, &fit, &weights, &theta, &free).ok_or(CalibrationError::Degenerate)?;
    }
    let outliers = weights.iter().filter(|&&w| w == 0.0).count();

    // Bands without enough samples keep the prior's speed, scaled by how
    // the fitted bands moved (a city slower than the default everywhere).
    let moved: Vec<f64> = (0..bands.len())
        .filter(|&b| free[b])
        .map(|b| theta.pace[b] / prior_pace[b])
        .collect();
    let scale = median(&mut moved.clone()).ok_or(CalibrationError::Degenerate)?;
    for b in (0..bands.len()).filter(|&b| !free[b]) {
        theta.pace[b] = prior_pace[b] * scale;
    }

    let kmh: Vec<f64> = theta.pace.iter().map(|p| road_factor * 3.6 / p).collect();
    let model = StraightLine::new(road_factor, bands.with_speeds(kmh), theta.overhead)
        .map_err(|_| CalibrationError::Degenerate)?;
    let error = |trips: &[Trip]| {
        let mut e: Vec<f64> = trips
            .iter()
            .map(|t| {
                let predicted = model.leg_of(t.straight, t.depart).1;
                (predicted - t.seconds).abs() / t.seconds * 100.0
            })
            .collect();
        median(&mut e)
    };
    Ok(Calibration {
        fit_error_pct: error(&fit).unwrap_or(0.0),
        held_out_error_pct: error(&held),
        fitted: fit.len(),
        held_out: held.len(),
        skipped,
        outliers,
        per_band,
        road_factor_fitted,
        model,
    })
}

/// The parameters being fitted: a trip takes `overhead + Σ pace_b · metres_b`.
#[derive(Clone, Debug)]
struct Theta {
    overhead: f64,
    pace: Vec<f64>,
}

impl Theta {
    fn predict(&self, bands: &super::SpeedBands, t: &Trip) -> f64 {
        self.overhead + bands.drive(&self.pace, t.straight, t.depart, |_, _| {})
    }
}

/// One weighted least-squares step on relative errors (each row divided by
/// the current prediction), linearised at `theta`: the split of a trip's
/// metres between bands depends on the speeds, so it is taken from the
/// current ones. Bands that are not free keep their pace; an overhead that
/// would go negative is held at zero.
fn step(
    bands: &super::SpeedBands,
    trips: &[Trip],
    weights: &[f64],
    theta: &Theta,
    free: &[bool],
) -> Option<Theta> {
    let columns: Vec<usize> = (0..bands.len()).filter(|&b| free[b]).collect();
    let solve = |with_overhead: bool| -> Option<Vec<f64>> {
        let k = columns.len() + usize::from(with_overhead);
        let mut ata = vec![0.0; k * k];
        let mut atb = vec![0.0; k];
        let mut split = vec![0.0; bands.len()];
        let mut row = vec![0.0; k];
        for (t, &w) in trips.iter().zip(weights) {
            if w == 0.0 {
                continue;
            }
            split.iter_mut().for_each(|m| *m = 0.0);
            let driving = bands.drive(&theta.pace, t.straight, t.depart, |b, m| split[b] += m);
            let scale = theta.overhead + driving;
            // The fixed bands' time is known: move it to the observed side.
            let mut target = t.seconds;
            for b in (0..bands.len()).filter(|&b| !free[b]) {
                target -= theta.pace[b] * split[b];
            }
            for (r, &b) in row.iter_mut().zip(&columns) {
                *r = split[b];
            }
            if with_overhead {
                row[k - 1] = 1.0;
            }
            let w = w / (scale * scale);
            for i in 0..k {
                atb[i] += w * row[i] * target;
                for j in 0..k {
                    ata[i * k + j] += w * row[i] * row[j];
                }
            }
        }
        solve_symmetric(ata, atb, k)
    };
    let mut next = theta.clone();
    let with = solve(true)?;
    let (paces, overhead) = if with[with.len() - 1] >= 0.0 {
        (with[..columns.len()].to_vec(), with[with.len() - 1])
    } else {
        (solve(false)?, 0.0)
    };
    for (&b, p) in columns.iter().zip(paces) {
        if !(p.is_finite() && p > 0.0) {
            return None;
        }
        next.pace[b] = p;
    }
    next.overhead = overhead;
    Some(next)
}

/// Gaussian elimination with partial pivoting on a small dense system.
fn solve_symmetric(mut a: Vec<f64>, mut b: Vec<f64>, k: usize) -> Option<Vec<f64>> {
    let largest = a.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    for col in 0..k {
        let pivot =
            (col..k).max_by(|&i, &j| a[i * k + col].abs().total_cmp(&a[j * k + col].abs()))?;
        if a[pivot * k + col].abs() <= largest * 1e-12 {
            return None;
        }
        if pivot != col {
            for j in 0..k {
                a.swap(pivot * k + j, col * k + j);
            }
            b.swap(pivot, col);
        }
        for i in col + 1..k {
            let f = a[i * k + col] / a[col * k + col];
            for j in col..k {
                a[i * k + j] -= f * a[col * k + j];
            }
            b[i] -= f * b[col];
        }
    }
    let mut x = vec![0.0; k];
    for i in (0..k).rev() {
        let tail: f64 = (i + 1..k).map(|j| a[i * k + j] * x[j]).sum();
        x[i] = (b[i] - tail) / a[i * k + i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// Median absolute deviation from the median, scaled to a standard deviation.
fn mad(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    let Some(m) = median(&mut v) else {
        return 0.0;
    };
    let mut dev: Vec<f64> = values.iter().map(|x| (x - m).abs()).collect();
    median(&mut dev).unwrap_or(0.0) * MAD_SCALE
}

#[cfg(test)]
mod tests {
    use super::super::SpeedBands;
    use super::*;
    use crate::rng::Rng;

    fn normal(rng: &mut Rng) -> f64 {
        let u = rng.unit().max(1e-12);
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * rng.unit()).cos()
    }

    fn truth() -> StraightLine {
        let bands = SpeedBands::new(&[
            (0, 40.0),
            (7, 30.0),
            (8, 17.0),
            (10, 25.0),
            (17, 16.0),
            (20, 28.0),
            (22, 35.0),
        ])
        .expect("valid");
        StraightLine::new(1.4, bands, 120.0).expect("valid")
    }

    /// Trips of 0.3-8 km around Moscow leaving between 7:00 and 21:00, the
    /// time off by a log-normal factor (sigma 0.15); 10 % with a 20-60
    /// minute break added, 3 % marked late at the previous stop (a third of
    /// the time). Half carry the road metres (sigma 0.08).
    fn samples(model: &StraightLine, n: usize, seed: u64) -> (Vec<Sample>, usize) {
        let mut rng = Rng::new(seed);
        let mut breaks = 0;
        let samples = (0..n)
            .map(|i| {
                let lat = 55.65 + 0.2 * rng.unit();
                let lon = 37.45 + 0.3 * rng.unit();
                let d = 300.0 + 7_700.0 * rng.unit();
                let bearing = std::f64::consts::TAU * rng.unit();
                let to_lat = lat + d * bearing.cos() / 111_195.0;
                let to_lon = lon + d * bearing.sin() / (111_195.0 * lat.to_radians().cos());
                let from = Point::new(lat, lon).expect("valid");
                let to = Point::new(to_lat, to_lon).expect("valid");
                let depart = 7 * 3600 + (14.0 * 3600.0 * rng.unit()) as u32;
                let straight = great_circle_metres(from, to);
                let mut seconds =
                    model.leg_of(straight, depart).1 * (0.15 * normal(&mut rng)).exp();
                let kind = rng.unit();
                if kind < 0.10 {
                    seconds += 1_200.0 + 2_400.0 * rng.unit();
                    breaks += 1;
                } else if kind < 0.13 {
                    seconds /= 3.0;
                }
                let metres = (i % 2 == 0)
                    .then(|| straight * model.road_factor() * (0.08 * normal(&mut rng)).exp());
                Sample {
                    from,
                    to,
                    depart,
                    seconds,
                    metres,
                }
            })
            .collect();
        (samples, breaks)
    }

    fn close(got: f64, want: f64, tolerance: f64) -> bool {
        (got / want - 1.0).abs() <= tolerance
    }

    #[test]
    fn the_fit_recovers_a_known_model_despite_breaks_between_stops() {
        let truth = truth();
        let (samples, breaks) = samples(&truth, 3_000, 7);
        let c = calibrate(&samples, &CalibrationOptions::default()).expect("fit");
        let m = &c.model;
        assert!(c.road_factor_fitted);
        assert!(close(m.road_factor(), 1.4, 0.02), "{}", m.road_factor());
        assert!(
            (m.overhead_seconds() - 120.0).abs() < 30.0,
            "{}",
            m.overhead_seconds()
        );
        // Departures 7-21 fill the bands from 7, 8, 10, 17 and 20.
        for ((hour, kmh), (_, want)) in m.speeds().bands().zip(truth.speeds().bands()) {
            if (7..=20).contains(&hour) {
                assert!(close(kmh, want, 0.06), "{hour}:00 {kmh} vs {want}");
            }
        }
        assert_eq!(c.per_band[0], 0);
        assert_eq!(c.per_band[6], 0);
        // The noise alone is a median 10 % off; breaks are a tenth.
        let held = c.held_out_error_pct.expect("held out");
        assert!(
            held < 14.0 && c.fit_error_pct < 14.0,
            "{held} {}",
            c.fit_error_pct
        );
        assert_eq!(c.held_out, 600);
        // Nearly every break among the fitted samples gets no weight.
        let fitted_breaks = breaks * 4 / 5;
        assert!(
            c.outliers * 10 >= fitted_breaks * 8,
            "{} of ~{fitted_breaks}",
            c.outliers
        );
    }

    #[test]
    fn without_road_metres_the_prior_factor_stays_and_the_pace_is_fitted() {
        let truth = truth();
        let (mut samples, _) = samples(&truth, 3_000, 11);
        samples.iter_mut().for_each(|s| s.metres = None);
        let c = calibrate(&samples, &CalibrationOptions::default()).expect("fit");
        assert!(!c.road_factor_fitted);
        assert_eq!(c.model.road_factor(), 1.3);
        // Speed over the straight line is what times determine.
        let fitted = c.model.speeds().bands().map(|(_, v)| v / 1.3);
        for ((hour, _), (got, (_, want))) in truth
            .speeds()
            .bands()
            .zip(fitted.zip(truth.speeds().bands()))
        {
            if (7..=20).contains(&hour) {
                assert!(
                    close(got, want / 1.4, 0.06),
                    "{hour}:00 {got} vs {}",
                    want / 1.4
                );
            }
        }
        // The empty night band moved with the median fitted band (its pace
        // about 3 % over the default city's), so it is a little slower.
        let (_, night) = c.model.speeds().bands().next().expect("band");
        assert!(night < 35.0 && night > 32.0, "{night}");
    }

    #[test]
    fn a_band_without_enough_samples_keeps_the_scaled_prior() {
        let truth = truth();
        let (samples, _) = samples(&truth, 3_000, 3);
        let options = CalibrationOptions {
            min_per_band: 10_000,
            ..CalibrationOptions::default()
        };
        assert_eq!(
            calibrate(&samples, &options),
            Err(CalibrationError::NotEnoughSamples { usable: 3_000 })
        );
        assert!(matches!(
            calibrate(&[], &CalibrationOptions::default()),
            Err(CalibrationError::NotEnoughSamples { usable: 0 })
        ));
    }

    #[test]
    fn unusable_samples_are_skipped_not_fitted() {
        let truth = truth();
        let (mut samples, _) = samples(&truth, 500, 5);
        samples[0].seconds = f64::NAN;
        samples[1].seconds = -5.0;
        samples[2].to = samples[2].from;
        samples[3].seconds = 5.0 * 3600.0;
        let c = calibrate(&samples, &CalibrationOptions::default()).expect("fit");
        assert_eq!(c.skipped, 4);
        assert_eq!(c.fitted + c.held_out, 496);
    }
}
