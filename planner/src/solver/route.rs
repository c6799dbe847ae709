//! One vehicle's route with the caches that make an insertion check O(1):
//! the departure time from every node and the latest arrival at every node
//! that keeps the rest of the route on time (the forward time slack seen from
//! the other end).

use super::data::Data;

pub(super) struct Route {
    pub vehicle: usize,
    pub stops: Vec<u32>,
    /// `locs[0]` the vehicle's start, then each stop's location, then its end.
    pub locs: Vec<u32>,
    /// `dep[k]`: when the vehicle leaves node k (k = 0 is the start).
    pub dep: Vec<i64>,
    /// `latest[k]`: the latest arrival at node k (k >= 1) that keeps every
    /// later node in its window and the end in the shift.
    pub latest: Vec<i64>,
    pub load: i64,
    pub distance: i64,
}

impl Clone for Route {
    fn clone(&self) -> Self {
        Route {
            vehicle: self.vehicle,
            stops: self.stops.clone(),
            locs: self.locs.clone(),
            dep: self.dep.clone(),
            latest: self.latest.clone(),
            load: self.load,
            distance: self.distance,
        }
    }

    // Reuses the buffers: the search copies changed routes every iteration.
    fn clone_from(&mut self, other: &Self) {
        self.vehicle = other.vehicle;
        self.stops.clone_from(&other.stops);
        self.locs.clone_from(&other.locs);
        self.dep.clone_from(&other.dep);
        self.latest.clone_from(&other.latest);
        self.load = other.load;
        self.distance = other.distance;
    }
}

/// Where a stop can go and what it adds.
#[derive(Clone, Copy)]
pub(super) struct Insertion {
    pub route: usize,
    /// Insert before `stops[position]` (at the end when equal to the length).
    pub position: usize,
    pub delta: i64,
}

impl Route {
    pub fn empty(vehicle: usize, d: &Data) -> Self {
        let mut r = Route {
            vehicle,
            stops: Vec::new(),
            locs: Vec::new(),
            dep: Vec::new(),
            latest: Vec::new(),
            load: 0,
            distance: 0,
        };
        r.update(d);
        r
    }

    /// Recomputes the caches; false when the route breaks a window, the
    /// shift or the capacity (possible after a removal when the matrix does
    /// not keep the triangle inequality, as truncated distances do not).
    pub fn update(&mut self, d: &Data) -> bool {
        let v = &d.vehicles[self.vehicle];
        let n = self.stops.len();
        self.locs.clear();
        self.locs.push(v.start);
        self.locs
            .extend(self.stops.iter().map(|&s| d.loc[s as usize]));
        self.locs.push(v.end);
        self.dep.clear();
        self.dep.push(v.shift_start);
        let mut ok = true;
        let mut load = 0;
        let mut distance = 0;
        for k in 1..=n {
            let s = self.stops[k - 1] as usize;
            let (a, b) = (self.locs[k - 1], self.locs[k]);
            distance += d.dist(a, b);
            load += d.demand[s];
            let arrive = self.dep[k - 1] + d.time(a, b);
            if arrive > d.due[s] {
                ok = false;
            }
            self.dep.push(arrive.max(d.ready[s]) + d.service[s]);
        }
        let (a, b) = (self.locs[n], self.locs[n + 1]);
        distance += if n == 0 { 0 } else { d.dist(a, b) };
        if self.dep[n] + d.time(a, b) > v.shift_end && n > 0 {
            ok = false;
        }
        self.latest.clear();
        self.latest.resize(n + 2, 0);
        self.latest[n + 1] = v.shift_end;
        for k in (1..=n).rev() {
            let s = self.stops[k - 1] as usize;
            let back = self.latest[k + 1] - d.time(self.locs[k], self.locs[k + 1]) - d.service[s];
            self.latest[k] = d.due[s].min(back);
        }
        self.load = load;
        self.distance = distance;
        ok && load <= v.capacity
    }

    /// The cheapest place for stop `s` in this route whose added distance is
    /// below `bound`, skipping each place with probability `blink` (SISR's
    /// blinks). Returns (position, delta).
    #[inline]
    pub fn best_insertion(
        &self,
        d: &Data,
        s: usize,
        mut bound: i64,
        blink_threshold: u64,
        rng: &mut crate::rng::Rng,
    ) -> Option<(usize, i64)> {
        let v = &d.vehicles[self.vehicle];
        if self.load + d.demand[s] > v.capacity {
            return None;
        }
        let c = d.loc[s];
        let (ready, due, service) = (d.ready[s], d.due[s], d.service[s]);
        let mut best = None;
        for k in 0..=self.stops.len() {
            if blink_threshold > 0 && rng.next_u64() < blink_threshold {
                continue;
            }
            let (prev, next) = (self.locs[k], self.locs[k + 1]);
            let delta = d.dist(prev, c) + d.dist(c, next)
                - if self.stops.is_empty() {
                    0
                } else {
                    d.dist(prev, next)
                };
            if delta >= bound {
                continue;
            }
            let arrive = self.dep[k] + d.time(prev, c);
            if arrive > due {
                continue;
            }
            let back = arrive.max(ready) + service + d.time(c, next);
            if back > self.latest[k + 1] {
                continue;
            }
            bound = delta;
            best = Some((k, delta));
        }
        best
    }
}
