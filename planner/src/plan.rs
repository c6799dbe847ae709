//! Schedules: the times of a GIVEN order of stops for one vehicle
//! ([`schedule`]), and where one more stop fits into it without reordering
//! the rest ([`best_insertion`]). For previews, ETAs, a hand-made route's
//! figures and promised slots; the solver's answers carry the same
//! [`RoutePlan`] for each vehicle ([`crate::Solution::plans`]).
//!
//! The rules (the solver's, so a plan it returns is scheduled the same way):
//!
//! - The vehicle leaves its start at `shift.start` (reported later when it
//!   would only wait at its first stop: [`RoutePlan::start`]) and serves each
//!   stop at `max(arrival, window.start)`; a stop reached after
//!   `window.end` is *late*.
//! - **Reloads.** With [`crate::Reload`], a trip ends where the next stop
//!   does not fit the load (or at a [`RELOAD`] marker in the order): the
//!   vehicle drives to the reload location, spends its duration and goes on
//!   full. Without one, the whole day is one trip. A trip over capacity (a
//!   stop larger than the vehicle) is reported, not refused.
//! - **Breaks** have no place: a break taken between stops A and B starts at
//!   `max(leaving A, window.start)`, and the drive from A to B fills the free
//!   time around it (the courier drives first and rests at B's door when the
//!   window opens on the way, or rests first when it is already open). B is
//!   served at `max(leaving A + drive + break, window.start + break)`.
//!   [`schedule`] puts each break (in the order of their windows) at the
//!   earliest moment it can start: between the two stops during which its
//!   window opens, or, when that makes a later stop late or the shift too
//!   long, in the first later gap that does not; when no gap keeps the route
//!   feasible, where its window opens (and the lateness is reported). A route
//!   with no stops has no breaks.
//! - Times are the matrix's whole units; nothing is rounded.

use crate::problem::{Break, Problem, Time, Vehicle};

/// In an order given to [`schedule`] or [`best_insertion`]: "reload here"
/// (kept only when the vehicle has a [`crate::Reload`] and the trip before
/// it has a stop). [`RoutePlan::order`] writes a plan's reloads this way, so
/// the same trips come back from [`schedule`].
pub const RELOAD: usize = usize::MAX;

/// One visit of a plan, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visit {
    /// `arrival` at the door, `start` of service (after waiting for the
    /// window or a break), `depart` after the service.
    Stop {
        stop: usize,
        arrival: Time,
        start: Time,
        depart: Time,
    },
    /// At the vehicle's reload location.
    Reload { arrival: Time, depart: Time },
    /// The breaks appear in the order of their windows (start, end).
    Break { start: Time, end: Time },
}

/// A vehicle's route with its times and what it breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutePlan {
    pub vehicle: usize,
    pub visits: Vec<Visit>,
    /// Matrix distance, reload detours included (0 for an unused vehicle).
    pub distance: i64,
    /// When the vehicle leaves its start.
    pub start: Time,
    /// When it is back at its end (after a break taken there, if any).
    pub end: Time,
    /// Time spent driving, and waiting (the rest of `end - start` after
    /// driving, service, reloads and breaks).
    pub driving: Time,
    pub waiting: Time,
    /// Stops served after their window: (stop, by how much).
    pub late: Vec<(usize, Time)>,
    /// How far `end` is past the shift's end (0 when it is not).
    pub over_shift: Time,
    /// Trips over capacity: (the stop at which the load first exceeds it, by
    /// how much the trip's load does).
    pub over_capacity: Vec<(usize, i64)>,
    /// Breaks started after their window: (index into `Vehicle::breaks`, by
    /// how much).
    pub late_breaks: Vec<(usize, Time)>,
    /// Stops this vehicle may not serve (pinned or fixed elsewhere).
    pub not_allowed: Vec<usize>,
    /// Nothing above is broken.
    pub feasible: bool,
}

impl RoutePlan {
    fn empty(vehicle: usize, at: Time) -> Self {
        RoutePlan {
            vehicle,
            visits: Vec::new(),
            distance: 0,
            start: at,
            end: at,
            driving: 0,
            waiting: 0,
            late: Vec::new(),
            over_shift: 0,
            over_capacity: Vec::new(),
            late_breaks: Vec::new(),
            not_allowed: Vec::new(),
            feasible: true,
        }
    }

