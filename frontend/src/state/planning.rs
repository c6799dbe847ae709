//! Route planning in the browser (issue 21), pure and tested on the host:
//! the planning settings as a form (typed numbers stay text until saved;
//! the shared rules check them as the server will), the order form's
//! delivery windows ranked and the slot chosen, the stops' expected
//! arrivals merged with the orders on screen, and a plan's preview figures
//! (totals before and after, moved stops, the map's routes).

use std::collections::HashMap;

use rodnik_shared::api::{
    CourierPlanning, Depot, Eta, Order, Plan, PlanState, PlannedRoute, PlannedStop,
    PlanningSettings, ServiceTimes, Shift, SlotReason, Slots, SpeedBand, TravelModelKind,
    TravelSettings,
};
use rodnik_shared::{FieldError, OrderState};

use crate::i18n::planning::texts;
use crate::i18n::Lang;

// ---------------------------------------------------------------------------
// The settings form
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DepotDraft {
    pub id: String,
    pub name: String,
    pub lat: String,
    pub lon: String,
}

/// One courier's exceptions; empty text is the company's value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CourierDraft {
    pub courier_id: String,
    pub name: String,
    /// `""`: the company's first depot (or none).
    pub depot_id: String,
    pub start: String,
    pub end: String,
    pub capacity: String,
    pub off: bool,
}

