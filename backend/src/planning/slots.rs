//! Promised slots and expected arrivals (issue 21, items 6 and 7), both on
//! the committed routes as they stand: a slot is an insertion check into each
//! courier's route (`rodnik_planner::best_insertion`, nothing else moves), an
//! ETA is the route timed in its order (`rodnik_planner::schedule`). Only
//! the legs the route order uses are computed (`model::sparse_matrix`), by
//! the straight-line model, so a request over 20 couriers × 150 stops costs
//! a few thousand legs, not millions.

use chrono::{Duration, NaiveDate, Timelike};
use rodnik_planner::travel::Point;
use rodnik_planner::{Visit, Window};
use rodnik_shared::api::{
    Eta, Order, PlanningSettings, SlotDay, SlotReason, SlotWindow, Slots, User,
};
use rodnik_shared::{OrderState, TimeWindow};

use super::model::{self, Job, Places, Van};
use crate::app::AppState;
use crate::error::{Error, Result};

/// A courier's route of a day, ready for checks: the vehicle, the places and
/// the waiting stops with a point, in route order.
struct RouteCheck {
    van: Van,
    places: Places,
    vehicle: rodnik_planner::Vehicle,
    /// (order, its job, its location)
    stops: Vec<(Order, Job, usize)>,
}

impl RouteCheck {
    fn new(van: Van, route: Vec<Order>, settings: &PlanningSettings) -> Self {
        let mut places = Places::default();
        let vehicle = model::vehicle(&van, &mut places);
        let stops = route
            .into_iter()
            .filter_map(|o| {
                let job = Job::of(settings, &o);
                let p = job.point?;
                let at = places.at(Some(p));
                Some((o, job, at))
            })
            .collect();
        RouteCheck {
            van,
            places,
            vehicle,
            stops,
        }
    }

    /// The problem for this route alone, with `extra` (a new stop: its job
    /// and location) appended; the legs along the route, to and from the
    /// depot, and to and from the new stop.
    fn problem(
        &self,
        places: &Places,
        extra: Option<(&Job, usize, Window)>,
        model_: &rodnik_planner::travel::StraightLine,
    ) -> Result<rodnik_planner::Problem> {
        let mut locs: Vec<usize> = vec![self.vehicle.start];
        locs.extend(self.stops.iter().map(|s| s.2));
        locs.push(self.vehicle.end);
        let mut pairs: Vec<(usize, usize)> = locs.windows(2).map(|w| (w[0], w[1])).collect();
        let depot = self.vehicle.end;
        for &(_, _, l) in &self.stops {
            pairs.push((l, depot));
            pairs.push((depot, l));
        }
        pairs.push((self.vehicle.start, depot));
        if let Some((_, at, _)) = extra {
            for &l in &locs {
                pairs.push((l, at));
                pairs.push((at, l));
            }
        }
        // Each place is left around the middle of its stop's window.
        let mut depart = vec![self.vehicle.shift.start; places.size()];
        for (_, job, l) in &self.stops {
            if let Some((f, t)) = job.window {
                depart[*l] = (f + t) / 2 + job.service;
            }
        }
        if let Some((job, at, w)) = extra {
            depart[at] = (w.start + w.end) / 2 + job.service;
        }
        let matrix = model::sparse_matrix(model_, places, pairs, |i| depart[i])?;
        let mut stops: Vec<rodnik_planner::Stop> = self
            .stops
            .iter()
            .map(|(_, job, l)| model::stop(job, *l, &self.van, vec![]))
            .collect();
        if let Some((job, at, w)) = extra {
            let mut s = model::stop(job, at, &self.van, vec![]);
            s.window = w;
            stops.push(s);
        }
        model::problem(matrix, stops, vec![self.vehicle.clone()])
    }
}

