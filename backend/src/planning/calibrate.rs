//! Travel times from the couriers' own days (issue 21, item 2): every two
//! consecutive deliveries of a courier's day are a trip, from the first
//! address to the second, leaving when the first was closed, taking the time
//! until the second was closed less the second's service time (the
//! settings' formula). `rodnik_planner::travel::calibrate` fits the
//! straight-line model to them, robust to lunches and forgotten marks
//! (docs/planning.md, "Calibration").

use chrono::{Duration, NaiveDate, Timelike};
use rodnik_planner::travel::{calibrate, CalibrationOptions, Point, Sample, StraightLine};
use rodnik_shared::api::{CalibrationReport, PlanningSettings, SpeedBand};
use serde_json::Value;

use super::model;
use crate::app::AppState;
use crate::error::{Error, Result};

/// Trips read at most.
const MAX_ROWS: usize = 300_000;

/// The trips of delivered stops from `from` to `to`.
pub async fn samples(
    state: &AppState,
    settings: &PlanningSettings,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Sample>> {
    let rows = state
        .store
        .delivered_trips(&from.to_string(), &to.to_string(), MAX_ROWS)
        .await?;
    Ok(trips(settings, &rows, state.cfg.tz))
}

/// One delivered stop as read.
struct Done {
    courier: String,
    date: String,
    at: chrono::DateTime<chrono_tz::Tz>,
    point: Point,
    service: i64,
}

fn done(settings: &PlanningSettings, row: &Value, tz: chrono_tz::Tz) -> Option<Done> {
    let r = row.as_array()?;
    let at = chrono::DateTime::parse_from_rfc3339(r.get(2)?.as_str()?)
        .ok()?
        .with_timezone(&tz);
    let point = Point::new(r.get(3)?.as_f64()?, r.get(4)?.as_f64()?).ok()?;
    let bottles = r.get(5).and_then(Value::as_u64).unwrap_or(0).min(1000) as u32;
    let floor = r.get(6).and_then(Value::as_str);
    let no_lift = r.get(7).and_then(Value::as_bool).unwrap_or(false);
    Some(Done {
        courier: r.first()?.as_str()?.to_string(),
        date: r.get(1)?.as_str()?.to_string(),
        at,
        point,
        service: model::service_seconds(settings, bottles, floor, no_lift),
    })
}

/// Consecutive deliveries of the same courier and day, in the order read.
pub fn trips(settings: &PlanningSettings, rows: &[Value], tz: chrono_tz::Tz) -> Vec<Sample> {
    let stops: Vec<Done> = rows.iter().filter_map(|r| done(settings, r, tz)).collect();
    stops
        .windows(2)
        .filter(|w| w[0].courier == w[1].courier && w[0].date == w[1].date)
        .filter_map(|w| {
            let (a, b) = (&w[0], &w[1]);
            let seconds = (b.at - a.at).num_seconds() - b.service;
            (seconds > 0 && a.at.date_naive() == b.at.date_naive()).then(|| Sample {
                from: a.point,
                to: b.point,
                depart: a.at.num_seconds_from_midnight(),
                seconds: seconds as f64,
                metres: None,
            })
        })
        .collect()
}

/// Median absolute percentage error of a model on trips.
pub fn error_pct(model: &StraightLine, samples: &[Sample]) -> f64 {
    let mut errors: Vec<f64> = samples
        .iter()
        .filter(|s| s.seconds > 0.0)
        .map(|s| {
            let (_, predicted) = model.leg(s.from, s.to, s.depart);
            (f64::from(predicted) - s.seconds).abs() / s.seconds * 100.0
        })
        .collect();
    if errors.is_empty() {
        return 0.0;
    }
    errors.sort_by(f64::total_cmp);
    let mid = errors.len() / 2;
    let median = if errors.len() % 2 == 0 {
        (errors[mid - 1] + errors[mid]) / 2.0
    } else {
        errors[mid]
    };
    (median * 10.0).round() / 10.0
}

/// Fits the model to the last `days` and saves it when asked.
pub async fn run(state: &AppState, days: u32, save: bool) -> Result<CalibrationReport> {
    let settings = state.store.planning_settings().await?;
    let to = state.cfg.today() - Duration::days(1);
    let from = to - Duration::days(i64::from(days) - 1);
    let samples = samples(state, &settings, from, to).await?;
    let prior = model::straight_line(&settings);
    let options = CalibrationOptions {
        prior: prior.clone(),
        ..CalibrationOptions::default()
    };
    let fit = {
        let samples = samples.clone();
        tokio::task::spawn_blocking(move || calibrate(&samples, &options))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?
    }
    .map_err(|e| {
        Error::conflict(
            "not_enough_samples",
            format!("the couriers' trips of {from} to {to} cannot calibrate the model: {e}"),
        )
    })?;
    let speeds: Vec<SpeedBand> = fit
        .model
        .speeds()
        .bands()
        .map(|(from_hour, kmh)| SpeedBand {
            from_hour,
            kmh: (kmh * 10.0).round() / 10.0,
        })
        .collect();
    let road_factor = (fit.model.road_factor() * 100.0).round() / 100.0;
    let parking_seconds = fit.model.overhead_seconds().round().clamp(0.0, 1800.0) as u32;
    let mut saved = false;
    if save {
        let mut next = settings.clone();
        next.travel.road_factor = road_factor.clamp(1.0, 3.0);
        next.travel.parking_seconds = parking_seconds;
        next.travel.speeds = speeds
            .iter()
            .map(|b| SpeedBand {
                from_hour: b.from_hour,
                kmh: b.kmh.clamp(5.0, 120.0),
            })
            .collect();
        next.validate()
            .map_err(|e| Error::invalid(e.field, e.message))?;
        state.store.set_planning_settings(&next).await?;
        saved = true;
    }
    Ok(CalibrationReport {
        from: from.to_string(),
        to: to.to_string(),
        samples: samples.len() as u32,
        fitted: fit.fitted as u32,
        held_out: fit.held_out as u32,
        skipped: fit.skipped as u32,
        outliers: fit.outliers as u32,
        fit_error_pct: (fit.fit_error_pct * 10.0).round() / 10.0,
        held_out_error_pct: fit.held_out_error_pct.map(|e| (e * 10.0).round() / 10.0),
        before_error_pct: error_pct(&prior, &samples),
        road_factor,
        parking_seconds,
        speeds,
        per_band: fit.per_band.iter().map(|&n| n as u32).collect(),
        saved,
    })
}