impl CourierDraft {
    /// Whether anything differs from the company's settings.
    fn overrides(&self) -> bool {
        self.off
            || !self.depot_id.is_empty()
            || !self.start.trim().is_empty()
            || !self.end.trim().is_empty()
            || !self.capacity.trim().is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpeedDraft {
    pub from_hour: String,
    pub kmh: String,
}

/// `PlanningSettings` as the form holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsDraft {
    pub depots: Vec<DepotDraft>,
    pub shift_start: String,
    pub shift_end: String,
    pub break_from: String,
    pub break_to: String,
    pub break_minutes: String,
    pub capacity: String,
    pub reload_minutes: String,
    pub stop_seconds: String,
    pub per_bottle_seconds: String,
    pub per_floor_seconds: String,
    /// Every courier the company has (overrides or not), in the list's order.
    pub couriers: Vec<CourierDraft>,
    pub model: TravelModelKind,
    pub road_factor: String,
    pub parking_seconds: String,
    pub speeds: Vec<SpeedDraft>,
    pub osrm_url: String,
    pub risk_minutes: String,
}

impl Default for SettingsDraft {
    fn default() -> Self {
        SettingsDraft::of(&PlanningSettings::default(), &[])
    }
}

/// A number as a person reads it: 1.3 → "1.3", 35.0 → "35".
fn num(v: f64) -> String {
    let s = format!("{v}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

impl SettingsDraft {
    /// The settings as saved, with a row for every courier in `couriers`
    /// (id, name); couriers with overrides who are no longer listed keep
    /// their row at the end.
    pub fn of(s: &PlanningSettings, couriers: &[(String, String)]) -> SettingsDraft {
        let row = |c: Option<&CourierPlanning>, id: &str, name: &str| {
            let c = c.cloned().unwrap_or_default();
            CourierDraft {
                courier_id: id.to_string(),
                name: name.to_string(),
                depot_id: c.depot_id.unwrap_or_default(),
                start: c.start.unwrap_or_default(),
                end: c.end.unwrap_or_default(),
                capacity: c.capacity.map(|v| v.to_string()).unwrap_or_default(),
                off: c.off,
            }
        };
        let mut rows: Vec<CourierDraft> = couriers
            .iter()
            .map(|(id, name)| row(s.courier(id), id, name))
            .collect();
        for c in &s.couriers {
            if !rows.iter().any(|r| r.courier_id == c.courier_id) {
                rows.push(row(Some(c), &c.courier_id, &c.courier_id));
            }
        }
        SettingsDraft {
            depots: s
                .depots
                .iter()
                .map(|d| DepotDraft {
                    id: d.id.clone(),
                    name: d.name.clone(),
                    lat: format!("{:.6}", d.lat),
                    lon: format!("{:.6}", d.lon),
                })
                .collect(),
            shift_start: s.shift.start.clone(),
            shift_end: s.shift.end.clone(),
            break_from: s.shift.break_from.clone().unwrap_or_default(),
            break_to: s.shift.break_to.clone().unwrap_or_default(),
            break_minutes: s.shift.break_minutes.to_string(),
            capacity: s.capacity.to_string(),
            reload_minutes: s.reload_minutes.to_string(),
            stop_seconds: s.service.stop_seconds.to_string(),
            per_bottle_seconds: s.service.per_bottle_seconds.to_string(),
            per_floor_seconds: s.service.per_floor_seconds.to_string(),
            couriers: rows,
            model: s.travel.model,
            road_factor: num(s.travel.road_factor),
            parking_seconds: s.travel.parking_seconds.to_string(),
            speeds: s
                .travel
                .speeds
                .iter()
                .map(|b| SpeedDraft {
                    from_hour: b.from_hour.to_string(),
                    kmh: num(b.kmh),
                })
                .collect(),
            osrm_url: s.travel.osrm_url.clone().unwrap_or_default(),
            risk_minutes: s.risk_minutes.to_string(),
        }
    }

    /// Adds a depot with a fresh id; returns its index.
    pub fn add_depot(&mut self, name: &str) -> usize {
        let mut n = self.depots.len() + 1;
        while self.depots.iter().any(|d| d.id == format!("d{n}")) {
            n += 1;
        }
        self.depots.push(DepotDraft {
            id: format!("d{n}"),
            name: name.to_string(),
            ..Default::default()
        });
        self.depots.len() - 1
    }

    /// Removes a depot; couriers sent there go back to the company's.
    pub fn remove_depot(&mut self, i: usize) {
        if i >= self.depots.len() {
            return;
        }
        let gone = self.depots.remove(i).id;
        for c in &mut self.couriers {
            if c.depot_id == gone {
                c.depot_id.clear();
            }
        }
    }

    /// Takes a fit's road factor, parking time and speeds (saved with the rest).
    pub fn take_fit(&mut self, r: &rodnik_shared::api::CalibrationReport) {
        self.road_factor = num((r.road_factor * 100.0).round() / 100.0);
        self.parking_seconds = r.parking_seconds.to_string();
        self.speeds = r
            .speeds
            .iter()
            .map(|b| SpeedDraft {
                from_hour: b.from_hour.to_string(),
                kmh: num((b.kmh * 10.0).round() / 10.0),
            })
            .collect();
        self.model = TravelModelKind::Straight;
    }

    /// The couriers sent as overrides, in the order sent (errors name them
    /// `couriers[i]`).
    pub fn sent_couriers(&self) -> Vec<&CourierDraft> {
        self.couriers.iter().filter(|c| c.overrides()).collect()
    }

    /// Where a courier's row is in the request (`couriers[i]`), if sent.
    pub fn courier_index(&self, courier_id: &str) -> Option<usize> {
        self.sent_couriers()
            .iter()
            .position(|c| c.courier_id == courier_id)
    }

    /// The settings to save, checked by the shared rules (the server's);
    /// the error names the field as the server would.
    pub fn to_settings(&self, lang: Lang) -> Result<PlanningSettings, FieldError> {
        let t = texts(lang);
        let int = |v: &str, field: &str| -> Result<u32, FieldError> {
            v.trim()
                .parse::<u32>()
                .map_err(|_| FieldError::new(field, t.not_int))
        };
        let real = |v: &str, field: &str| -> Result<f64, FieldError> {
            v.trim()
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| FieldError::new(field, t.not_number))
        };
        let time = |v: &str, field: &str| -> Result<String, FieldError> {
            let v = v.trim();
            rodnik_shared::api::minutes_of(v)
                .map(|_| v.to_string())
                .ok_or_else(|| FieldError::new(field, t.not_time))
        };
        let opt_time = |v: &str, field: &str| -> Result<Option<String>, FieldError> {
            if v.trim().is_empty() {
                Ok(None)
            } else {
                time(v, field).map(Some)
            }
        };
        let mut depots = vec![];
        for (i, d) in self.depots.iter().enumerate() {
            depots.push(Depot {
                id: d.id.clone(),
                name: d.name.trim().to_string(),
                lat: real(&d.lat, &format!("depots[{i}].lat"))?,
                lon: real(&d.lon, &format!("depots[{i}].lon"))?,
            });
        }
        let break_minutes = if self.break_minutes.trim().is_empty() {
            0
        } else {
            int(&self.break_minutes, "shift.break_minutes")?
        };
        let shift = Shift {
            start: time(&self.shift_start, "shift.start")?,
            end: time(&self.shift_end, "shift.end")?,
            break_from: opt_time(&self.break_from, "shift.break_from")?,
            break_to: opt_time(&self.break_to, "shift.break_to")?,
            break_minutes,
        };
        let mut couriers = vec![];
        for (i, c) in self.sent_couriers().into_iter().enumerate() {
            let capacity = if c.capacity.trim().is_empty() {
                None
            } else {
                Some(int(&c.capacity, &format!("couriers[{i}].capacity"))?)
            };
            couriers.push(CourierPlanning {
                courier_id: c.courier_id.clone(),
                depot_id: Some(c.depot_id.clone()).filter(|d| !d.is_empty()),
                start: opt_time(&c.start, &format!("couriers[{i}].start"))?,
                end: opt_time(&c.end, &format!("couriers[{i}].end"))?,
                capacity,
                off: c.off,
            });
        }
        let mut speeds = vec![];
        for (i, b) in self.speeds.iter().enumerate() {
            let hour = int(&b.from_hour, &format!("travel.speeds[{i}].from_hour"))?;
            speeds.push(SpeedBand {
                from_hour: u8::try_from(hour).unwrap_or(u8::MAX),
                kmh: real(&b.kmh, &format!("travel.speeds[{i}].kmh"))?,
            });
        }
        let s = PlanningSettings {
            depots,
            shift,
            capacity: int(&self.capacity, "capacity")?,
            reload_minutes: int(&self.reload_minutes, "reload_minutes")?,
            service: ServiceTimes {
                stop_seconds: int(&self.stop_seconds, "service.stop_seconds")?,
                per_bottle_seconds: int(&self.per_bottle_seconds, "service.per_bottle_seconds")?,
                per_floor_seconds: int(&self.per_floor_seconds, "service.per_floor_seconds")?,
            },
            couriers,
            travel: TravelSettings {
                model: self.model,
                road_factor: real(&self.road_factor, "travel.road_factor")?,
                parking_seconds: int(&self.parking_seconds, "travel.parking_seconds")?,
                speeds,
                osrm_url: Some(self.osrm_url.trim().to_string()).filter(|u| !u.is_empty()),
            },
            risk_minutes: int(&self.risk_minutes, "risk_minutes")?,
        };
        s.validate()
            .map_err(|e| FieldError::new(e.field.clone(), settings_message(lang, &e.message)))?;
        Ok(s)
    }
}

/// The shared rules' messages (English, as the server's) in the UI's language.
pub fn settings_message(lang: Lang, message: &str) -> String {
    if lang == Lang::En {
        return message.to_string();
    }
    let ru = match message {
        "must be a time HH:MM" => "Время ЧЧ:ММ.",
        "must be after the start" => "Конец должен быть позже начала.",
        "must not be before break_from" => "Не раньше начала перерыва.",
        "the break must fit in the shift" => "Перерыв должен уместиться в смену.",
        "must be at most 180" => "Не больше 180.",
        "give both break_from and break_to, or neither" => {
            "Укажите и начало, и конец промежутка перерыва (или ничего)."
        }
        "is required" => "Обязательное поле.",
        "must be -90..90" => "Широта: от -90 до 90.",
        "must be -180..180" => "Долгота: от -180 до 180.",
        "is used twice" => "Повторяется.",
        "must be 1..1000 bottles" => "От 1 до 1000 бутылей.",
        "must be at most 240" => "Не больше 240.",
        "is listed twice" => "Указан дважды.",
        "names no depot" => "Такого склада нет.",
        "must be 1.0..3.0" => "От 1,0 до 3,0.",
        "must be at most 1800" => "Не больше 1800.",
        "must start at hour 0" => "Первая строка — с 0 часов.",
        "at most 24 bands" => "Не больше 24 строк.",
        "hours must increase, 0..23" => "Часы по возрастанию, от 0 до 23.",
        "must be 5..120" => "От 5 до 120 км/ч.",
        "is required for OSRM" => "Нужен для OSRM.",
        "must be an http(s) address, at most 500 characters" => {
            "Адрес http(s)://…, не длиннее 500 символов."
        }
        m if m.starts_with("stop_seconds at most") => {
            "На точке — не больше 7200 с, на бутыль и этаж — не больше 600 с."
        }
        other => return other.to_string(),
    };
    ru.to_string()
}

// ---------------------------------------------------------------------------
// The order form's delivery windows
// ---------------------------------------------------------------------------

/// What `GET /api/slots` is asked for the order on the form; a change of
/// any part asks again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SlotKey {
    pub client_id: String,
    pub address_id: String,
    /// 19 L bottles (1..500).
    pub qty: u32,
    pub days: u32,
    /// `None`: from today.
    pub from: Option<String>,
    /// The order being changed (left out of its courier's route).
    pub order_id: Option<String>,
    /// The form's date when asked: a new date asks again.
    pub date: String,
}

/// Days the order form offers windows for.
pub const SLOT_DAYS: u32 = 3;

impl SlotKey {
    /// What to ask for an order of `bottles` 19 L bottles (at least 1 when
    /// the order has any lines) to `address_id` on `date`; `None` while the
    /// client, address or lines are missing. The days start today unless
    /// the date is beyond them, then at the date.
    pub fn for_order(
        client_id: &str,
        address_id: &str,
        bottles: i64,
        has_lines: bool,
        date: &str,
        today: chrono::NaiveDate,
        order_id: Option<&str>,
    ) -> Option<SlotKey> {
        if client_id.is_empty() || address_id.is_empty() || !has_lines {
            return None;
        }
        let qty = bottles.clamp(1, 500) as u32;
        let from = crate::clock::parse_date(date)
            .filter(|d| *d >= today + chrono::Duration::days(i64::from(SLOT_DAYS)))
            .map(|d| d.to_string());
        Some(SlotKey {
            client_id: client_id.to_string(),
            address_id: address_id.to_string(),
            qty,
            days: SLOT_DAYS,
            from,
            order_id: order_id.map(str::to_string),
            date: date.to_string(),
        })
    }
}

/// One window of one day, as the form lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotChoice {
    pub date: String,
    /// `"09:00-13:00"`: the form's window value.
    pub window: String,
    pub feasible: bool,
    pub courier_id: Option<String>,
    pub courier_name: Option<String>,
    pub added_minutes: Option<u32>,
    pub added_km: Option<f64>,
    pub eta: Option<String>,
    pub reason: Option<SlotReason>,
    /// The server's best of all the days.
    pub best: bool,
}

