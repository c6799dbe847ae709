//! "Optimise the day" (issue 21, item 5): a plan job. The request checks and
//! stores the job; a spawned task reads the day, builds the problem (the
//! travel table off the async threads), searches on a blocking thread with
//! its progress written to the plan's row twice a second, and stores the
//! preview. Accepting writes every stop's courier and position in one
//! compare-and-set transaction (`Store::accept_plan`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rodnik_planner::travel::{Departures, OsrmTable, Point, TravelModel, TravelTable};
use rodnik_planner::{Budget, Problem, RoutePlan, Settings, Visit};
use rodnik_shared::api::{
    BreakTime, LatLon, NewPlan, Order, Plan, PlanAccepted, PlanProgress, PlanState, PlanTotals,
    PlannedRoute, PlannedStop, PlanningSettings, SkippedStop, TravelModelKind, User,
};
use rodnik_shared::{OrderState, Role};

use super::model::{self, Job, Places, Van};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::store::planning::{Placed, Placement};

pub const DEFAULT_TIME_LIMIT_MS: u64 = 10_000;

fn now() -> String {
    chrono::Utc::now().to_rfc3339()
}

/// The couriers who can drive: active users with the courier role.
pub async fn couriers(state: &AppState) -> Result<Vec<User>> {
    state
        .store
        .find_users(Some(Role::Courier), Some(true))
        .await
}

/// Checks a request to plan a day, stores the job and starts it.
pub async fn start(state: &AppState, by: &str, req: NewPlan) -> Result<Plan> {
    let date = rodnik_shared::validate::date(&req.date, "date")?;
    model::now_on(date, state.cfg.tz)?;
    let limit = req.time_limit_ms.unwrap_or(DEFAULT_TIME_LIMIT_MS);
    if !(1_000..=60_000).contains(&limit) {
        return Err(Error::invalid("time_limit_ms", "must be 1000..60000"));
    }
    let settings = state.store.planning_settings().await?;
    let all = couriers(state).await?;
    let day = date.to_string();
    let chosen: Vec<String> = match req.courier_ids {
        Some(ids) => {
            if ids.is_empty() || ids.len() > 200 {
                return Err(Error::invalid("courier_ids", "name 1..200 couriers"));
            }
            for (i, id) in ids.iter().enumerate() {
                if !all.iter().any(|u| &u.id == id) {
                    return Err(Error::invalid(
                        format!("courier_ids[{i}]"),
                        "is not an active courier",
                    ));
                }
                if settings.is_off(id) {
                    return Err(Error::invalid(
                        format!("courier_ids[{i}]"),
                        "is off in the planning settings",
                    ));
                }
                if ids[..i].contains(id) {
                    return Err(Error::invalid(format!("courier_ids[{i}]"), "listed twice"));
                }
            }
            ids
        }
        None => {
            let stops = state.store.day_stops(&day).await?;
            let mut ids: Vec<String> = all
                .iter()
                .filter(|u| !settings.is_off(&u.id))
                .filter(|u| {
                    stops.iter().any(|o| {
                        o.courier_id.as_deref() == Some(u.id.as_str())
                            && o.state == OrderState::Delivery
                    })
                })
                .map(|u| u.id.clone())
                .collect();
            ids.sort();
            ids
        }
    };
    if chosen.is_empty() {
        return Err(Error::invalid(
            "courier_ids",
            "no courier has stops waiting that day",
        ));
    }
    if state.store.plan_running(&day).await? {
        return Err(Error::conflict(
            "plan_running",
            "a plan of that day is being made: wait for it or cancel it",
        ));
    }
    let at = now();
    let plan = Plan {
        id: crate::store::new_key(),
        date: day,
        state: PlanState::Running,
        progress: PlanProgress::default(),
        courier_ids: chosen,
        reassign: req.reassign.unwrap_or(true),
        time_limit_ms: limit,
        before: None,
        after: None,
        routes: vec![],
        unplaced: vec![],
        unassigned: vec![],
        error: None,
        created_by: by.to_string(),
        created_at: at.clone(),
        finished_at: None,
        accepted: None,
    };
    state.store.create_plan(&plan, &at).await?;
    let (st, p) = (state.clone(), plan.clone());
    tokio::spawn(async move {
        let id = p.id.clone();
        if let Err(e) = run(&st, p.clone(), &settings, all).await {
            tracing::warn!(plan = %id, error = %e, "a plan failed");
            let mut failed = p;
            failed.state = PlanState::Failed;
            failed.error = Some(e.to_string());
            failed.finished_at = Some(now());
            let _ = st.store.update_running_plan(&failed, &now()).await;
        }
    });
    Ok(plan)
}