    /// The stops in visiting order.
    pub fn stops(&self) -> Vec<usize> {
        self.visits
            .iter()
            .filter_map(|v| match v {
                Visit::Stop { stop, .. } => Some(*stop),
                _ => None,
            })
            .collect()
    }

    /// The stops with a [`RELOAD`] marker at each reload: given back to
    /// [`schedule`] or [`best_insertion`], it keeps these trips.
    pub fn order(&self) -> Vec<usize> {
        self.visits
            .iter()
            .filter_map(|v| match v {
                Visit::Stop { stop, .. } => Some(*stop),
                Visit::Reload { .. } => Some(RELOAD),
                Visit::Break { .. } => None,
            })
            .collect()
    }

    /// Number of trips (0 for an unused vehicle).
    pub fn trips(&self) -> usize {
        if self.visits.is_empty() {
            return 0;
        }
        1 + self
            .visits
            .iter()
            .filter(|v| matches!(v, Visit::Reload { .. }))
            .count()
    }

    /// When the service of `stop` starts, if it is on this route.
    pub fn start_of(&self, stop: usize) -> Option<Time> {
        self.visits.iter().find_map(|v| match *v {
            Visit::Stop { stop: s, start, .. } if s == stop => Some(start),
            _ => None,
        })
    }
}

/// A route as the solver and [`evaluate`] see it: stops, reloads and breaks
/// (by index into `Vehicle::breaks`) in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    Stop(usize),
    Reload,
    Break(usize),
}

/// Far outside any day, with room to add durations.
pub(crate) const NEG: Time = -(1 << 60);
pub(crate) const POS: Time = 1 << 60;

/// Breaks taken one after another in one gap, as one function of the time
/// `x` the vehicle leaves the stop before them: the last one ends at
/// `max(x + d, b)`, and all start within their windows iff `x <= c`.
/// With a drive of `t` in the gap the next stop is reached, ready to serve,
/// at `max(x + t + d, b)` ([`Group::ready`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Group {
    pub d: Time,
    pub b: Time,
    pub c: Time,
}

impl Group {
    pub const NONE: Group = Group {
        d: 0,
        b: NEG,
        c: POS,
    };

    pub fn of(br: &Break) -> Group {
        Group {
            d: br.duration,
            b: br.window.start + br.duration,
            c: br.window.end,
        }
    }

    /// These breaks, then `next`'s.
    pub fn then(self, next: Group) -> Group {
        Group {
            d: self.d + next.d,
            b: (self.b + next.d).max(next.b),
            c: if self.b <= next.c {
                self.c.min(next.c - self.d)
            } else {
                NEG
            },
        }
    }

    #[inline]
    pub fn ready(self, leave: Time, drive: Time) -> Time {
        (leave + drive + self.d).max(self.b)
    }

    /// The latest time to leave the stop before these breaks, `drive` away
    /// from a stop that must be ready by `latest_ready`; `NEG` if none.
    #[inline]
    pub fn latest_leave(self, drive: Time, latest_ready: Time) -> Time {
        if self.b <= latest_ready {
            (latest_ready - drive - self.d).min(self.c)
        } else {
            NEG
        }
    }
}

/// The vehicle's breaks in the order a route takes them: by window start,
/// then end, then index.
pub(crate) fn break_order(v: &Vehicle) -> Vec<usize> {
    let mut order: Vec<usize> = (0..v.breaks.len()).collect();
    order.sort_by_key(|&b| (v.breaks[b].window.start, v.breaks[b].window.end, b));
    order
}

/// The drive of `t` from a stop left at `leave` through the breaks of its
/// gap (in order): each break starts at `max(free, window.start)`, the drive
/// fills the time before and between them. Calls `taken(break, start)` for
/// each; returns (arrival at the door, ready to serve).
fn drive_through(
    leave: Time,
    t: Time,
    breaks: &[usize],
    v: &Vehicle,
    mut taken: impl FnMut(usize, Time),
) -> (Time, Time) {
    let mut free = leave;
    let mut remaining = t;
    let mut arrival = None;
    for &b in breaks {
        let br = &v.breaks[b];
        let start = free.max(br.window.start);
        if arrival.is_none() {
            let can = start - free;
            if remaining <= can {
                arrival = Some(free + remaining);
                remaining = 0;
            } else {
                remaining -= can;
            }
        }
        taken(b, start);
        free = start + br.duration;
    }
    let arrival = arrival.unwrap_or(free + remaining);
    (arrival, arrival.max(free))
}