impl SlotChoice {
    /// What the form takes from it: date, window and courier.
    pub fn chosen(&self) -> ChosenSlot {
        ChosenSlot {
            date: self.date.clone(),
            window: self.window.clone(),
            courier_id: self.courier_id.clone().unwrap_or_default(),
        }
    }
}

/// A slot the form took (chosen or preselected): saving it asks the server
/// to check it again (`slot_check`).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ChosenSlot {
    pub date: String,
    pub window: String,
    pub courier_id: String,
}

/// The windows of every day, ranked: the server's best first, then the
/// other feasible ones by the time they add to a route (then date and
/// window), then the ones that cannot be promised by date and window.
pub fn ranked(slots: &Slots) -> Vec<SlotChoice> {
    let mut all: Vec<SlotChoice> = vec![];
    for day in &slots.days {
        for (i, w) in day.windows.iter().enumerate() {
            all.push(SlotChoice {
                date: day.date.clone(),
                window: format!("{}-{}", w.from, w.to),
                feasible: w.feasible,
                courier_id: w.courier_id.clone(),
                courier_name: w.courier_name.clone(),
                added_minutes: w.added_minutes,
                added_km: w.added_km,
                eta: w.eta.clone(),
                reason: w.reason,
                best: false,
            });
            let _ = i;
        }
    }
    // The best: the server's pick on the earliest day that has one.
    let best = slots.days.iter().find_map(|d| {
        let w = d.windows.get(d.best?)?;
        w.feasible
            .then(|| (d.date.clone(), format!("{}-{}", w.from, w.to)))
    });
    if let Some((date, window)) = &best {
        if let Some(c) = all
            .iter_mut()
            .find(|c| &c.date == date && &c.window == window)
        {
            c.best = true;
        }
    }
    all.sort_by(|a, b| {
        let rank = |c: &SlotChoice| match (c.best, c.feasible) {
            (true, _) => 0,
            (false, true) => 1,
            (false, false) => 2,
        };
        rank(a)
            .cmp(&rank(b))
            .then_with(|| {
                if a.feasible && b.feasible {
                    a.added_minutes
                        .unwrap_or(u32::MAX)
                        .cmp(&b.added_minutes.unwrap_or(u32::MAX))
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .then_with(|| a.date.cmp(&b.date))
            .then_with(|| a.window.cmp(&b.window))
    });
    all
}

/// The order form's windows: asked, answered, or refused.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum SlotsView {
    #[default]
    None,
    /// Asked; the last answer (for another key) stays on screen meanwhile.
    Loading(SlotKey, Option<Box<Slots>>),
    Ready(SlotKey, Slots),
    Failed(SlotKey, String),
}

impl SlotsView {
    pub fn key(&self) -> Option<&SlotKey> {
        match self {
            SlotsView::None => None,
            SlotsView::Loading(k, _) | SlotsView::Ready(k, _) | SlotsView::Failed(k, _) => Some(k),
        }
    }
}

/// The server's best slot, if any.
pub fn best(slots: &Slots) -> Option<SlotChoice> {
    ranked(slots).into_iter().find(|c| c.best)
}

// ---------------------------------------------------------------------------
// Expected arrivals
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EtaFlag {
    OnTime,
    /// Expected within `risk_minutes` of the window's end: not late yet.
    AtRisk,
    /// Expected after the window's end.
    Late,
}

impl EtaFlag {
    pub fn code(self) -> &'static str {
        match self {
            EtaFlag::OnTime => "on_time",
            EtaFlag::AtRisk => "at_risk",
            EtaFlag::Late => "late",
        }
    }
}

/// What a stop's card shows of its expected arrival.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EtaMark {
    /// "HH:MM"; none for a stop without a point.
    pub eta: Option<String>,
    pub flag: EtaFlag,
    pub late_minutes: u32,
}

