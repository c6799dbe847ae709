//! The problem flattened for the search's inner loops: one array per field.

use crate::plan::{self, Group, Item};
use crate::problem::Problem;

/// In a route's node list: a stop is its index; a reload and a break are
/// these.
pub(super) const RELOAD_NODE: u32 = u32::MAX;
pub(super) const BREAK_NODE: u32 = u32::MAX - 4096;

#[inline]
pub(super) fn is_stop(node: u32) -> bool {
    node < BREAK_NODE
}

pub(super) struct VehicleData {
    pub start: u32,
    pub end: u32,
    pub shift_start: i64,
    pub shift_end: i64,
    pub capacity: i64,
    pub fixed_cost: i64,
    /// Vehicles of one class are interchangeable: an empty route of a class
    /// is tried once per stop, not once per vehicle.
    pub class: usize,
    /// (location, duration) of the reload, if any.
    pub reload: Option<(u32, i64)>,
    /// Each break as a one-break [`Group`], by index into `Vehicle::breaks`.
    pub breaks: Vec<Group>,
    /// The order a route takes them in.
    pub break_order: Vec<usize>,
    /// How many stops are fixed at the head of the route.
    pub fixed: usize,
    /// The route the search starts from: the fixed stops with their reloads
    /// and breaks (empty without fixed stops).
    pub initial: Vec<u32>,
    /// No reload, no breaks, no fixed stops: the Solomon path.
    pub simple: bool,
}

pub(super) struct Data {
    size: usize,
    dist: Vec<i64>,
    time: Vec<i64>,
    pub loc: Vec<u32>,
    pub demand: Vec<i64>,
    pub ready: Vec<i64>,
    pub due: Vec<i64>,
    pub service: Vec<i64>,
    pub vehicles: Vec<VehicleData>,
    pub classes: usize,
    /// For each stop, the other stops nearest first (at most `NEIGHBOURS`).
    pub neighbours: Vec<Vec<u32>>,
    /// Distance from the first vehicle's start (the depot), for sorting.
    pub from_depot: Vec<i64>,
    /// Each stop's allowed vehicles; empty: any.
    pub pins: Vec<Vec<usize>>,
}

const NEIGHBOURS: usize = 200;