/// The plan of an explicit route: reloads and breaks where `items` puts
/// them (a route without stops is empty, whatever else it holds).
pub(crate) fn evaluate(p: &Problem, vehicle: usize, items: &[Item]) -> RoutePlan {
    let v = &p.vehicles[vehicle];
    let m = &p.matrix;
    let mut plan = RoutePlan::empty(vehicle, v.shift.start);
    if !items.iter().any(|i| matches!(i, Item::Stop(_))) {
        return plan;
    }
    plan.visits.reserve(items.len());
    let mut here = v.start;
    let mut leave = v.shift.start;
    let mut gap: Vec<usize> = Vec::new();
    let mut busy = 0;
    let mut load = 0;
    let mut over_at = None;
    let mut first_gap_has_breaks = false;
    let mut first_physical = true;
    for item in items.iter().copied().map(Some).chain([None]) {
        let loc = match item {
            Some(Item::Break(b)) => {
                gap.push(b);
                continue;
            }
            Some(Item::Stop(s)) => p.stops[s].location,
            Some(Item::Reload) => v.reload.map_or(v.start, |r| r.location),
            None => v.end,
        };
        let t = m.time(here, loc);
        plan.distance += m.distance(here, loc);
        plan.driving += t;
        if first_physical {
            first_gap_has_breaks = !gap.is_empty();
            first_physical = false;
        }
        let (arrival, ready) = drive_through(leave, t, &gap, v, |b, start| {
            let br = &v.breaks[b];
            plan.visits.push(Visit::Break {
                start,
                end: start + br.duration,
            });
            busy += br.duration;
            if start > br.window.end {
                plan.late_breaks.push((b, start - br.window.end));
            }
        });
        gap.clear();
        here = loc;
        match item {
            Some(Item::Stop(s)) => {
                let stop = &p.stops[s];
                let start = ready.max(stop.window.start);
                if start > stop.window.end {
                    plan.late.push((s, start - stop.window.end));
                }
                leave = start + stop.service;
                busy += stop.service;
                plan.visits.push(Visit::Stop {
                    stop: s,
                    arrival,
                    start,
                    depart: leave,
                });
                load += stop.demand;
                if load > v.capacity && over_at.is_none() {
                    over_at = Some(s);
                }
                if !p.allowed(s, vehicle) {
                    plan.not_allowed.push(s);
                }
            }
            Some(Item::Reload) => {
                let duration = v.reload.map_or(0, |r| r.duration);
                leave = ready + duration;
                busy += duration;
                plan.visits.push(Visit::Reload {
                    arrival,
                    depart: leave,
                });
                if let Some(s) = over_at.take() {
                    plan.over_capacity.push((s, load - v.capacity));
                }
                load = 0;
            }
            None => {
                plan.end = ready;
                if let Some(s) = over_at.take() {
                    plan.over_capacity.push((s, load - v.capacity));
                }
            }
            Some(Item::Break(_)) => unreachable!(),
        }
    }
    // Leave later rather than wait at the first door.
    if !first_gap_has_breaks {
        if let Some(Visit::Stop { arrival, start, .. }) = plan.visits.first_mut() {
            plan.start += *start - *arrival;
            *arrival = *start;
        }
    }
    plan.over_shift = (plan.end - v.shift.end).max(0);
    plan.waiting = plan.end - plan.start - plan.driving - busy;
    plan.feasible = plan.late.is_empty()
        && plan.over_shift == 0
        && plan.over_capacity.is_empty()
        && plan.late_breaks.is_empty()
        && plan.not_allowed.is_empty();
    plan
}

/// The route [`schedule`] evaluates: reloads where the next stop does not
/// fit (and at kept markers), then the breaks by the rule in the module
/// docs.
pub(crate) fn layout(p: &Problem, vehicle: usize, order: &[usize]) -> Vec<Item> {
    let v = &p.vehicles[vehicle];
    let mut items: Vec<Item> = Vec::with_capacity(order.len() + 4);
    let (mut load, mut trip_has_stops) = (0, false);
    for &s in order {
        if s == RELOAD {
            if v.reload.is_some() && trip_has_stops {
                items.push(Item::Reload);
                (load, trip_has_stops) = (0, false);
            }
            continue;
        }
        assert!(s < p.stops.len(), "schedule: no stop {s}");
        let demand = p.stops[s].demand;
        if v.reload.is_some() && trip_has_stops && load + demand > v.capacity {
            items.push(Item::Reload);
            load = 0;
        }
        items.push(Item::Stop(s));
        load += demand;
        trip_has_stops = true;
    }
    if items.last() == Some(&Item::Reload) {
        items.pop();
    }
    if items.is_empty() || v.breaks.is_empty() {
        return items;
    }
    place_breaks(p, vehicle, items)
}