pub fn flag_of(e: &Eta) -> EtaFlag {
    if e.late_minutes > 0 {
        EtaFlag::Late
    } else if e.at_risk {
        EtaFlag::AtRisk
    } else {
        EtaFlag::OnTime
    }
}

/// The marks of the stops on screen: an answer counts for a stop still
/// out for delivery with the courier it was computed for (a stop moved or
/// closed since has none until the next answer).
pub fn merge_etas(orders: &[Order], etas: &[Eta]) -> HashMap<String, EtaMark> {
    let by_id: HashMap<&str, &Order> = orders.iter().map(|o| (o.id.as_str(), o)).collect();
    etas.iter()
        .filter_map(|e| {
            let o = by_id.get(e.order_id.as_str())?;
            let same = o.state == OrderState::Delivery
                && e.state == OrderState::Delivery
                && o.courier_id.as_deref() == Some(e.courier_id.as_str());
            same.then(|| {
                (
                    e.order_id.clone(),
                    EtaMark {
                        eta: e.eta.clone(),
                        flag: flag_of(e),
                        late_minutes: e.late_minutes,
                    },
                )
            })
        })
        .collect()
}

/// The stops expected late or at risk (for the wallboard), most late first,
/// then by expected arrival.
pub fn at_risk<'a>(orders: &'a [Order], etas: &[Eta]) -> Vec<(&'a Order, EtaMark)> {
    let marks = merge_etas(orders, etas);
    let mut v: Vec<(&Order, EtaMark)> = orders
        .iter()
        .filter_map(|o| {
            let m = marks.get(&o.id)?;
            (m.flag != EtaFlag::OnTime).then(|| (o, m.clone()))
        })
        .collect();
    v.sort_by(|a, b| {
        b.1.late_minutes
            .cmp(&a.1.late_minutes)
            .then_with(|| a.1.eta.cmp(&b.1.eta))
            .then_with(|| a.0.number.cmp(&b.0.number))
    });
    v
}

// ---------------------------------------------------------------------------
// A plan's preview
// ---------------------------------------------------------------------------

/// Before and after of one figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    pub before: f64,
    pub after: f64,
}

impl Change {
    pub fn delta(&self) -> f64 {
        self.after - self.before
    }

    /// The change in percent of the before (0 when there was nothing).
    pub fn percent(&self) -> f64 {
        if self.before.abs() < 1e-9 {
            0.0
        } else {
            self.delta() / self.before * 100.0
        }
    }
}

/// The preview's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanFigures {
    pub km: Change,
    pub hours: Change,
    pub late: Change,
    pub couriers: Change,
    pub stops: u32,
    /// Stops given to another courier.
    pub moved: usize,
    /// Stops kept by their courier at another position.
    pub reordered: usize,
}

/// What the plan does to one stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopMove {
    /// Where it was (or a stop the planner keeps: delivered, no point...).
    Same,
    /// The same courier, another position (1-based before).
    Reordered { was: u32 },
    /// From another courier, at that courier's position `was`.
    Moved { from: String, was: Option<u32> },
}

impl StopMove {
    pub fn code(&self) -> &'static str {
        match self {
            StopMove::Same => "same",
            StopMove::Reordered { .. } => "reordered",
            StopMove::Moved { .. } => "moved",
        }
    }
}

pub fn stop_move(route: &PlannedRoute, pos: usize, s: &PlannedStop) -> StopMove {
    match &s.from_courier_id {
        Some(c) if *c != route.courier_id => StopMove::Moved {
            from: c.clone(),
            was: s.pos_before,
        },
        _ => match s.pos_before {
            Some(was) if was as usize != pos => StopMove::Reordered { was },
            _ => StopMove::Same,
        },
    }
}