/// The day read for planning.
struct Day {
    vans: Vec<Van>,
    /// The stops the planner moves (waiting, with a point), each with its
    /// van index before and what the planner needs of it.
    jobs: Vec<(Order, usize, Job)>,
    /// Waiting stops without a point, by van.
    unplaced: Vec<(Order, usize)>,
    /// Delivered stops' highest route position per van.
    delivered_pos: Vec<i64>,
}

async fn read_day(
    state: &AppState,
    plan: &Plan,
    settings: &PlanningSettings,
    couriers: &[User],
) -> Result<Day> {
    let date = NaiveDate::parse_from_str(&plan.date, "%Y-%m-%d")
        .map_err(|_| Error::invalid("date", "must be YYYY-MM-DD"))?;
    let now = model::now_on(date, state.cfg.tz)?;
    let stops = state.store.day_stops(&plan.date).await?;
    let mut vans = vec![];
    for id in &plan.courier_ids {
        let user = couriers
            .iter()
            .find(|u| &u.id == id)
            .ok_or_else(|| Error::invalid("courier_ids", "a courier is no longer active"))?;
        let Some(mut van) = model::van(settings, user)? else {
            return Err(Error::invalid("courier_ids", "a courier is off"));
        };
        if let Some(now) = now {
            // Today the day goes on from the last stop delivered, now.
            let last = stops
                .iter()
                .filter(|o| o.courier_id.as_deref() == Some(id.as_str()))
                .filter(|o| o.state == OrderState::Delivered)
                .max_by(|a, b| a.delivered_at.cmp(&b.delivered_at));
            van.resume = Some((last.and_then(model::point_of), now));
        }
        vans.push(van);
    }
    let mut day = Day {
        delivered_pos: vec![0; vans.len()],
        vans,
        jobs: vec![],
        unplaced: vec![],
    };
    for o in stops {
        let Some(v) = plan
            .courier_ids
            .iter()
            .position(|c| o.courier_id.as_deref() == Some(c.as_str()))
        else {
            continue;
        };
        match o.state {
            OrderState::Delivered => day.delivered_pos[v] = day.delivered_pos[v].max(o.route_pos),
            OrderState::Delivery if model::point_of(&o).is_some() => {
                let job = Job::of(settings, &o);
                day.jobs.push((o, v, job))
            }
            OrderState::Delivery => day.unplaced.push((o, v)),
            _ => {}
        }
    }
    Ok(day)
}

/// The travel table over `points` by the company's model.
async fn table(
    settings: &PlanningSettings,
    points: Vec<Point>,
    departures: Vec<u32>,
) -> Result<TravelTable> {
    match (&settings.travel.model, &settings.travel.osrm_url) {
        (TravelModelKind::Osrm, Some(url)) => {
            osrm_table(url, &points, settings.travel.parking_seconds).await
        }
        _ => {
            let model = model::straight_line(settings);
            tokio::task::spawn_blocking(move || {
                model
                    .table(&points, &Departures::PerOrigin(departures))
                    .map_err(|e| Error::Internal(format!("travel times: {e}")))
            })
            .await
            .map_err(|e| Error::Internal(e.to_string()))?
        }
    }
}