/// The day's couriers' routes (waiting stops in route order), each courier
/// not off; today each goes on from their last delivered stop, now.
#[allow(clippy::too_many_arguments)]
fn routes_of(
    state: &AppState,
    date: NaiveDate,
    day: &[Order],
    settings: &PlanningSettings,
    couriers: &[User],
    leave_out: Option<&str>,
    only: Option<&str>,
    include_off: bool,
) -> Result<Vec<RouteCheck>> {
    let now = match model::now_on(date, state.cfg.tz) {
        Ok(n) => n,
        Err(_) => return Ok(vec![]),
    };
    let mut checks = vec![];
    for u in couriers {
        if only.is_some_and(|c| c != u.id) {
            continue;
        }
        let van = match model::van(settings, u)? {
            Some(v) => v,
            None if include_off => {
                let mut s = settings.clone();
                s.couriers.retain(|c| c.courier_id != u.id);
                match model::van(&s, u)? {
                    Some(v) => v,
                    None => continue,
                }
            }
            None => continue,
        };
        let mine: Vec<&Order> = day
            .iter()
            .filter(|o| o.courier_id.as_deref() == Some(u.id.as_str()))
            .collect();
        let mut van = van;
        if let Some(now) = now {
            let last = mine
                .iter()
                .filter(|o| o.state == OrderState::Delivered)
                .max_by(|a, b| a.delivered_at.cmp(&b.delivered_at));
            van.resume = Some((last.and_then(|o| model::point_of(o)), now));
        }
        let route: Vec<Order> = mine
            .into_iter()
            .filter(|o| o.state == OrderState::Delivery && Some(o.id.as_str()) != leave_out)
            .cloned()
            .collect();
        checks.push(RouteCheck::new(van, route, settings));
    }
    Ok(checks)
}

/// What one insertion found.
#[derive(Debug, Clone)]
pub struct Fit {
    pub courier_id: String,
    pub courier_name: String,
    pub added_seconds: i64,
    pub added_metres: i64,
    pub arrival: i64,
}

/// The best courier for a new stop in one window of one day, or why none.
fn best_fit(
    checks: &[RouteCheck],
    job: &Job,
    window: Window,
    model_: &rodnik_planner::travel::StraightLine,
) -> Result<std::result::Result<Fit, SlotReason>> {
    if checks.is_empty() {
        return Ok(Err(SlotReason::NoCourier));
    }
    use rayon::prelude::*;
    let fits = checks
        .par_iter()
        .map(|c| fit_into(c, job, window, model_))
        .collect::<Result<Vec<_>>>()?;
    let best = fits
        .into_iter()
        .flatten()
        .min_by(|a, b| (a.added_seconds, a.added_metres).cmp(&(b.added_seconds, b.added_metres)));
    Ok(best.ok_or(SlotReason::Full))
}

/// The new stop inserted into one courier's route, if it fits.
fn fit_into(
    c: &RouteCheck,
    job: &Job,
    window: Window,
    model_: &rodnik_planner::travel::StraightLine,
) -> Result<Option<Fit>> {
    {
        let mut places = Places::default();
        // Same places as the route's, then the new stop's.
        for p in c.places.points() {
            places.at(Some(*p));
        }
        let at = places.at(job.point);
        let problem = c.problem(&places, Some((job, at, window)), model_)?;
        let route: Vec<usize> = (0..c.stops.len()).collect();
        let new = c.stops.len();
        if let Some(fit) = rodnik_planner::best_insertion(&problem, 0, &route, new) {
            // The added driving (not the waiting or the break the new
            // schedule may also hold).
            let mut order = route.clone();
            order.insert(fit.position.min(order.len()), new);
            let driving = rodnik_planner::schedule(&problem, 0, &order).driving
                - rodnik_planner::schedule(&problem, 0, &route).driving;
            return Ok(Some(Fit {
                courier_id: c.van.courier_id.clone(),
                courier_name: c.van.courier_name.clone(),
                added_seconds: driving,
                added_metres: fit.added_distance,
                arrival: fit.arrival,
            }));
        }
    }
    Ok(None)
}

fn window_of(w: &TimeWindow) -> Window {
    Window {
        start: i64::from(w.from.num_seconds_from_midnight()),
        end: i64::from(w.to.num_seconds_from_midnight()),
    }
}