pub fn figures(plan: &Plan) -> Option<PlanFigures> {
    let (b, a) = (plan.before.as_ref()?, plan.after.as_ref()?);
    let mut moved = 0;
    let mut reordered = 0;
    for r in &plan.routes {
        for (i, s) in r.stops.iter().enumerate() {
            match stop_move(r, i + 1, s) {
                StopMove::Moved { .. } => moved += 1,
                StopMove::Reordered { .. } => reordered += 1,
                StopMove::Same => {}
            }
        }
    }
    Some(PlanFigures {
        km: Change {
            before: b.km,
            after: a.km,
        },
        hours: Change {
            before: b.hours,
            after: a.hours,
        },
        late: Change {
            before: f64::from(b.late),
            after: f64::from(a.late),
        },
        couriers: Change {
            before: f64::from(b.couriers),
            after: f64::from(a.couriers),
        },
        stops: a.stops.max(b.stops),
        moved,
        reordered,
    })
}

/// Whether the board should keep asking about a plan.
pub fn running(plan: &Plan) -> bool {
    plan.state == PlanState::Running
}

pub fn state_code(s: PlanState) -> &'static str {
    match s {
        PlanState::Running => "running",
        PlanState::Done => "done",
        PlanState::Failed => "failed",
        PlanState::Accepted => "accepted",
        PlanState::Cancelled => "cancelled",
    }
}

/// Distinct colours for the routes on the map (and their legends).
pub const ROUTE_COLOURS: [&str; 10] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#7f7f7f", "#bcbd22",
];

pub fn route_colour(i: usize) -> &'static str {
    ROUTE_COLOURS[i % ROUTE_COLOURS.len()]
}

/// A route's points on the map in driving order: the depot (out and back)
/// around the stops that have a point.
pub fn route_points(r: &PlannedRoute) -> Vec<(f64, f64)> {
    let mut v = vec![];
    if let Some(d) = &r.depot {
        v.push((d.lat, d.lon));
    }
    v.extend(r.stops.iter().filter_map(|s| s.lat.zip(s.lon)));
    if let Some(d) = &r.depot {
        if v.len() > 1 {
            v.push((d.lat, d.lon));
        }
    }
    v
}