/// An OSRM server's table: requests in blocks, each with a 20 s timeout and
/// one retry.
pub async fn osrm_table(url: &str, points: &[Point], parking: u32) -> Result<TravelTable> {
    let osrm =
        OsrmTable::new(url, 100).map_err(|e| Error::invalid("travel.osrm_url", e.to_string()))?;
    let requests = osrm.requests(points);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let mut answers = Vec::with_capacity(requests.len());
    for r in &requests {
        let mut last = String::new();
        let mut got = None;
        for _ in 0..2 {
            match http.get(&r.url).send().await {
                Ok(resp) => match resp.text().await {
                    Ok(body) => match rodnik_planner::travel::parse_table(&body) {
                        Ok(a) => {
                            got = Some(a);
                            break;
                        }
                        Err(e) => last = e.to_string(),
                    },
                    Err(e) => last = e.without_url().to_string(),
                },
                Err(e) => last = e.without_url().to_string(),
            }
        }
        let a = got.ok_or_else(|| Error::Upstream(format!("the OSRM server: {last}")))?;
        answers.push((r, a));
    }
    let (table, _snaps) = osrm
        .assemble(points.len(), answers, parking)
        .map_err(|e| Error::Upstream(format!("the OSRM server: {e}")))?;
    Ok(table)
}

/// What the solver is given, with the ways back to orders.
struct Built {
    problem: Problem,
}

fn build(day: &Day, reassign: bool, table: &TravelTable, places_of: &[usize]) -> Result<Built> {
    let matrix = model::full_matrix(table)?;
    // Locations were assigned while collecting the points (same order).
    let mut places = Places::default();
    let mut vehicles = vec![];
    for van in &day.vans {
        vehicles.push(model::vehicle(van, &mut places));
    }
    let mut stops = vec![];
    for (k, (o, v, job)) in day.jobs.iter().enumerate() {
        let only = if o.pinned || !reassign {
            vec![*v]
        } else {
            vec![]
        };
        stops.push(model::stop(job, places_of[k], &day.vans[*v], only));
    }
    let _ = places;
    Ok(Built {
        problem: model::problem(matrix, stops, vehicles)?,
    })
}