/// The request of `GET /api/slots`, checked.
pub struct SlotQuery {
    pub point: Option<Point>,
    pub job: Job,
    pub from: NaiveDate,
    pub days: u32,
    pub leave_out: Option<String>,
    pub courier_id: Option<String>,
}

/// Each standard window of each day: feasible or why not, the best courier.
/// The days are read (from memory when no order changed since), then the
/// checks run off the request threads, the couriers in parallel.
pub async fn slots(state: &AppState, q: &SlotQuery) -> Result<Slots> {
    let settings = state.store.planning_settings().await?;
    let couriers = super::jobs::couriers(state).await?;
    let model_ = model::straight_line(&settings);
    let mut days = vec![];
    for d in 0..q.days {
        let date = q.from + Duration::days(i64::from(d));
        let now = model::now_on(date, state.cfg.tz).ok().flatten();
        let checks = if q.point.is_some() {
            let day = state.store.day_view(&date.to_string()).await?;
            routes_of(
                state,
                date,
                &day,
                &settings,
                &couriers,
                q.leave_out.as_deref(),
                q.courier_id.as_deref(),
                false,
            )?
        } else {
            vec![]
        };
        days.push((date, now, checks));
    }
    let job = q.job.clone();
    let has_point = q.point.is_some();
    tokio::task::spawn_blocking(move || slot_days(days, &job, has_point, &model_))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
}

/// The windows of each day given its routes (CPU only).
fn slot_days(
    days: Vec<(NaiveDate, Option<i64>, Vec<RouteCheck>)>,
    job: &Job,
    has_point: bool,
    model_: &rodnik_planner::travel::StraightLine,
) -> Result<Slots> {
    let mut out_days = vec![];
    for (date, now, checks) in days {
        let mut windows = vec![];
        for w in TimeWindow::standard() {
            let win = window_of(&w);
            let mut out = SlotWindow {
                from: w.from.format("%H:%M").to_string(),
                to: w.to.format("%H:%M").to_string(),
                feasible: false,
                courier_id: None,
                courier_name: None,
                added_minutes: None,
                added_km: None,
                eta: None,
                reason: None,
            };
            if now.is_some_and(|n| n >= win.end) {
                out.reason = Some(SlotReason::Past);
            } else if !has_point {
                out.reason = Some(SlotReason::NoPoint);
            } else {
                match best_fit(&checks, job, win, model_)? {
                    Ok(fit) => {
                        out.feasible = true;
                        out.added_minutes = Some(((fit.added_seconds + 59) / 60).max(0) as u32);
                        out.added_km = Some((fit.added_metres as f64 / 100.0).round() / 10.0);
                        out.eta = Some(model::clock(fit.arrival));
                        out.courier_id = Some(fit.courier_id);
                        out.courier_name = Some(fit.courier_name);
                    }
                    Err(reason) => out.reason = Some(reason),
                }
            }
            windows.push(out);
        }
        let best = windows
            .iter()
            .enumerate()
            .filter(|(_, w)| w.feasible)
            .min_by_key(|(_, w)| w.added_minutes.unwrap_or(u32::MAX))
            .map(|(i, _)| i);
        out_days.push(SlotDay {
            date: date.to_string(),
            windows,
            best,
        });
    }
    Ok(Slots { days: out_days })
}

