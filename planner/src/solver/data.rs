//! The problem flattened for the search's inner loops: one array per field.

use crate::problem::Problem;

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
        let mut vehicles: Vec<VehicleData> = Vec::new();
        let mut classes = 0;
        for v in p.vehicles() {
            let same = vehicles.iter().find(|w| {
                (
                    w.start,
                    w.end,
                    w.shift_start,
                    w.shift_end,
                    w.capacity,
                    w.fixed_cost,
                ) == (
                    v.start as u32,
                    v.end as u32,
                    v.shift.start,
                    v.shift.end,
                    v.capacity,
                    v.fixed_cost,
                )
            });
            let class = match same {
                Some(w) => w.class,
                None => {
                    classes += 1;
                    classes - 1
                }
            };
            vehicles.push(VehicleData {
                start: v.start as u32,
                end: v.end as u32,
                shift_start: v.shift.start,
                shift_end: v.shift.end,
                capacity: v.capacity,
                fixed_cost: v.fixed_cost,
                class,
            });
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
            due: stops.iter().map(|s| s.window.end).collect(),
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
