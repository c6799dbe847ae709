//! Route planning on the wire (issue 21): the planning settings, a plan job
//! and its preview, promised slots and expected arrivals. docs/api.md,
//! "Route planning".

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::FieldError;

/// A place the couriers load at and come back to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Depot {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// A courier's working day: "HH:MM" times in the company's time zone, an
/// optional break of `break_minutes` starting between `break_from` and
/// `break_to`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct Shift {
    pub start: String,
    pub end: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub break_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub break_to: Option<String>,
    pub break_minutes: u32,
}

impl Default for Shift {
    fn default() -> Self {
        Shift {
            start: "08:00".into(),
            end: "20:00".into(),
            break_from: Some("12:00".into()),
            break_to: Some("15:00".into()),
            break_minutes: 30,
        }
    }
}

/// Time spent at a stop: `stop_seconds` + `per_bottle_seconds` × 19 L
/// bottles + `per_floor_seconds` × (floor − 1) when the address has no lift.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct ServiceTimes {
    pub stop_seconds: u32,
    pub per_bottle_seconds: u32,
    pub per_floor_seconds: u32,
}

impl Default for ServiceTimes {
    fn default() -> Self {
        ServiceTimes {
            stop_seconds: 300,
            per_bottle_seconds: 20,
            per_floor_seconds: 40,
        }
    }
}

/// One courier's exceptions to the company's shift, depot and capacity.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct CourierPlanning {
    pub courier_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depot_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// Left out of planning and of promised slots (on leave, no van).
    pub off: bool,
}