/// Kilometres and hours of routes.
fn totals(plans: &[RoutePlan], stops: u32) -> PlanTotals {
    let used: Vec<&RoutePlan> = plans.iter().filter(|p| !p.visits.is_empty()).collect();
    PlanTotals {
        km: round1(used.iter().map(|p| p.distance as f64).sum::<f64>() / 1000.0),
        hours: round1(used.iter().map(|p| (p.end - p.start) as f64).sum::<f64>() / 3600.0),
        stops,
        late: used.iter().map(|p| p.late.len() as u32).sum(),
        couriers: used.len() as u32,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The searching itself, with progress written as it goes.
async fn run(
    state: &AppState,
    mut plan: Plan,
    settings: &PlanningSettings,
    couriers: Vec<User>,
) -> Result<()> {
    let started = Instant::now();
    let day = read_day(state, &plan, settings, &couriers).await?;
    // Places and their departures: vans first, then stops.
    let mut places = Places::default();
    for van in &day.vans {
        model::vehicle(van, &mut places);
    }
    let mut place_of_job = vec![];
    for (o, _, _) in &day.jobs {
        place_of_job.push(places.at(model::point_of(o)));
    }
    let mut departures = vec![0u32; places.points().len()];
    for van in &day.vans {
        let depart = van.resume.as_ref().map(|r| r.1).unwrap_or(van.shift_start);
        for p in [van.depot, van.resume.as_ref().and_then(|r| r.0)]
            .into_iter()
            .flatten()
        {
            let i = places.at(Some(p)) - 1;
            departures[i] = depart.clamp(0, 86_399) as u32;
        }
    }
    for (k, (_, v, job)) in day.jobs.iter().enumerate() {
        let van = &day.vans[*v];
        let (f, t) = job.window.unwrap_or((van.shift_start, van.shift_end));
        departures[place_of_job[k] - 1] = ((f + t) / 2 + job.service).clamp(0, 86_399) as u32;
    }
    let table = table(settings, places.points().to_vec(), departures).await?;
    let built = build(&day, plan.reassign, &table, &place_of_job)?;
    let problem = Arc::new(built.problem);

    // Where each van's stops are now, in route order, as problem stops.
    let mut before_routes: Vec<Vec<usize>> = vec![vec![]; day.vans.len()];
    for (k, (_, v, _)) in day.jobs.iter().enumerate() {
        before_routes[*v].push(k);
    }
    let before: Vec<RoutePlan> = before_routes
        .iter()
        .enumerate()
        .map(|(v, r)| rodnik_planner::schedule(&problem, v, r))
        .collect();
    plan.before = Some(totals(&before, day.jobs.len() as u32));

    // The search on a blocking thread; progress through a mutex.
    let limit = Duration::from_millis(plan.time_limit_ms);
    let cancel = Arc::new(AtomicBool::new(false));
    let progress = Arc::new(Mutex::new(PlanProgress::default()));
    let solver = {
        let (problem, cancel, progress) = (problem.clone(), cancel.clone(), progress.clone());
        let spent = started.elapsed();
        let budget = Budget::Time(limit.saturating_sub(spent).max(Duration::from_millis(200)));
        tokio::task::spawn_blocking(move || {
            let settings = Settings::for_problem(&problem, budget, 1);
            rodnik_planner::solve_with(&problem, &settings, &mut |p| {
                if let Ok(mut g) = progress.lock() {
                    let elapsed = spent + p.elapsed;
                    g.elapsed_ms = elapsed.as_millis() as u64;
                    g.iterations = p.iterations;
                    g.percent =
                        ((elapsed.as_secs_f64() / limit.as_secs_f64()) * 100.0).min(99.0) as u32;
                }
                !cancel.load(Ordering::Relaxed)
            })
        })
    };
    tokio::pin!(solver);
    let solution = loop {
        tokio::select! {
            done = &mut solver => break done.map_err(|e| Error::Internal(e.to_string()))?,
            _ = tokio::time::sleep(Duration::from_millis(500)) => {
                if let Ok(g) = progress.lock() {
                    plan.progress = g.clone();
                }
                if !state.store.update_running_plan(&plan, &now()).await? {
                    // Cancelled meanwhile (on any node).
                    cancel.store(true, Ordering::Relaxed);
                }
            }
        }
    };
    if cancel.load(Ordering::Relaxed) {
        return Ok(());
    }

    // The preview.
    let mut routes = vec![];
    let mut unassigned: Vec<String> = solution
        .unassigned
        .iter()
        .map(|&k| day.jobs[k].0.id.clone())
        .collect();
    unassigned.sort();
    for (v, van) in day.vans.iter().enumerate() {
        let rp = &solution.plans[v];
        let before_rp = &before[v];
        let mut stops = vec![];
        let mut reloads = vec![];
        let mut brk = None;
        for visit in &rp.visits {
            match visit {
                Visit::Stop { stop, start, .. } => {
                    let (o, was, _) = &day.jobs[*stop];
                    let late = rp
                        .late
                        .iter()
                        .find(|(s, _)| s == stop)
                        .map(|(_, by)| (*by + 59) / 60)
                        .unwrap_or(0);
                    let pos_before = before_routes[*was].iter().position(|k| k == stop);
                    stops.push(planned_stop(
                        o,
                        Some(model::clock(*start)),
                        late as u32,
                        (*was != v).then(|| day.vans[*was].courier_id.clone()),
                        pos_before.map(|p| p as u32 + 1),
                        false,
                    ));
                }
                Visit::Reload { arrival, .. } => reloads.push(model::clock(*arrival)),
                Visit::Break { start, end } => {
                    brk = Some(BreakTime {
                        from: model::clock(*start),
                        to: model::clock(*end),
                    })
                }
            }
        }
        // Stops the plan could not take stay with their courier, after.
        for (k, (o, was, _)) in day.jobs.iter().enumerate() {
            if *was == v && solution.unassigned.contains(&k) {
                stops.push(planned_stop(o, None, 0, None, None, true));
            }
        }
        for (o, was) in &day.unplaced {
            if *was == v {
                stops.push(planned_stop(o, None, 0, None, None, true));
            }
        }
        let has = |p: &RoutePlan| !p.visits.is_empty();
        routes.push(PlannedRoute {
            courier_id: van.courier_id.clone(),
            courier_name: van.courier_name.clone(),
            depot: van.depot.map(|p| LatLon {
                lat: p.lat(),
                lon: p.lon(),
            }),
            km: if has(rp) {
                round1(rp.distance as f64 / 1000.0)
            } else {
                0.0
            },
            hours: if has(rp) {
                round1((rp.end - rp.start) as f64 / 3600.0)
            } else {
                0.0
            },
            km_before: if has(before_rp) {
                round1(before_rp.distance as f64 / 1000.0)
            } else {
                0.0
            },
            hours_before: if has(before_rp) {
                round1((before_rp.end - before_rp.start) as f64 / 3600.0)
            } else {
                0.0
            },
            stops,
            reloads,
            brk,
        });
    }
    plan.after = Some(totals(&solution.plans, day.jobs.len() as u32));
    plan.routes = routes;
    plan.unassigned = unassigned;
    plan.unplaced = day.unplaced.iter().map(|(o, _)| o.id.clone()).collect();
    plan.progress = PlanProgress {
        percent: 100,
        iterations: solution.iterations,
        elapsed_ms: started.elapsed().as_millis() as u64,
    };
    plan.state = PlanState::Done;
    plan.finished_at = Some(now());
    state.store.update_running_plan(&plan, &now()).await?;
    Ok(())
}

fn planned_stop(
    o: &Order,
    eta: Option<String>,
    late_minutes: u32,
    from_courier_id: Option<String>,
    pos_before: Option<u32>,
    fixed: bool,
) -> PlannedStop {
    PlannedStop {
        order_id: o.id.clone(),
        number: o.number,
        version: o.version,
        client_name: o.client_name.clone(),
        address: o.address.text.clone(),
        lat: o.address.lat,
        lon: o.address.lon,
        window: o
            .window
            .as_ref()
            .map(|w| format!("{}-{}", w.from.format("%H:%M"), w.to.format("%H:%M"))),
        qty: o.returnable_qty().max(o.water_qty()),
        eta,
        late_minutes,
        from_courier_id,
        pos_before,
        fixed,
    }
}

/// Accepts a done plan: every stop of its routes gets its courier and
/// position, each only if unchanged since the plan read it.
pub async fn accept(state: &AppState, id: &str, by: &str) -> Result<Plan> {
    let (plan, rev) = state
        .store
        .get_plan(id)
        .await?
        .ok_or_else(|| Error::not_found("plan"))?;
    match plan.state {
        PlanState::Done => {}
        PlanState::Accepted => {
            return Err(Error::conflict(
                "plan_accepted",
                "the plan was accepted already",
            ))
        }
        _ => {
            return Err(Error::conflict(
                "plan_not_done",
                "only a finished plan can be accepted",
            ))
        }
    }
    // Positions go on after the stops already delivered on each route.
    let stops = state.store.day_stops(&plan.date).await?;
    let mut base: HashMap<&str, i64> = HashMap::new();
    for o in stops.iter().filter(|o| o.state == OrderState::Delivered) {
        if let Some(c) = o.courier_id.as_deref() {
            let b = base.entry(c).or_insert(0);
            *b = (*b).max(o.route_pos);
        }
    }
    let mut placements = vec![];
    for r in &plan.routes {
        let b = base.get(r.courier_id.as_str()).copied().unwrap_or(0);
        for (i, s) in r.stops.iter().enumerate() {
            placements.push(Placement {
                order_id: s.order_id.clone(),
                number: s.number,
                version: s.version,
                courier_id: r.courier_id.clone(),
                courier_name: r.courier_name.clone(),
                route_pos: b + i as i64 + 1,
            });
        }
    }
    let at = now();
    let mut accepted = plan.clone();
    accepted.state = PlanState::Accepted;
    // Written first as the plan's own row; the outcome is filled in after.
    let outcome = state
        .store
        .retrying(|| {
            state
                .store
                .accept_plan(id, rev, &plan.date, &placements, &accepted, &at)
        })
        .await?;
    let skipped: Vec<SkippedStop> = placements
        .iter()
        .zip(&outcome)
        .filter(|(_, o)| **o != Placed::Applied)
        .map(|(p, o)| SkippedStop {
            order_id: p.order_id.clone(),
            number: p.number,
            reason: match o {
                Placed::Changed => "changed",
                _ => "not_on_route",
            }
            .into(),
        })
        .collect();
    accepted.accepted = Some(PlanAccepted {
        applied: outcome.iter().filter(|o| **o == Placed::Applied).count() as u32,
        skipped,
        at: at.clone(),
        by: by.to_string(),
    });
    state.store.finish_accepted_plan(&accepted).await?;
    Ok(accepted)
}