/// Puts the vehicle's breaks into a route of stops and reloads.
fn place_breaks(p: &Problem, vehicle: usize, physical: Vec<Item>) -> Vec<Item> {
    let v = &p.vehicles[vehicle];
    let m = &p.matrix;
    let reload = v.reload.map_or((v.start, 0), |r| (r.location, r.duration));
    // Physical node k: 0 the start, 1..=n the items, n + 1 the end; gap k
    // lies between node k and node k + 1.
    let n = physical.len();
    let loc = |k: usize| -> usize {
        if k == 0 {
            v.start
        } else if k == n + 1 {
            v.end
        } else {
            match physical[k - 1] {
                Item::Stop(s) => p.stops[s].location,
                _ => reload.0,
            }
        }
    };
    let drive: Vec<Time> = (0..=n).map(|k| m.time(loc(k), loc(k + 1))).collect();
    let mut gaps: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    let mut groups = vec![Group::NONE; n + 1];
    let mut leave = vec![0; n + 1];
    let mut latest = vec![0; n + 2];
    let mut from = 0;
    for b in break_order(v) {
        let br = Group::of(&v.breaks[b]);
        // Departure from every node with the breaks placed so far.
        leave[0] = v.shift.start;
        for k in 1..=n {
            let ready = groups[k - 1].ready(leave[k - 1], drive[k - 1]);
            leave[k] = match physical[k - 1] {
                Item::Stop(s) => {
                    let stop = &p.stops[s];
                    ready.max(stop.window.start) + stop.service
                }
                _ => ready + reload.1,
            };
        }
        // The latest ready time at every node that keeps the rest.
        latest[n + 1] = v.shift.end;
        for k in (1..=n).rev() {
            let out = groups[k].latest_leave(drive[k], latest[k + 1]);
            latest[k] = match physical[k - 1] {
                Item::Stop(s) => {
                    let stop = &p.stops[s];
                    stop.window.end.min(out - stop.service)
                }
                _ => out - reload.1,
            };
        }
        let opens = (from..=n)
            .rev()
            .find(|&g| leave[g] <= v.breaks[b].window.start)
            .unwrap_or(from);
        let fits = |g: usize| {
            let group = groups[g].then(br);
            leave[g] <= group.c && group.ready(leave[g], drive[g]) <= latest[g + 1]
        };
        let g = (opens..=n).find(|&g| fits(g)).unwrap_or(opens);
        gaps[g].push(b);
        groups[g] = groups[g].then(br);
        from = g;
    }
    let mut items = Vec::with_capacity(n + v.breaks.len());
    for (k, gap) in gaps.into_iter().enumerate() {
        if k > 0 {
            items.push(physical[k - 1]);
        }
        items.extend(gap.into_iter().map(Item::Break));
    }
    items
}

/// The times of `stops` (indices into the problem's stops, in this order,
/// [`RELOAD`] markers allowed) driven by `vehicle`: reloads where the next
/// stop does not fit, breaks at the earliest moment that keeps the route
/// feasible, waits for windows. Never fails and never reorders: what the
/// order breaks is reported in the plan. Panics on a stop that does not
/// exist.
pub fn schedule(problem: &Problem, vehicle: usize, stops: &[usize]) -> RoutePlan {
    evaluate(problem, vehicle, &layout(problem, vehicle, stops))
}

/// A place for one more stop in a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InsertionOption {
    /// Insert before `route[position]` (at the end when equal to its length).
    pub position: usize,
    /// Distance of the new route's schedule minus the old one's.
    pub added_distance: i64,
    /// Duration (`end - start`) of the new schedule minus the old one's.
    pub added_time: Time,
    /// When the vehicle reaches the new stop, and when it serves it.
    pub arrival: Time,
    pub start: Time,
}