/// The speed along the road from an hour of the day until the next band.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SpeedBand {
    pub from_hour: u8,
    pub kmh: f64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TravelModelKind {
    /// Straight line × road factor at the hour's speed, plus parking.
    #[default]
    Straight,
    /// The company's OSRM server's `table` service.
    Osrm,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct TravelSettings {
    pub model: TravelModelKind,
    pub road_factor: f64,
    pub parking_seconds: u32,
    pub speeds: Vec<SpeedBand>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub osrm_url: Option<String>,
}

/// The built-in city speeds (km/h along the road), a guess for a van in a
/// large city until the company's own trips calibrate them
/// (docs/planning.md).
pub const CITY_SPEEDS: [(u8, f64); 7] = [
    (0, 35.0),
    (7, 26.0),
    (8, 19.0),
    (10, 24.0),
    (17, 18.0),
    (20, 26.0),
    (22, 32.0),
];

impl Default for TravelSettings {
    fn default() -> Self {
        TravelSettings {
            model: TravelModelKind::Straight,
            road_factor: 1.3,
            parking_seconds: 60,
            speeds: CITY_SPEEDS
                .iter()
                .map(|&(from_hour, kmh)| SpeedBand { from_hour, kmh })
                .collect(),
            osrm_url: None,
        }
    }
}

/// `GET`/`PUT /api/planning/settings`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(default)]
pub struct PlanningSettings {
    pub depots: Vec<Depot>,
    pub shift: Shift,
    /// 19 L bottles a van takes on one trip.
    pub capacity: u32,
    /// Time at the depot to load again between trips.
    pub reload_minutes: u32,
    pub service: ServiceTimes,
    pub couriers: Vec<CourierPlanning>,
    pub travel: TravelSettings,
    /// A stop is at risk when its expected arrival is later than its
    /// window's end minus this.
    pub risk_minutes: u32,
}

impl Default for PlanningSettings {
    fn default() -> Self {
        PlanningSettings {
            depots: vec![],
            shift: Shift::default(),
            capacity: 120,
            reload_minutes: 20,
            service: ServiceTimes::default(),
            couriers: vec![],
            travel: TravelSettings::default(),
            risk_minutes: 15,
        }
    }
}

/// Minutes since midnight of "HH:MM" (00:00-24:00).
pub fn minutes_of(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// "HH:MM" of minutes since midnight.
pub fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn time_field(v: &str, field: String) -> Result<u32, FieldError> {
    minutes_of(v).ok_or_else(|| FieldError::new(field, "must be a time HH:MM"))
}

/// A shift's start, end and break window in minutes, checked.
pub struct ShiftMinutes {
    pub start: u32,
    pub end: u32,
    /// The break's window for its start, and its length.
    pub brk: Option<(u32, u32, u32)>,
}

impl Shift {
    pub fn minutes(&self, field: &str) -> Result<ShiftMinutes, FieldError> {
        let start = time_field(&self.start, format!("{field}.start"))?;
        let end = time_field(&self.end, format!("{field}.end"))?;
        if end <= start {
            return Err(FieldError::new(
                format!("{field}.end"),
                "must be after the start",
            ));
        }
        let brk = match (&self.break_from, &self.break_to, self.break_minutes) {
            (_, _, 0) | (None, None, _) => None,
            (Some(f), Some(t), len) => {
                let from = time_field(f, format!("{field}.break_from"))?;
                let to = time_field(t, format!("{field}.break_to"))?;
                if to < from {
                    return Err(FieldError::new(
                        format!("{field}.break_to"),
                        "must not be before break_from",
                    ));
                }
                if from < start || to + len > end {
                    return Err(FieldError::new(
                        format!("{field}.break_from"),
                        "the break must fit in the shift",
                    ));
                }
                if len > 180 {
                    return Err(FieldError::new(
                        format!("{field}.break_minutes"),
                        "must be at most 180",
                    ));
                }
                Some((from, to, len))
            }
            _ => {
                return Err(FieldError::new(
                    format!("{field}.break_to"),
                    "give both break_from and break_to, or neither",
                ))
            }
        };
        Ok(ShiftMinutes { start, end, brk })
    }
}

fn bounded_text(v: &str, field: String, max: usize) -> Result<(), FieldError> {
    if v.trim().is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

impl PlanningSettings {
    /// Checks everything a manager can get wrong; the error names the field.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.depots.len() > 50 {
            return Err(FieldError::new("depots", "at most 50"));
        }
        for (i, d) in self.depots.iter().enumerate() {
            bounded_text(&d.id, format!("depots[{i}].id"), 40)?;
            bounded_text(&d.name, format!("depots[{i}].name"), 200)?;
            if !(d.lat.is_finite() && (-90.0..=90.0).contains(&d.lat)) {
                return Err(FieldError::new(
                    format!("depots[{i}].lat"),
                    "must be -90..90",
                ));
            }
            if !(d.lon.is_finite() && (-180.0..=180.0).contains(&d.lon)) {
                return Err(FieldError::new(
                    format!("depots[{i}].lon"),
                    "must be -180..180",
                ));
            }
            if self.depots[..i].iter().any(|o| o.id == d.id) {
                return Err(FieldError::new(format!("depots[{i}].id"), "is used twice"));
            }
        }
        self.shift.minutes("shift")?;
        if !(1..=1000).contains(&self.capacity) {
            return Err(FieldError::new("capacity", "must be 1..1000 bottles"));
        }
        if self.reload_minutes > 240 {
            return Err(FieldError::new("reload_minutes", "must be at most 240"));
        }
        let s = &self.service;
        if s.stop_seconds > 7200 || s.per_bottle_seconds > 600 || s.per_floor_seconds > 600 {
            return Err(FieldError::new(
                "service",
                "stop_seconds at most 7200, per_bottle_seconds and per_floor_seconds at most 600",
            ));
        }
        if self.couriers.len() > 500 {
            return Err(FieldError::new("couriers", "at most 500"));
        }
        for (i, c) in self.couriers.iter().enumerate() {
            bounded_text(&c.courier_id, format!("couriers[{i}].courier_id"), 100)?;
            if self.couriers[..i]
                .iter()
                .any(|o| o.courier_id == c.courier_id)
            {
                return Err(FieldError::new(
                    format!("couriers[{i}].courier_id"),
                    "is listed twice",
                ));
            }
            if let Some(d) = &c.depot_id {
                if !self.depots.iter().any(|x| &x.id == d) {
                    return Err(FieldError::new(
                        format!("couriers[{i}].depot_id"),
                        "names no depot",
                    ));
                }
            }
            self.shift_of(c).minutes(&format!("couriers[{i}]"))?;
            if let Some(cap) = c.capacity {
                if !(1..=1000).contains(&cap) {
                    return Err(FieldError::new(
                        format!("couriers[{i}].capacity"),
                        "must be 1..1000 bottles",
                    ));
                }
            }
        }
        let t = &self.travel;
        if !(t.road_factor.is_finite() && (1.0..=3.0).contains(&t.road_factor)) {
            return Err(FieldError::new("travel.road_factor", "must be 1.0..3.0"));
        }
        if t.parking_seconds > 1800 {
            return Err(FieldError::new(
                "travel.parking_seconds",
                "must be at most 1800",
            ));
        }
        if t.speeds.is_empty() || t.speeds[0].from_hour != 0 {
            return Err(FieldError::new("travel.speeds", "must start at hour 0"));
        }
        if t.speeds.len() > 24 {
            return Err(FieldError::new("travel.speeds", "at most 24 bands"));
        }
        for (i, b) in t.speeds.iter().enumerate() {
            if b.from_hour > 23 || (i > 0 && b.from_hour <= t.speeds[i - 1].from_hour) {
                return Err(FieldError::new(
                    format!("travel.speeds[{i}].from_hour"),
                    "hours must increase, 0..23",
                ));
            }
            if !(b.kmh.is_finite() && (5.0..=120.0).contains(&b.kmh)) {
                return Err(FieldError::new(
                    format!("travel.speeds[{i}].kmh"),
                    "must be 5..120",
                ));
            }
        }
        match (&t.model, &t.osrm_url) {
            (TravelModelKind::Osrm, None) => {
                return Err(FieldError::new("travel.osrm_url", "is required for OSRM"))
            }
            (_, Some(u)) => {
                let u = u.trim();
                if !(u.starts_with("http://") || u.starts_with("https://")) || u.len() > 500 {
                    return Err(FieldError::new(
                        "travel.osrm_url",
                        "must be an http(s) address, at most 500 characters",
                    ));
                }
            }
            _ => {}
        }
        if self.risk_minutes > 240 {
            return Err(FieldError::new("risk_minutes", "must be at most 240"));
        }
        Ok(())
    }

    /// A courier's own exceptions, if any.
    pub fn courier(&self, courier_id: &str) -> Option<&CourierPlanning> {
        self.couriers.iter().find(|c| c.courier_id == courier_id)
    }

    /// The shift a courier works: the company's with the courier's start and end.
    pub fn shift_of(&self, c: &CourierPlanning) -> Shift {
        Shift {
            start: c.start.clone().unwrap_or_else(|| self.shift.start.clone()),
            end: c.end.clone().unwrap_or_else(|| self.shift.end.clone()),
            ..self.shift.clone()
        }
    }

    /// Whether a courier is left out of planning.
    pub fn is_off(&self, courier_id: &str) -> bool {
        self.courier(courier_id).is_some_and(|c| c.off)
    }
}

/// `POST /api/plans`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewPlan {
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub courier_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reassign: Option<bool>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PlanState {
    Running,
    Done,
    Failed,
    Accepted,
    Cancelled,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlanProgress {
    pub percent: u32,
    pub iterations: u64,
    pub elapsed_ms: u64,
}

/// A plan's figures, before or after.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlanTotals {
    pub km: f64,
    pub hours: f64,
    pub stops: u32,
    /// Stops whose window would be missed.
    pub late: u32,
    pub couriers: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlannedStop {
    pub order_id: String,
    pub number: i64,
    /// The order's version the plan read (accept compares it).
    pub version: i64,
    pub client_name: String,
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// "09:00-13:00"
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    /// 19 L bottles.
    pub qty: u32,
    /// "HH:MM"; none for a stop without a point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<String>,
    pub late_minutes: u32,
    /// The courier it was with before, when the plan moves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_courier_id: Option<String>,
    /// Its position on its courier's route before (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos_before: Option<u32>,
    /// Kept where it was (delivered, failed, without a point, or no
    /// courier could take it).
    pub fixed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BreakTime {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlannedRoute {
    pub courier_id: String,
    pub courier_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depot: Option<LatLon>,
    pub km: f64,
    pub hours: f64,
    pub km_before: f64,
    pub hours_before: f64,
    pub stops: Vec<PlannedStop>,
    /// When the van goes back to load again.
    #[serde(default)]
    pub reloads: Vec<String>,
    #[serde(rename = "break", default, skip_serializing_if = "Option::is_none")]
    pub brk: Option<BreakTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SkippedStop {
    pub order_id: String,
    pub number: i64,
    /// `changed` or `not_on_route`.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlanAccepted {
    pub applied: u32,
    pub skipped: Vec<SkippedStop>,
    pub at: String,
    pub by: String,
}

/// A plan job (`POST /api/plans`, `GET /api/plans/{id}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Plan {
    pub id: String,
    pub date: String,
    pub state: PlanState,
    pub progress: PlanProgress,
    pub courier_ids: Vec<String>,
    pub reassign: bool,
    pub time_limit_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<PlanTotals>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<PlanTotals>,
    #[serde(default)]
    pub routes: Vec<PlannedRoute>,
    #[serde(default)]
    pub unplaced: Vec<String>,
    #[serde(default)]
    pub unassigned: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub created_by: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<PlanAccepted>,
}

/// Why a window cannot be promised.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlotReason {
    /// Already over (today).
    Past,
    /// No courier can fit it in and keep every window and the shift.
    Full,
    /// No courier works that day.
    NoCourier,
    /// The address has no point on the map.
    NoPoint,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SlotWindow {
    pub from: String,
    pub to: String,
    pub feasible: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub courier_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub courier_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_km: Option<f64>,
    /// "HH:MM"
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<SlotReason>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SlotDay {
    pub date: String,
    pub windows: Vec<SlotWindow>,
    /// Index into `windows` of the one to offer first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best: Option<usize>,
}

/// `GET /api/slots`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Slots {
    pub days: Vec<SlotDay>,
}

/// One stop's expected arrival (`GET /api/etas`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Eta {
    pub order_id: String,
    pub courier_id: String,
    /// 1-based position on the route.
    pub pos: u32,
    /// "HH:MM"; none once delivered, or without a point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<String>,
    pub late_minutes: u32,
    pub at_risk: bool,
    pub state: crate::OrderState,
}

/// `POST /api/planning/calibrate`: fit the straight-line model to the
/// couriers' own trips of the last `days` (default 90).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalibrateRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Save the fitted road factor, parking time and speeds in the settings.
    #[serde(default)]
    pub save: bool,
}

/// What the fit found (and whether it was saved).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CalibrationReport {
    pub from: String,
    pub to: String,
    /// Trips between consecutive deliveries found.
    pub samples: u32,
    pub fitted: u32,
    pub held_out: u32,
    pub skipped: u32,
    pub outliers: u32,
    /// Median absolute percentage error on the fitted trips and on the
    /// held-out ones (trips the fit did not see).
    pub fit_error_pct: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_out_error_pct: Option<f64>,
    /// The same error of the settings' model before the fit, on the same
    /// held-out trips (or all, without any).
    pub before_error_pct: f64,
    pub road_factor: f64,
    pub parking_seconds: u32,
    pub speeds: Vec<SpeedBand>,
    /// Trips per band.
    pub per_band: Vec<u32>,
    pub saved: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        PlanningSettings::default().validate().expect("valid");
    }

    #[test]
    fn times_parse_strictly() {
        assert_eq!(minutes_of("08:30"), Some(510));
        assert_eq!(minutes_of("24:00"), Some(1440));
        assert_eq!(minutes_of("24:01"), None);
        assert_eq!(minutes_of("8:30"), None);
        assert_eq!(minutes_of("08:60"), None);
        assert_eq!(hhmm(510), "08:30");
    }

    #[test]
    fn bad_settings_name_their_field() {
        let field = |s: PlanningSettings| s.validate().unwrap_err().field;
        let mut s = PlanningSettings::default();
        s.shift.end = "07:00".into();
        assert_eq!(field(s), "shift.end");
        let mut s = PlanningSettings::default();
        s.shift.break_from = Some("06:00".into());
        assert_eq!(field(s), "shift.break_from");
        let mut s = PlanningSettings::default();
        s.capacity = 0;
        assert_eq!(field(s), "capacity");
        let mut s = PlanningSettings::default();
        s.depots.push(Depot {
            id: "a".into(),
            name: "Склад".into(),
            lat: 95.0,
            lon: 37.0,
        });
        assert_eq!(field(s), "depots[0].lat");
        let mut s = PlanningSettings::default();
        s.couriers.push(CourierPlanning {
            courier_id: "c1".into(),
            depot_id: Some("nowhere".into()),
            ..Default::default()
        });
        assert_eq!(field(s), "couriers[0].depot_id");
        let mut s = PlanningSettings::default();
        s.travel.speeds[2].from_hour = 1;
        assert_eq!(field(s), "travel.speeds[2].from_hour");
        let mut s = PlanningSettings::default();
        s.travel.model = TravelModelKind::Osrm;
        assert_eq!(field(s), "travel.osrm_url");
        let mut s = PlanningSettings::default();
        s.travel.osrm_url = Some("ftp://x".into());
        assert_eq!(field(s), "travel.osrm_url");
    }
}