/// The check on saving an order with `slot_check`: can `courier_id` still
/// take it in `window` on `date`? When not, the 409 names the next best.
pub async fn recheck(state: &AppState, order: &Order, leave_out: Option<&str>) -> Result<()> {
    let (Some(courier_id), Some(window)) = (order.courier_id.as_deref(), order.window.as_ref())
    else {
        return Ok(());
    };
    let Some(point) = model::point_of(order) else {
        return Ok(());
    };
    let date = NaiveDate::parse_from_str(&order.delivery_date, "%Y-%m-%d")
        .map_err(|_| Error::invalid("delivery_date", "must be YYYY-MM-DD"))?;
    let settings = state.store.planning_settings().await?;
    if settings.is_off(courier_id) {
        return Ok(());
    }
    let couriers = super::jobs::couriers(state).await?;
    let model_ = model::straight_line(&settings);
    let job = Job::of(&settings, order);
    // A decision: the day as the database has it now.
    let day = state.store.day_stops(&order.delivery_date).await?;
    let checks = routes_of(
        state,
        date,
        &day,
        &settings,
        &couriers,
        leave_out,
        Some(courier_id),
        false,
    )?;
    if checks.is_empty() {
        return Ok(());
    }
    let win = window_of(window);
    let fits = {
        let job = job.clone();
        tokio::task::spawn_blocking(move || best_fit(&checks, &job, win, &model_))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??
    };
    if fits.is_ok() {
        return Ok(());
    }
    // The next best: the same day's other windows and couriers, then the
    // next days.
    let q = SlotQuery {
        point: Some(point),
        job,
        from: date,
        days: 3,
        leave_out: leave_out.map(str::to_string),
        courier_id: None,
    };
    let all = slots(state, &q).await?;
    let next = all.days.iter().find_map(|d| {
        let i = d.best?;
        let w = &d.windows[i];
        Some(format!(
            "{} {}-{}, {}",
            d.date,
            w.from,
            w.to,
            w.courier_name.clone().unwrap_or_default()
        ))
    });
    let message = match next {
        Some(n) => format!(
            "the courier can no longer keep {}-{} on {}: the next best is {n}",
            window.from.format("%H:%M"),
            window.to.format("%H:%M"),
            order.delivery_date
        ),
        None => format!(
            "the courier can no longer keep {}-{} on {}, and no other window is free in the next 3 days",
            window.from.format("%H:%M"),
            window.to.format("%H:%M"),
            order.delivery_date
        ),
    };
    Err(Error::conflict("slot_taken", message))
}

/// Every stop on a route that day with its expected arrival.
pub async fn etas(state: &AppState, date: NaiveDate, only: Option<&str>) -> Result<Vec<Eta>> {
    let settings = state.store.planning_settings().await?;
    let couriers = super::jobs::couriers(state).await?;
    let model_ = model::straight_line(&settings);
    let risk = i64::from(settings.risk_minutes) * 60;
    let day = state.store.day_view(&date.to_string()).await?;
    let checks = routes_of(state, date, &day, &settings, &couriers, None, only, true)?;
    let mut out: Vec<Eta> = day
        .iter()
        .filter(|o| only.is_none_or(|c| o.courier_id.as_deref() == Some(c)))
        .filter_map(|o| {
            Some(Eta {
                order_id: o.id.clone(),
                courier_id: o.courier_id.clone()?,
                pos: 0,
                eta: None,
                late_minutes: 0,
                at_risk: false,
                state: o.state,
            })
        })
        .collect();
    // Positions along each courier's whole route (delivered ones too).
    let mut counter: std::collections::HashMap<String, u32> = Default::default();
    for e in out.iter_mut() {
        let n = counter.entry(e.courier_id.clone()).or_insert(0);
        *n += 1;
        e.pos = *n;
    }
    let index: std::collections::HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, e)| (e.order_id.clone(), i))
        .collect();
    for c in &checks {
        if c.stops.is_empty() {
            continue;
        }
        let problem = c.problem(&c.places, None, &model_)?;
        let route: Vec<usize> = (0..c.stops.len()).collect();
        let plan = rodnik_planner::schedule(&problem, 0, &route);
        for visit in &plan.visits {
            if let Visit::Stop { stop, start, .. } = visit {
                let (o, job, _) = &c.stops[*stop];
                let Some(e) = index.get(&o.id).and_then(|&i| out.get_mut(i)) else {
                    continue;
                };
                e.eta = Some(model::clock(*start));
                if let Some((_, end)) = job.window {
                    e.late_minutes = (((*start - end).max(0) + 59) / 60) as u32;
                    e.at_risk = *start > end - risk;
                }
            }
        }
    }
    Ok(out)
}