/// The cheapest place (least added distance, then least added time, then
/// the first position) to put `stop` into `vehicle`'s `route` without
/// reordering it, such that [`schedule`] of the new order is feasible (every
/// window, the load of every trip with reloads where needed, the breaks, the
/// shift's end). Never before or among the vehicle's fixed stops that
/// `route` holds. `None` when no place is feasible, when the route as given
/// is not, or when the stop may not ride with this vehicle (pinned or fixed
/// elsewhere) or is already in the route.
///
/// Cost: one schedule of the route, an O(1) test per position (the same
/// route without breaks, a necessary condition), then full schedules of the
/// places that pass, cheapest first, until one is feasible: O(route length)
/// when the first candidates fit.
pub fn best_insertion(
    problem: &Problem,
    vehicle: usize,
    route: &[usize],
    stop: usize,
) -> Option<InsertionOption> {
    let p = problem;
    if stop >= p.stops.len() || route.contains(&stop) || !p.allowed(stop, vehicle) {
        return None;
    }
    let old = schedule(p, vehicle, route);
    if !old.feasible {
        return None;
    }
    let v = &p.vehicles[vehicle];
    let first = route
        .iter()
        .rposition(|s| v.fixed.contains(s))
        .map_or(0, |i| i + 1);
    let mut candidates = match insertion_candidates(p, vehicle, route, stop, first) {
        Some(c) => c,
        None => return best_insertion_by_schedules(p, vehicle, route, stop),
    };
    candidates.sort_unstable();
    let mut best: Option<InsertionOption> = None;
    let mut order = Vec::with_capacity(route.len() + 1);
    for (distance, position) in candidates {
        if best.is_some_and(|b| distance > b.added_distance) {
            break;
        }
        order.clear();
        order.extend_from_slice(&route[..position]);
        order.push(stop);
        order.extend_from_slice(&route[position..]);
        let new = schedule(p, vehicle, &order);
        if !new.feasible {
            continue;
        }
        let option = option(&old, &new, position, stop);
        if best.is_none_or(|b| {
            (option.added_distance, option.added_time, option.position)
                < (b.added_distance, b.added_time, b.position)
        }) {
            best = Some(option);
        }
    }
    best
}

fn option(old: &RoutePlan, new: &RoutePlan, position: usize, stop: usize) -> InsertionOption {
    let (arrival, start) = new
        .visits
        .iter()
        .find_map(|v| match *v {
            Visit::Stop {
                stop: s,
                arrival,
                start,
                ..
            } if s == stop => Some((arrival, start)),
            _ => None,
        })
        .expect("the new stop is in its schedule");
    InsertionOption {
        position,
        added_distance: new.distance - old.distance,
        added_time: (new.end - new.start) - (old.end - old.start),
        arrival,
        start,
    }
}