impl Data {
    pub fn new(p: &Problem) -> Self {
        let m = p.matrix();
        let size = m.size();
        let mut dist = Vec::with_capacity(size * size);
        let mut time = Vec::with_capacity(size * size);
        for a in 0..size {
            for b in 0..size {
                dist.push(m.distance(a, b));
                time.push(m.time(a, b));
            }
        }
        let stops = p.stops();
        let mut due: Vec<i64> = stops.iter().map(|s| s.window.end).collect();
        let mut vehicles: Vec<VehicleData> = Vec::new();
        let mut classes = 0;
        for (i, v) in p.vehicles().iter().enumerate() {
            let mut data = VehicleData {
                start: v.start as u32,
                end: v.end as u32,
                shift_start: v.shift.start,
                shift_end: v.shift.end,
                capacity: v.capacity,
                fixed_cost: v.fixed_cost,
                class: 0,
                reload: v.reload.map(|r| (r.location as u32, r.duration)),
                breaks: v.breaks.iter().map(Group::of).collect(),
                break_order: plan::break_order(v),
                fixed: v.fixed.len(),
                initial: Vec::new(),
                simple: v.reload.is_none() && v.breaks.is_empty() && v.fixed.is_empty(),
            };
            if !v.fixed.is_empty() {
                // The search starts from the fixed stops as `schedule` lays
                // them out. What they already break (a committed stop that
                // will be late, the shift or a break's window overrun) is
                // relaxed for the search, so it can plan the rest; the plan
                // still reports it.
                // Breaks go after the fixed stops when they can: there the
                // search moves them as stops go in around them, while a
                // break among fixed stops stays where it is.
                // The last breaks first, so they stay in their order.
                let mut items = plan::layout(p, i, &v.fixed);
                let mut head = plan::evaluate(p, i, &items);
                for (moved, &b) in data.break_order.iter().rev().enumerate() {
                    let mut later: Vec<Item> = items
                        .iter()
                        .copied()
                        .filter(|&x| x != Item::Break(b))
                        .collect();
                    later.insert(later.len() - moved, Item::Break(b));
                    if later == items {
                        continue;
                    }
                    let plan = plan::evaluate(p, i, &later);
                    if !plan.feasible {
                        break;
                    }
                    (items, head) = (later, plan);
                }
                let mut breaks_seen = 0;
                for visit in &head.visits {
                    match *visit {
                        crate::Visit::Stop { stop, start, .. } => {
                            due[stop] = due[stop].max(start);
                        }
                        crate::Visit::Break { start, .. } => {
                            let b = data.break_order[breaks_seen];
                            data.breaks[b].c = data.breaks[b].c.max(start);
                            breaks_seen += 1;
                        }
                        crate::Visit::Reload { .. } => {}
                    }
                }
                data.shift_end = data.shift_end.max(head.end);
                for &(_, by) in &head.over_capacity {
                    data.capacity = data.capacity.max(v.capacity + by);
                }
                data.initial = items
                    .iter()
                    .map(|item| match *item {
                        Item::Stop(s) => s as u32,
                        Item::Reload => RELOAD_NODE,
                        Item::Break(b) => BREAK_NODE + b as u32,
                    })
                    .collect();
            }
            let same = vehicles.iter().find(|w| {
                w.fixed == 0
                    && data.fixed == 0
                    && (
                        w.start,
                        w.end,
                        w.shift_start,
                        w.shift_end,
                        w.capacity,
                        w.fixed_cost,
                        w.reload,
                        &w.breaks,
                    ) == (
                        data.start,
                        data.end,
                        data.shift_start,
                        data.shift_end,
                        data.capacity,
                        data.fixed_cost,
                        data.reload,
                        &data.breaks,
                    )
            });
            data.class = match same {
                Some(w) => w.class,
                None => {
                    classes += 1;
                    classes - 1
                }
            };
            vehicles.push(data);
        }
        let loc: Vec<u32> = stops.iter().map(|s| s.location as u32).collect();
        let depot = p.vehicles()[0].start;
        let neighbours = (0..stops.len())
            .map(|i| {
                let mut others: Vec<u32> = (0..stops.len() as u32)
                    .filter(|&j| j as usize != i)
                    .collect();
                let li = stops[i].location;
                let key = |&j: &u32| {
                    let lj = stops[j as usize].location;
                    (m.distance(li, lj) + m.distance(lj, li), j)
                };
                if others.len() > NEIGHBOURS {
                    others.select_nth_unstable_by_key(NEIGHBOURS, key);
                    others.truncate(NEIGHBOURS);
                }
                others.sort_unstable_by_key(key);
                others
            })
            .collect();
        Data {
            size,
            dist,
            time,
            demand: stops.iter().map(|s| s.demand).collect(),
            ready: stops.iter().map(|s| s.window.start).collect(),
            due,
            service: stops.iter().map(|s| s.service).collect(),
            from_depot: stops
                .iter()
                .map(|s| m.distance(depot, s.location))
                .collect(),
            pins: stops.iter().map(|s| s.vehicles.clone()).collect(),
            loc,
            vehicles,
            classes,
            neighbours,
        }
    }

    #[inline]
    pub fn dist(&self, a: u32, b: u32) -> i64 {
        self.dist[a as usize * self.size + b as usize]
    }

    #[inline]
    pub fn time(&self, a: u32, b: u32) -> i64 {
        self.time[a as usize * self.size + b as usize]
    }

    pub fn max_distance(&self) -> i64 {
        self.dist.iter().copied().max().unwrap_or(0)
    }
}