/// The centre and zoom that show every point within `width` × `height`
/// pixels with a margin; Moscow at zoom 10 without points.
pub fn fit_view(
    points: &[(f64, f64)],
    width: f64,
    height: f64,
) -> crate::components::map_picker::View {
    use crate::components::map_picker::{to_lat_lon, to_pixel, View, DEFAULT_CENTRE, MAX_ZOOM};
    if points.is_empty() {
        return View {
            lat: DEFAULT_CENTRE.0,
            lon: DEFAULT_CENTRE.1,
            zoom: 10,
        };
    }
    let margin = 24.0;
    let mut zoom = MAX_ZOOM.min(16);
    loop {
        let px: Vec<(f64, f64)> = points
            .iter()
            .map(|&(lat, lon)| to_pixel(lat, lon, zoom))
            .collect();
        let (x0, x1) = px
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        let (y0, y1) = px
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        if (x1 - x0 <= width - 2.0 * margin && y1 - y0 <= height - 2.0 * margin) || zoom <= 3 {
            let (lat, lon) = to_lat_lon((x0 + x1) / 2.0, (y0 + y1) / 2.0, zoom);
            return View { lat, lon, zoom };
        }
        zoom -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodnik_shared::api::{LatLon, PlanProgress, PlanTotals, SlotDay, SlotWindow};

    fn window(from: &str, to: &str, feasible: bool, minutes: Option<u32>) -> SlotWindow {
        SlotWindow {
            from: from.into(),
            to: to.into(),
            feasible,
            courier_id: feasible.then(|| "c1".to_string()),
            courier_name: feasible.then(|| "Коля".to_string()),
            added_minutes: minutes,
            added_km: minutes.map(|m| f64::from(m) / 2.0),
            eta: feasible.then(|| "10:00".to_string()),
            reason: (!feasible).then_some(SlotReason::Full),
        }
    }

    fn slots() -> Slots {
        Slots {
            days: vec![
                SlotDay {
                    date: "2026-12-06".into(),
                    windows: vec![
                        SlotWindow {
                            reason: Some(SlotReason::Past),
                            ..window("09:00", "13:00", false, None)
                        },
                        window("13:00", "18:00", false, None),
                        window("18:00", "21:00", false, None),
                    ],
                    best: None,
                },
                SlotDay {
                    date: "2026-12-07".into(),
                    windows: vec![
                        window("09:00", "13:00", true, Some(14)),
                        window("13:00", "18:00", true, Some(6)),
                        window("18:00", "21:00", false, None),
                    ],
                    best: Some(1),
                },
                SlotDay {
                    date: "2026-12-08".into(),
                    windows: vec![
                        window("09:00", "13:00", true, Some(3)),
                        window("13:00", "18:00", true, Some(20)),
                        window("18:00", "21:00", true, Some(6)),
                    ],
                    best: Some(0),
                },
            ],
        }
    }

    #[test]
    fn slots_rank_the_best_first_then_feasible_by_added_minutes_then_the_rest() {
        let r = ranked(&slots());
        let order: Vec<(String, String, bool)> = r
            .iter()
            .map(|c| (c.date.clone(), c.window.clone(), c.best))
            .collect();
        assert_eq!(
            order,
            vec![
                // The server's best on the earliest day with one (not the
                // least added minutes of all days: 3 on the 8th).
                ("2026-12-07".into(), "13:00-18:00".into(), true),
                ("2026-12-08".into(), "09:00-13:00".into(), false),
                ("2026-12-08".into(), "18:00-21:00".into(), false),
                ("2026-12-07".into(), "09:00-13:00".into(), false),
                ("2026-12-08".into(), "13:00-18:00".into(), false),
                ("2026-12-06".into(), "09:00-13:00".into(), false),
                ("2026-12-06".into(), "13:00-18:00".into(), false),
                ("2026-12-06".into(), "18:00-21:00".into(), false),
                ("2026-12-07".into(), "18:00-21:00".into(), false),
            ]
        );
        assert!(r[..5].iter().all(|c| c.feasible));
        assert!(r[5..].iter().all(|c| !c.feasible && c.reason.is_some()));
        assert_eq!(r[5].reason, Some(SlotReason::Past));
        let b = best(&slots()).expect("a best");
        assert_eq!(
            b.chosen(),
            ChosenSlot {
                date: "2026-12-07".into(),
                window: "13:00-18:00".into(),
                courier_id: "c1".into()
            }
        );
        // Nothing feasible: no best, the windows by date.
        let none = Slots {
            days: vec![SlotDay {
                date: "2026-12-07".into(),
                windows: vec![
                    window("13:00", "18:00", false, None),
                    window("09:00", "13:00", false, None),
                ],
                best: None,
            }],
        };
        assert!(best(&none).is_none());
        assert_eq!(ranked(&none)[0].window, "09:00-13:00");
    }

    #[test]
    fn slots_are_asked_for_a_known_client_address_and_lines() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
        assert_eq!(
            SlotKey::for_order("c", "a", 0, false, "2026-12-07", today, None),
            None,
            "no lines yet"
        );
        assert_eq!(
            SlotKey::for_order("c", "", 2, true, "2026-12-07", today, None),
            None
        );
        let k = SlotKey::for_order("c", "a", 0, true, "2026-12-07", today, None).expect("asked");
        assert_eq!(
            (k.qty, k.from.clone(), k.days),
            (1, None, 3),
            "a pump alone asks for 1"
        );
        let k = SlotKey::for_order("c", "a", 900, true, "2026-12-20", today, Some("o1"))
            .expect("asked");
        assert_eq!(k.qty, 500);
        assert_eq!(
            k.from.as_deref(),
            Some("2026-12-20"),
            "beyond the days: from the date"
        );
        assert_eq!(k.order_id.as_deref(), Some("o1"));
        let k2 = SlotKey::for_order("c", "a", 900, true, "2026-12-08", today, Some("o1"))
            .expect("asked");
        assert_ne!(k, k2, "another date asks again");
        assert_eq!(k2.from, None);
    }

    fn order(id: &str, courier: &str, state: OrderState, number: i64) -> Order {
        let mut o: Order = serde_json::from_value(serde_json::json!({
            "id": id, "number": number, "state": "new", "version": 1,
            "client_id": "c1", "client_name": "Ivanov", "client_kind": "individual",
            "address": {"id": "a1", "text": "Lenina 1"},
            "lines": [], "total": 0, "delivery_date": "2026-12-07", "window": null,
            "courier_id": null, "courier_name": null,
            "created_by": "u1", "created_at": "2026-12-06T09:00:00Z",
            "updated_at": "2026-12-06T09:00:00Z", "attempts": [], "note": null, "call_id": null,
            "route_pos": 0, "cash_collected": null, "empties_returned": null,
            "delivered_at": null, "cancel_reason": null
        }))
        .expect("test order");
        o.state = state;
        o.courier_id = Some(courier.to_string());
        o
    }

    fn eta(id: &str, courier: &str, at: &str, late: u32, risk: bool) -> Eta {
        Eta {
            order_id: id.into(),
            courier_id: courier.into(),
            pos: 1,
            eta: Some(at.into()),
            late_minutes: late,
            at_risk: risk,
            state: OrderState::Delivery,
        }
    }

    #[test]
    fn etas_count_only_for_stops_still_with_the_courier_they_were_computed_for() {
        let orders = vec![
            order("o1", "c1", OrderState::Delivery, 1),
            order("o2", "c1", OrderState::Delivery, 2),
            // Given to c2 on the board since the answer.
            order("o3", "c2", OrderState::Delivery, 3),
            // Delivered since the answer.
            order("o4", "c1", OrderState::Delivered, 4),
            order("o5", "c2", OrderState::Delivery, 5),
        ];
        let etas = vec![
            eta("o1", "c1", "10:05", 0, false),
            eta("o2", "c1", "12:50", 0, true),
            eta("o3", "c1", "13:30", 0, false),
            eta("o4", "c1", "14:00", 0, false),
            eta("o5", "c2", "18:40", 25, true),
            eta("gone", "c1", "15:00", 0, false),
        ];
        let m = merge_etas(&orders, &etas);
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!(m["o1"].flag, EtaFlag::OnTime);
        assert_eq!(m["o1"].eta.as_deref(), Some("10:05"));
        assert_eq!(m["o2"].flag, EtaFlag::AtRisk);
        assert_eq!(m["o5"].flag, EtaFlag::Late, "late wins over at risk");
        assert_eq!(m["o5"].late_minutes, 25);
        assert!(!m.contains_key("o3") && !m.contains_key("o4"));
        let risky: Vec<i64> = at_risk(&orders, &etas)
            .iter()
            .map(|(o, _)| o.number)
            .collect();
        assert_eq!(risky, vec![5, 2], "the late one first");
        // A stop without a point has no time, and is not flagged.
        let mut none = eta("o1", "c1", "", 0, false);
        none.eta = None;
        assert_eq!(merge_etas(&orders, &[none])["o1"].eta, None);
    }

    fn stop(id: &str, from: Option<&str>, was: Option<u32>, at: (f64, f64)) -> PlannedStop {
        PlannedStop {
            order_id: id.into(),
            number: 1,
            version: 1,
            client_name: "C".into(),
            address: "A".into(),
            lat: Some(at.0),
            lon: Some(at.1),
            window: None,
            qty: 2,
            eta: Some("10:00".into()),
            late_minutes: 0,
            from_courier_id: from.map(str::to_string),
            pos_before: was,
            fixed: false,
        }
    }

    fn plan() -> Plan {
        Plan {
            id: "p1".into(),
            date: "2026-12-07".into(),
            state: PlanState::Done,
            progress: PlanProgress {
                percent: 100,
                iterations: 5000,
                elapsed_ms: 10_000,
            },
            courier_ids: vec!["c1".into(), "c2".into()],
            reassign: true,
            time_limit_ms: 10_000,
            before: Some(PlanTotals {
                km: 80.0,
                hours: 16.0,
                stops: 5,
                late: 2,
                couriers: 2,
            }),
            after: Some(PlanTotals {
                km: 60.0,
                hours: 13.5,
                stops: 5,
                late: 0,
                couriers: 2,
            }),
            routes: vec![
                PlannedRoute {
                    courier_id: "c1".into(),
                    courier_name: "Коля".into(),
                    depot: Some(LatLon {
                        lat: 55.70,
                        lon: 37.60,
                    }),
                    km: 30.0,
                    hours: 7.0,
                    km_before: 50.0,
                    hours_before: 9.0,
                    stops: vec![
                        stop("a", None, Some(2), (55.71, 37.61)),
                        stop("b", None, Some(1), (55.72, 37.62)),
                        stop("c", Some("c2"), Some(3), (55.73, 37.63)),
                    ],
                    reloads: vec![],
                    brk: None,
                },
                PlannedRoute {
                    courier_id: "c2".into(),
                    courier_name: "Петя".into(),
                    depot: None,
                    km: 30.0,
                    hours: 6.5,
                    km_before: 30.0,
                    hours_before: 7.0,
                    stops: vec![
                        stop("d", None, Some(1), (55.80, 37.50)),
                        // The same courier named: not a move.
                        stop("e", Some("c2"), Some(2), (55.81, 37.51)),
                    ],
                    reloads: vec!["13:00".into()],
                    brk: None,
                },
            ],
            unplaced: vec![],
            unassigned: vec![],
            error: None,
            created_by: "op".into(),
            created_at: "2026-12-06T10:00:00Z".into(),
            finished_at: None,
            accepted: None,
        }
    }

    #[test]
    fn a_plans_preview_counts_its_savings_and_its_moved_stops() {
        let p = plan();
        let f = figures(&p).expect("done");
        assert_eq!(f.km.delta(), -20.0);
        assert_eq!(f.km.percent(), -25.0);
        assert_eq!(f.hours.delta(), -2.5);
        assert_eq!((f.late.before, f.late.after), (2.0, 0.0));
        assert_eq!(f.couriers.delta(), 0.0);
        assert_eq!(f.stops, 5);
        assert_eq!((f.moved, f.reordered), (1, 2));
        let r = &p.routes[0];
        assert_eq!(stop_move(r, 1, &r.stops[0]), StopMove::Reordered { was: 2 });
        assert_eq!(
            stop_move(r, 3, &r.stops[2]),
            StopMove::Moved {
                from: "c2".into(),
                was: Some(3)
            }
        );
        assert_eq!(
            stop_move(&p.routes[1], 2, &p.routes[1].stops[1]),
            StopMove::Same
        );
        // Running: no figures yet.
        let mut running_plan = plan();
        running_plan.state = PlanState::Running;
        running_plan.after = None;
        assert!(figures(&running_plan).is_none());
        assert!(running(&running_plan));
        // The map: out of the depot, the stops, back.
        let pts = route_points(r);
        assert_eq!(pts.len(), 5);
        assert_eq!(pts.first(), pts.last());
        assert_eq!(
            route_points(&p.routes[1]).len(),
            2,
            "no depot: the stops only"
        );
        assert_ne!(route_colour(0), route_colour(1));
    }

    #[test]
    fn the_map_fits_every_route() {
        use crate::components::map_picker::View;
        let p = plan();
        let pts: Vec<(f64, f64)> = p.routes.iter().flat_map(route_points).collect();
        let v: View = fit_view(&pts, 640.0, 420.0);
        for &(lat, lon) in &pts {
            let (x, y) = v.pixel_of_in(lat, lon, 640.0, 420.0);
            assert!(
                (0.0..=640.0).contains(&x) && (0.0..=420.0).contains(&y),
                "{x},{y} at {v:?}"
            );
        }
        // One zoom closer would not fit.
        let closer = View {
            zoom: v.zoom + 1,
            ..v
        };
        let out = pts.iter().any(|&(lat, lon)| {
            let (x, y) = closer.pixel_of_in(lat, lon, 640.0, 420.0);
            !(24.0..=616.0).contains(&x) || !(24.0..=396.0).contains(&y)
        });
        assert!(out, "the closest zoom that fits: {v:?}");
        assert_eq!(fit_view(&[], 640.0, 420.0).zoom, 10);
    }

    fn couriers() -> Vec<(String, String)> {
        vec![
            ("c1".into(), "Коля".into()),
            ("c2".into(), "Петя".into()),
            ("c3".into(), "Вася".into()),
        ]
    }

    #[test]
    fn the_settings_form_round_trips_and_sends_only_couriers_with_overrides() {
        let mut s = PlanningSettings::default();
        s.depots.push(Depot {
            id: "d1".into(),
            name: "Склад на Складочной".into(),
            lat: 55.8,
            lon: 37.6,
        });
        s.couriers.push(CourierPlanning {
            courier_id: "c2".into(),
            depot_id: Some("d1".into()),
            capacity: Some(80),
            ..Default::default()
        });
        let d = SettingsDraft::of(&s, &couriers());
        assert_eq!(d.couriers.len(), 3);
        assert_eq!(d.road_factor, "1.3");
        assert_eq!(d.speeds[0].kmh, "35");
        assert_eq!(d.to_settings(Lang::Ru).expect("valid"), s);
        assert_eq!(d.courier_index("c2"), Some(0));
        assert_eq!(d.courier_index("c1"), None);

        // Vasya is off; typed numbers with a decimal comma.
        let mut d2 = d.clone();
        d2.couriers[2].off = true;
        d2.road_factor = "1,4".into();
        d2.depots[0].lat = "55,75".into();
        let got = d2.to_settings(Lang::Ru).expect("valid");
        assert_eq!(got.couriers.len(), 2);
        assert_eq!(got.couriers[1].courier_id, "c3");
        assert!(got.couriers[1].off);
        assert_eq!(got.travel.road_factor, 1.4);
        assert_eq!(got.depots[0].lat, 55.75);
        assert_eq!(d2.courier_index("c3"), Some(1));

        // A depot removed: the courier sent there goes back to the company's.
        let mut d3 = d.clone();
        d3.remove_depot(0);
        assert_eq!(d3.couriers[1].depot_id, "");
        let i = d3.add_depot("Второй");
        assert_eq!(d3.depots[i].id, "d1");
        d3.add_depot("Третий");
        assert_eq!(d3.depots[1].id, "d2");
    }

    #[test]
    fn a_fit_of_the_couriers_trips_fills_the_travel_model() {
        let mut d = SettingsDraft::of(&PlanningSettings::default(), &couriers());
        d.model = TravelModelKind::Osrm;
        d.osrm_url = "http://osrm:5000".into();
        d.take_fit(&rodnik_shared::api::CalibrationReport {
            from: "2026-09-07".into(),
            to: "2026-12-05".into(),
            samples: 400,
            fitted: 320,
            held_out: 80,
            skipped: 3,
            outliers: 9,
            fit_error_pct: 12.0,
            held_out_error_pct: Some(14.0),
            before_error_pct: 31.0,
            road_factor: 1.4237,
            parking_seconds: 75,
            speeds: vec![
                SpeedBand {
                    from_hour: 0,
                    kmh: 33.33,
                },
                SpeedBand {
                    from_hour: 8,
                    kmh: 17.96,
                },
            ],
            per_band: vec![100, 300],
            saved: false,
        });
        let s = d.to_settings(Lang::Ru).expect("valid");
        assert_eq!(s.travel.model, TravelModelKind::Straight);
        assert_eq!(s.travel.road_factor, 1.42);
        assert_eq!(s.travel.parking_seconds, 75);
        assert_eq!(s.travel.speeds[1].kmh, 18.0);
        assert_eq!(s.travel.speeds.len(), 2);
        assert_eq!(
            crate::i18n::planning::calibration(Lang::Ru, &rodnik_shared::api::CalibrationReport {
                samples: 401,
                ..serde_json::from_value(serde_json::json!({
                    "from": "a", "to": "b", "samples": 0, "fitted": 320, "held_out": 80,
                    "skipped": 0, "outliers": 9, "fit_error_pct": 12.0, "held_out_error_pct": 14.2,
                    "before_error_pct": 31.0, "road_factor": 1.42, "parking_seconds": 75,
                    "speeds": [], "per_band": [], "saved": false
                }))
                .expect("a report")
            }),
            "401 поездка (320 для подбора, 80 для проверки, 9 выбросов): ошибка 31% → 14%; коэффициент дороги 1,4, парковка 75 с"
        );
    }

    #[test]
    fn the_settings_form_names_the_field_it_refuses_in_russian() {
        let base = SettingsDraft::of(&PlanningSettings::default(), &couriers());
        let refused = |f: &dyn Fn(&mut SettingsDraft)| {
            let mut d = base.clone();
            f(&mut d);
            d.to_settings(Lang::Ru).expect_err("refused")
        };
        let e = refused(&|d| d.capacity = "много".into());
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("capacity", "Целое число.")
        );
        let e = refused(&|d| d.capacity = "0".into());
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("capacity", "От 1 до 1000 бутылей.")
        );
        let e = refused(&|d| d.shift_end = "07:00".into());
        assert_eq!(e.field, "shift.end");
        assert_eq!(e.message, "Конец должен быть позже начала.");
        let e = refused(&|d| d.shift_start = "8:00".into());
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("shift.start", "Время ЧЧ:ММ.")
        );
        let e = refused(&|d| {
            d.add_depot("Склад");
            d.depots[0].lat = "95".into();
            d.depots[0].lon = "37".into();
        });
        assert_eq!(e.field, "depots[0].lat");
        let e = refused(&|d| {
            d.add_depot("Склад");
            d.depots[0].lat = "".into();
        });
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("depots[0].lat", "Число.")
        );
        let e = refused(&|d| d.couriers[1].capacity = "0".into());
        assert_eq!(e.field, "couriers[0].capacity", "Petya is the first sent");
        let e = refused(&|d| d.speeds[1].kmh = "300".into());
        assert_eq!(e.field, "travel.speeds[1].kmh");
        let e = refused(&|d| d.model = TravelModelKind::Osrm);
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("travel.osrm_url", "Нужен для OSRM.")
        );
        let e = refused(&|d| d.osrm_url = "ftp://osrm".into());
        assert_eq!(e.field, "travel.osrm_url");
        // English keeps the shared rules' words.
        let mut d = base.clone();
        d.capacity = "0".into();
        assert_eq!(
            d.to_settings(Lang::En).expect_err("refused").message,
            "must be 1..1000 bottles"
        );
        // No break at all is fine.
        let mut d = base.clone();
        d.break_from.clear();
        d.break_to.clear();
        d.break_minutes = "0".into();
        assert_eq!(
            d.to_settings(Lang::Ru).expect("valid").shift.break_minutes,
            0
        );
    }
}