/// Every position from `first` on that may be feasible, with its exact
/// added distance; `None` when only full schedules tell (a route without
/// stops, or with a [`RELOAD`] marker that `schedule` drops).
///
/// The route's trips as `schedule` makes them: a place where the stop fits
/// its trip keeps every trip (a reload where the next stop did not fit still
/// does not), so the distance adds the two arcs around it. Where it does not
/// fit, `schedule` splits the trip again (and the lazily split trips after
/// it, up to a kept marker or the end): that stretch is walked, O(its
/// length). Time: for each count `j` of the vehicle's breaks (in their
/// order) taken so far, the earliest departure from every node and the
/// latest ready time at it that still lets the other breaks and stops keep
/// their windows; a place passes when some split of the breaks around the
/// new stop keeps everything. That is exact for one break (the schedule's
/// rule finds a feasible place for it whenever there is one) and a
/// necessary condition for more, so the full schedules that follow mostly
/// confirm the first candidate.
fn insertion_candidates(
    p: &Problem,
    vehicle: usize,
    route: &[usize],
    stop: usize,
    first: usize,
) -> Option<Vec<(i64, usize)>> {
    let v = &p.vehicles[vehicle];
    let m = &p.matrix;
    let new = &p.stops[stop];
    // Physical nodes: 0 the start, then stops and reloads, then the end.
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Start,
        Stop(usize),
        Lazy,
        Marker,
        End,
    }
    let reload = v.reload.map_or((v.start, 0), |r| (r.location, r.duration));
    let mut kinds = vec![Kind::Start];
    let mut node_of = Vec::with_capacity(route.len());
    let (mut load, mut trip_has_stops) = (0, false);
    for &s in route {
        if s == RELOAD {
            if v.reload.is_some() && trip_has_stops {
                kinds.push(Kind::Marker);
                (load, trip_has_stops) = (0, false);
                node_of.push(kinds.len() - 1);
                continue;
            }
            return None;
        }
        let demand = p.stops[s].demand;
        if v.reload.is_some() && trip_has_stops && load + demand > v.capacity {
            kinds.push(Kind::Lazy);
            load = 0;
        }
        kinds.push(Kind::Stop(s));
        node_of.push(kinds.len() - 1);
        load += demand;
        trip_has_stops = true;
    }
    if !trip_has_stops {
        // No stops, or a marker at the end that `schedule` drops.
        return None;
    }
    kinds.push(Kind::End);
    let n = kinds.len();
    let locs: Vec<usize> = kinds
        .iter()
        .map(|&k| match k {
            Kind::Start => v.start,
            Kind::Stop(s) => p.stops[s].location,
            Kind::Lazy | Kind::Marker => reload.0,
            Kind::End => v.end,
        })
        .collect();
    // The breaks i+1..=j (in their order) taken in one gap: `span[i][j]`.
    let order = break_order(v);
    let nb = order.len();
    let w = nb + 1;
    let mut span = vec![Group::NONE; w * w];
    for i in 0..w {
        for j in i + 1..w {
            span[i * w + j] = span[i * w + j - 1].then(Group::of(&v.breaks[order[j - 1]]));
        }
    }
    // Leaving a node served from `ready` on, or NEG/POS when it cannot.
    let serve = |kind: Kind, ready: Time| -> Time {
        match kind {
            Kind::Stop(s) => {
                let st = &p.stops[s];
                let start = ready.max(st.window.start);
                if start > st.window.end {
                    POS
                } else {
                    start + st.service
                }
            }
            Kind::Lazy | Kind::Marker => ready + reload.1,
            _ => ready,
        }
    };
    // One step of the earliest departures: from `from` (per breaks taken)
    // over a drive of `t` into a node of `kind`.
    let step = |from: &[Time], t: Time, kind: Kind, to: &mut [Time]| {
        for j in 0..w {
            let mut best = POS;
            for i in 0..=j {
                let g = span[i * w + j];
                if from[i] < POS && from[i] <= g.c {
                    best = best.min(serve(kind, g.ready(from[i], t)));
                }
            }
            to[j] = best;
        }
    };
    // Distance up to each node, each node's trip (its first node) and the
    // trip's load; the earliest departures.
    let mut upto = vec![0i64; n];
    let mut trip_of = vec![0usize; n];
    let mut trip_load = vec![0i64; n];
    let mut early = vec![POS; n * w];
    early[0] = v.shift.start;
    for k in 1..n {
        upto[k] = upto[k - 1] + m.distance(locs[k - 1], locs[k]);
        let (done, rest) = early.split_at_mut(k * w);
        step(
            &done[(k - 1) * w..],
            m.time(locs[k - 1], locs[k]),
            kinds[k],
            &mut rest[..w],
        );
        trip_of[k] = match kinds[k] {
            Kind::Lazy | Kind::Marker => k,
            _ => trip_of[k - 1],
        };
        if let Kind::Stop(s) = kinds[k] {
            trip_load[trip_of[k]] += p.stops[s].demand;
        }
    }
    let total: i64 = trip_load.iter().sum();
    // The latest ready times (per breaks taken before it) at a node of
    // `kind`, `t` before a node whose latest ready times are `next`.
    let back = |kind: Kind, t: Time, next: &[Time], out: &mut [Time]| {
        for j in 0..w {
            let mut leave = NEG;
            for l in j..w {
                if next[l] > NEG {
                    leave = leave.max(span[j * w + l].latest_leave(t, next[l]));
                }
            }
            out[j] = match kind {
                Kind::Stop(s) => {
                    let st = &p.stops[s];
                    if leave - st.service < st.window.start {
                        NEG
                    } else {
                        st.window.end.min(leave - st.service)
                    }
                }
                _ => leave - reload.1,
            };
        }
    };
    let mut late = vec![NEG; n * w];
    late[(n - 1) * w + nb] = v.shift.end;
    for k in (1..n - 1).rev() {
        let (head, tail) = late.split_at_mut((k + 1) * w);
        back(
            kinds[k],
            m.time(locs[k], locs[k + 1]),
            &tail[..w],
            &mut head[k * w..],
        );
    }
    // Whether departures `from` (per breaks taken) reach a node `t` away
    // whose latest ready times are `to`.
    let reaches = |from: &[Time], t: Time, to: &[Time]| {
        (0..w).any(|i| {
            from[i] < POS
                && (i..w).any(|l| {
                    let g = span[i * w + l];
                    from[i] <= g.c && g.ready(from[i], t) <= to[l]
                })
        })
    };
    // Each trip's load up to each node, and the node after its last stop.
    let mut load_upto = vec![0i64; n];
    for k in 1..n {
        load_upto[k] = match kinds[k] {
            Kind::Stop(s) if trip_of[k] == trip_of[k - 1] => load_upto[k - 1] + p.stops[s].demand,
            Kind::Stop(s) => p.stops[s].demand,
            _ => 0,
        };
    }
    let mut trip_end = vec![n - 1; n];
    for k in (0..n - 1).rev() {
        trip_end[k] = match kinds[k + 1] {
            Kind::Lazy | Kind::Marker | Kind::End => k + 1,
            _ => trip_end[k + 1],
        };
    }
    if new.demand > v.capacity || (v.reload.is_none() && total + new.demand > v.capacity) {
        return Some(Vec::new());
    }
    let c = new.location;
    let mut out = Vec::new();
    let mut here_early = vec![POS; w];
    let mut next_early = vec![POS; w];
    // The split of the current trip (see below).
    let (mut split_trip, mut split_at, mut split_delta) = (usize::MAX, 0, 0);
    let mut split_reload = vec![NEG; w];
    let mut split_late = vec![NEG; n * w];
    for i in first..=route.len() {
        let a = if i == 0 { 0 } else { node_of[i - 1] };
        let b = a + 1;
        let trip = trip_of[a];
        if v.reload.is_none() || trip_load[trip] + new.demand <= v.capacity {
            step(
                &early[a * w..(a + 1) * w],
                m.time(locs[a], c),
                Kind::Stop(stop),
                &mut here_early,
            );
            if reaches(&here_early, m.time(c, locs[b]), &late[b * w..(b + 1) * w]) {
                let delta =
                    m.distance(locs[a], c) + m.distance(c, locs[b]) - m.distance(locs[a], locs[b]);
                out.push((delta, i));
            }
            continue;
        }
        // It does not fit its trip: `schedule` splits it once, before the
        // first stop where the load with the new stop exceeds the capacity
        // (the same split for every place before it), or, placed after that
        // stop, just before the new stop, if the rest fits with it.
        // A trip that `schedule` ended itself (the next stop did not fit)
        // still ends there when its new last part and that stop are over
        // the capacity; then the rest of the route is as it was.
        let last = trip_end[trip];
        let stays = |tail: i64| match kinds[last] {
            Kind::Lazy => match kinds[last + 1] {
                Kind::Stop(s) => tail + p.stops[s].demand > v.capacity,
                _ => false,
            },
            _ => true,
        };
        {
            if split_trip != trip {
                split_trip = trip;
                split_at = (trip + 1..last)
                    .find(|&k| load_upto[k] + new.demand > v.capacity)
                    .expect("the trip is over");
                // Latest ready times with a reload before `split_at`.
                let q = split_at;
                back(
                    Kind::Lazy,
                    m.time(reload.0, locs[q]),
                    &late[q * w..(q + 1) * w],
                    &mut split_reload,
                );
                let mut next_loc = reload.0;
                for k in (trip + 1..q).rev() {
                    let (head, tail) = split_late.split_at_mut((k + 1) * w);
                    let next: &[Time] = if k + 1 == q {
                        &split_reload
                    } else {
                        &tail[..w]
                    };
                    back(
                        kinds[k],
                        m.time(locs[k], next_loc),
                        next,
                        &mut head[k * w..],
                    );
                    next_loc = locs[k];
                }
                split_delta = m.distance(locs[q - 1], reload.0) + m.distance(reload.0, locs[q])
                    - m.distance(locs[q - 1], locs[q]);
            }
            let q = split_at;
            if a < q && stays(trip_load[trip] - load_upto[q - 1]) {
                step(
                    &early[a * w..(a + 1) * w],
                    m.time(locs[a], c),
                    Kind::Stop(stop),
                    &mut here_early,
                );
                let (next_loc, next): (usize, &[Time]) = if a + 1 == q {
                    (reload.0, &split_reload)
                } else {
                    (locs[a + 1], &split_late[(a + 1) * w..(a + 2) * w])
                };
                if reaches(&here_early, m.time(c, next_loc), next) {
                    let delta = split_delta + m.distance(locs[a], c) + m.distance(c, next_loc)
                        - m.distance(locs[a], next_loc);
                    out.push((delta, i));
                }
                continue;
            }
            let rest = trip_load[trip] - load_upto[a] + new.demand;
            if a >= q && rest <= v.capacity && stays(rest) {
                step(
                    &early[a * w..(a + 1) * w],
                    m.time(locs[a], reload.0),
                    Kind::Lazy,
                    &mut next_early,
                );
                step(
                    &next_early,
                    m.time(reload.0, c),
                    Kind::Stop(stop),
                    &mut here_early,
                );
                if reaches(&here_early, m.time(c, locs[b]), &late[b * w..(b + 1) * w]) {
                    let delta = m.distance(locs[a], reload.0)
                        + m.distance(reload.0, c)
                        + m.distance(c, locs[b])
                        - m.distance(locs[a], locs[b]);
                    out.push((delta, i));
                }
                continue;
            }
        }
        // Otherwise the trip is split again from its first node up to the
        // next kept marker or the end, as `schedule` would: walked.
        let end = (b..n)
            .find(|&k| matches!(kinds[k], Kind::Marker | Kind::End))
            .expect("the end");
        let stretch = (trip + 1..=a)
            .chain(std::iter::once(usize::MAX))
            .chain(b..end)
            .filter_map(|k| match k {
                usize::MAX => Some(stop),
                k => match kinds[k] {
                    Kind::Stop(s) => Some(s),
                    _ => None,
                },
            });
        here_early.copy_from_slice(&early[trip * w..(trip + 1) * w]);
        let (mut here, mut dist) = (locs[trip], 0);
        let (mut load, mut has) = (0, false);
        let mut ok = true;
        for s in stretch {
            let st = &p.stops[s];
            if has && load + st.demand > v.capacity {
                dist += m.distance(here, reload.0);
                step(
                    &here_early,
                    m.time(here, reload.0),
                    Kind::Lazy,
                    &mut next_early,
                );
                std::mem::swap(&mut here_early, &mut next_early);
                here = reload.0;
                load = 0;
            }
            dist += m.distance(here, st.location);
            step(
                &here_early,
                m.time(here, st.location),
                Kind::Stop(s),
                &mut next_early,
            );
            std::mem::swap(&mut here_early, &mut next_early);
            if here_early.iter().all(|&t| t == POS) {
                ok = false;
                break;
            }
            here = st.location;
            load += st.demand;
            has = true;
        }
        if ok
            && reaches(
                &here_early,
                m.time(here, locs[end]),
                &late[end * w..(end + 1) * w],
            )
        {
            dist += m.distance(here, locs[end]);
            out.push((dist - (upto[end] - upto[trip]), i));
        }
    }
    Some(out)
}

/// [`best_insertion`] by brute force: a full schedule per position. For
/// tests.
#[doc(hidden)]
pub fn best_insertion_by_schedules(
    problem: &Problem,
    vehicle: usize,
    route: &[usize],
    stop: usize,
) -> Option<InsertionOption> {
    let p = problem;
    if stop >= p.stops.len() || route.contains(&stop) || !p.allowed(stop, vehicle) {
        return None;
    }
    let old = schedule(p, vehicle, route);
    if !old.feasible {
        return None;
    }
    let v = &p.vehicles[vehicle];
    let first = route
        .iter()
        .rposition(|s| v.fixed.contains(s))
        .map_or(0, |i| i + 1);
    let mut best: Option<InsertionOption> = None;
    for position in first..=route.len() {
        let mut order = route.to_vec();
        order.insert(position, stop);
        let new = schedule(p, vehicle, &order);
        if !new.feasible {
            continue;
        }
        let o = option(&old, &new, position, stop);
        if best.is_none_or(|b| {
            (o.added_distance, o.added_time, o.position)
                < (b.added_distance, b.added_time, b.position)
        }) {
            best = Some(o);
        }
    }
    best
}
