//! One vehicle's route with the caches that make an insertion check O(1):
//! the departure time from every node and the latest arrival at every node
//! that keeps the rest of the route on time (the forward time slack seen from
//! the other end).
//!
//! Two paths. A vehicle with no reload, no breaks and no fixed stops (every
//! Solomon vehicle) keeps the plain caches and the three-comparison check.
//! Otherwise the node list also holds reloads (physical nodes at the reload
//! location that start a new trip) and breaks (no place: a break between
//! physical nodes A and B changes the drive A-B as `plan::Group` says), and
//! the caches are per position `p` (0 the start, `m + 1` the end):
//! the physical node at or before `p` (`locs`, its departure `dep`, the
//! breaks after it up to `p` as one `Group` `g1`), the physical node at or
//! after `p` (`nloc`), the latest arrival at its door and the latest
//! departure of whatever precedes the breaks from `p` on (`latest`,
//! `lat_dep`), and the trip's load around `p`. Still O(1) per place.

use super::data::{is_stop, Data, BREAK_NODE, RELOAD_NODE};
use crate::plan::{Group, NEG, POS};

pub(super) struct Route {
    pub vehicle: usize,
    /// Stops (and on the general path reloads and breaks), in order.
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
    /// The general path's caches (empty on the simple path).
    pub general: bool,
    pub nloc: Vec<u32>,
    pub g1: Vec<Group>,
    pub lat_dep: Vec<i64>,
    /// Load of the trip the gap after position p belongs to, and of its stops
    /// up to p; the same in stops.
    pub trip_load: Vec<i64>,
    pub load_before: Vec<i64>,
    pub trip_stops: Vec<u32>,
    pub stops_before: Vec<u32>,
    /// Stops go after this position (the last fixed stop's).
    pub fixed_pos: usize,
    pub n_stops: usize,
    /// Changes with the route's content (set by the search after each
    /// change): a stop that did not fit a version need not try it again.
    pub version: u64,
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
            general: self.general,
            nloc: self.nloc.clone(),
            g1: self.g1.clone(),
            lat_dep: self.lat_dep.clone(),
            trip_load: self.trip_load.clone(),
            load_before: self.load_before.clone(),
            trip_stops: self.trip_stops.clone(),
            stops_before: self.stops_before.clone(),
            fixed_pos: self.fixed_pos,
            n_stops: self.n_stops,
            version: self.version,
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
        self.general = other.general;
        if self.general {
            self.nloc.clone_from(&other.nloc);
            self.g1.clone_from(&other.g1);
            self.lat_dep.clone_from(&other.lat_dep);
            self.trip_load.clone_from(&other.trip_load);
            self.load_before.clone_from(&other.load_before);
            self.trip_stops.clone_from(&other.trip_stops);
            self.stops_before.clone_from(&other.stops_before);
        }
        self.fixed_pos = other.fixed_pos;
        self.n_stops = other.n_stops;
        self.version = other.version;
    }
}

/// Where a stop can go and what it adds.
#[derive(Clone, Copy)]
pub(super) struct Insertion {
    pub route: usize,
    /// Insert before `stops[position]` (at the end when equal to the length).
    pub position: usize,
    pub delta: i64,
    pub how: How,
}

/// How a stop goes in (the general path's options).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum How {
    Plain,
    /// A new trip: a reload just before the stop, or just after it.
    ReloadBefore,
    ReloadAfter,
    /// Into an empty route with breaks: the first `split` breaks (in their
    /// order) before the stop, the rest after.
    Open {
        split: usize,
    },
}

impl Route {
    /// The vehicle's route at the start of the search: empty, or its fixed
    /// stops.
    pub fn initial(vehicle: usize, d: &Data) -> Self {
        let v = &d.vehicles[vehicle];
        let mut r = Route {
            vehicle,
            stops: v.initial.clone(),
            locs: Vec::new(),
            dep: Vec::new(),
            latest: Vec::new(),
            load: 0,
            distance: 0,
            general: !v.simple,
            nloc: Vec::new(),
            g1: Vec::new(),
            lat_dep: Vec::new(),
            trip_load: Vec::new(),
            load_before: Vec::new(),
            trip_stops: Vec::new(),
            stops_before: Vec::new(),
            fixed_pos: 0,
            n_stops: 0,
            version: vehicle as u64,
        };
        r.update(d);
        r
    }

    /// Puts stop `c` in as `how` says, before `stops[position]`.
    pub fn insert(&mut self, d: &Data, position: usize, how: How, c: u32) {
        match how {
            How::Plain => self.stops.insert(position, c),
            How::ReloadBefore => {
                self.stops.insert(position, c);
                self.stops.insert(position, RELOAD_NODE);
            }
            How::ReloadAfter => {
                self.stops.insert(position, RELOAD_NODE);
                self.stops.insert(position, c);
            }
            How::Open { split } => {
                debug_assert!(self.stops.is_empty());
                let order = &d.vehicles[self.vehicle].break_order;
                self.stops
                    .extend(order[..split].iter().map(|&b| BREAK_NODE + b as u32));
                self.stops.push(c);
                self.stops
                    .extend(order[split..].iter().map(|&b| BREAK_NODE + b as u32));
            }
        }
    }

    /// Recomputes the caches; false when the route breaks a window, the
    /// shift or the capacity (possible after a removal when the matrix does
    /// not keep the triangle inequality, as truncated distances do not).
    pub fn update(&mut self, d: &Data) -> bool {
        if self.general {
            return self.update_general(d);
        }
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
    /// blinks). Returns (position, delta, how).
    #[inline]
    pub fn best_insertion(
        &self,
        d: &Data,
        s: usize,
        bound: i64,
        blink_threshold: u64,
        rng: &mut crate::rng::Rng,
    ) -> Option<(usize, i64, How)> {
        if self.general {
            return self.best_insertion_general(d, s, bound, blink_threshold, rng);
        }
        self.best_insertion_simple(d, s, bound, blink_threshold, rng)
            .map(|(p, delta)| (p, delta, How::Plain))
    }

    #[inline]
    fn best_insertion_simple(
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

impl Route {
    /// Drops reloads that leave a trip without stops, and every break and
    /// reload of a route without stops.
    fn tidy(&mut self) {
        let mut stops_since = 0;
        let mut n_stops = 0;
        // A reload is kept when a stop came since the last kept one and
        // another comes before the next.
        let mut keep = vec![true; self.stops.len()];
        let mut pending: Option<usize> = None;
        for (i, &node) in self.stops.iter().enumerate() {
            if is_stop(node) {
                n_stops += 1;
                stops_since += 1;
                pending = None;
            } else if node == RELOAD_NODE {
                if stops_since == 0 {
                    keep[i] = false;
                } else {
                    pending = Some(i);
                    stops_since = 0;
                }
            }
        }
        if let Some(j) = pending {
            keep[j] = false;
        }
        if n_stops == 0 {
            self.stops.clear();
        } else if keep.iter().any(|k| !k) {
            let mut i = 0;
            self.stops.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
    }

    /// Merges two trips whose loads fit one: drops the reload between them.
    /// True when one went.
    pub fn merge_trips(&mut self, d: &Data) -> bool {
        let v = &d.vehicles[self.vehicle];
        if v.reload.is_none() {
            return false;
        }
        let mut merged = false;
        let mut before = 0; // load of the trip before the last reload
        let mut last_reload: Option<usize> = None;
        let mut load = 0;
        let mut i = 0;
        while i < self.stops.len() {
            let node = self.stops[i];
            if is_stop(node) {
                load += d.demand[node as usize];
            } else if node == RELOAD_NODE {
                if last_reload.is_some() && before + load <= v.capacity {
                    // The trip before the last reload and this one fit one.
                    let j = last_reload.unwrap();
                    self.stops.remove(j);
                    merged = true;
                    i -= 1;
                    before += load;
                } else {
                    before = load;
                }
                last_reload = Some(i);
                load = 0;
            }
            i += 1;
        }
        if let Some(j) = last_reload {
            if before + load <= v.capacity {
                self.stops.remove(j);
                merged = true;
            }
        }
        merged
    }

    fn update_general(&mut self, d: &Data) -> bool {
        self.tidy();
        let v = &d.vehicles[self.vehicle];
        let m = self.stops.len();
        let len = m + 2;
        for buf in [&mut self.locs, &mut self.nloc] {
            buf.clear();
            buf.resize(len, 0);
        }
        for buf in [
            &mut self.dep,
            &mut self.latest,
            &mut self.lat_dep,
            &mut self.trip_load,
            &mut self.load_before,
        ] {
            buf.clear();
            buf.resize(len, 0);
        }
        for buf in [&mut self.trip_stops, &mut self.stops_before] {
            buf.clear();
            buf.resize(len, 0);
        }
        self.g1.clear();
        self.g1.resize(len, Group::NONE);
        let (reload_loc, reload_time) = v.reload.unwrap_or((v.start, 0));
        let mut ok = true;
        // Forward: times, distance, loads.
        self.locs[0] = v.start;
        self.dep[0] = v.shift_start;
        let (mut here, mut leave, mut group) = (v.start, v.shift_start, Group::NONE);
        let mut distance = 0;
        let (mut load, mut stops_in_trip, mut total, mut n_stops) = (0, 0u32, 0, 0);
        let mut fixed_pos = 0;
        for k in 1..len {
            let node = if k <= m {
                self.stops[k - 1]
            } else {
                u32::MAX - 1
            };
            if k <= m && !is_stop(node) && node != RELOAD_NODE {
                group = group.then(v.breaks[(node - BREAK_NODE) as usize]);
                self.locs[k] = here;
                self.dep[k] = leave;
                self.g1[k] = group;
                self.load_before[k] = load;
                self.stops_before[k] = stops_in_trip;
                continue;
            }
            let loc = if k > m {
                v.end
            } else if node == RELOAD_NODE {
                reload_loc
            } else {
                d.loc[node as usize]
            };
            distance += d.dist(here, loc);
            if leave > group.c {
                ok = false;
            }
            let ready = group.ready(leave, d.time(here, loc));
            if k > m {
                if ready > v.shift_end {
                    ok = false;
                }
                leave = ready;
            } else if node == RELOAD_NODE {
                leave = ready + reload_time;
                load = 0;
                stops_in_trip = 0;
            } else {
                let s = node as usize;
                let start = ready.max(d.ready[s]);
                if start > d.due[s] {
                    ok = false;
                }
                leave = start + d.service[s];
                load += d.demand[s];
                total += d.demand[s];
                stops_in_trip += 1;
                n_stops += 1;
                if n_stops == v.fixed {
                    fixed_pos = k;
                }
            }
            here = loc;
            group = Group::NONE;
            self.locs[k] = loc;
            self.dep[k] = leave;
            self.load_before[k] = load;
            self.stops_before[k] = stops_in_trip;
        }
        // Trip totals, from the end.
        let (mut trip, mut trip_n) = (self.load_before[m + 1], self.stops_before[m + 1]);
        for k in (0..len).rev() {
            let reload_here = k >= 1 && k <= m && self.stops[k - 1] == RELOAD_NODE;
            if reload_here {
                // The gap after a reload belongs to the trip after it, whose
                // totals are already set; the reload ends the trip before.
                self.trip_load[k] = trip;
                self.trip_stops[k] = trip_n;
                trip = self.load_before[k - 1];
                trip_n = self.stops_before[k - 1];
                if k == 1 {
                    trip = 0;
                    trip_n = 0;
                }
                continue;
            }
            self.trip_load[k] = trip;
            self.trip_stops[k] = trip_n;
            if trip > v.capacity {
                ok = false;
            }
        }
        // Backward: latest arrival at the next physical node's door.
        self.latest[m + 1] = v.shift_end;
        self.lat_dep[m + 1] = POS;
        self.nloc[m + 1] = v.end;
        let (mut next_lr, mut next_loc, mut group) = (v.shift_end, v.end, Group::NONE);
        for k in (1..=m).rev() {
            let node = self.stops[k - 1];
            self.nloc[k] = next_loc;
            if !is_stop(node) && node != RELOAD_NODE {
                group = v.breaks[(node - BREAK_NODE) as usize].then(group);
                self.latest[k] = if group.b <= next_lr {
                    next_lr - group.d
                } else {
                    NEG
                };
                self.lat_dep[k] = group.c;
                continue;
            }
            let loc = self.locs[k];
            self.nloc[k] = loc;
            let out = group.latest_leave(d.time(loc, next_loc), next_lr);
            let lr = if node == RELOAD_NODE {
                out - reload_time
            } else {
                let s = node as usize;
                d.due[s].min(out - d.service[s])
            };
            self.latest[k] = lr;
            self.lat_dep[k] = POS;
            next_lr = lr;
            next_loc = loc;
            group = Group::NONE;
        }
        self.nloc[0] = next_loc;
        self.load = total;
        self.distance = if n_stops == 0 { 0 } else { distance };
        self.n_stops = n_stops;
        self.fixed_pos = fixed_pos;
        ok
    }

    fn best_insertion_general(
        &self,
        d: &Data,
        s: usize,
        mut bound: i64,
        blink_threshold: u64,
        rng: &mut crate::rng::Rng,
    ) -> Option<(usize, i64, How)> {
        let v = &d.vehicles[self.vehicle];
        let demand = d.demand[s];
        if demand > v.capacity {
            return None;
        }
        let c = d.loc[s];
        let (ready, due, service) = (d.ready[s], d.due[s], d.service[s]);
        if self.n_stops == 0 {
            return self.open(d, s, bound);
        }
        if v.reload.is_none() && self.load + demand > v.capacity {
            return None;
        }
        let (r, reload_time) = v.reload.unwrap_or((0, 0));
        let mut best = None;
        for p in self.fixed_pos..=self.stops.len() {
            let (leave, group) = (self.dep[p], self.g1[p]);
            // Departures only grow along the route: past the stop's due time
            // no place can serve it.
            if leave > due {
                break;
            }
            if blink_threshold > 0 && rng.next_u64() < blink_threshold {
                continue;
            }
            let (a, b) = (self.locs[p], self.nloc[p + 1]);
            let (lat_door, lat_leave) = (self.latest[p + 1], self.lat_dep[p + 1]);
            let base = d.dist(a, b);
            if self.trip_load[p] + demand <= v.capacity {
                let delta = d.dist(a, c) + d.dist(c, b) - base;
                if delta < bound && leave <= group.c {
                    let start = group.ready(leave, d.time(a, c)).max(ready);
                    let out = start + service;
                    if start <= due && out <= lat_leave && out + d.time(c, b) <= lat_door {
                        bound = delta;
                        best = Some((p, delta, How::Plain));
                    }
                }
                continue;
            }
            if v.reload.is_none() || leave > group.c {
                continue;
            }
            let after = self.trip_load[p] - self.load_before[p];
            // A reload, then the stop and the rest of the trip.
            if self.stops_before[p] > 0 && after + demand <= v.capacity {
                let delta = d.dist(a, r) + d.dist(r, c) + d.dist(c, b) - base;
                if delta < bound {
                    let at_r = group.ready(leave, d.time(a, r)) + reload_time;
                    let start = (at_r + d.time(r, c)).max(ready);
                    let out = start + service;
                    if start <= due && out <= lat_leave && out + d.time(c, b) <= lat_door {
                        bound = delta;
                        best = Some((p, delta, How::ReloadBefore));
                    }
                }
            }
            // The stop at the end of the trip so far, then a reload.
            if self.trip_stops[p] > self.stops_before[p]
                && self.load_before[p] + demand <= v.capacity
            {
                let delta = d.dist(a, c) + d.dist(c, r) + d.dist(r, b) - base;
                if delta < bound {
                    let start = group.ready(leave, d.time(a, c)).max(ready);
                    let out = start + service + d.time(c, r) + reload_time;
                    if start <= due && out <= lat_leave && out + d.time(r, b) <= lat_door {
                        bound = delta;
                        best = Some((p, delta, How::ReloadAfter));
                    }
                }
            }
        }
        best
    }

    /// Stop `s` alone in this empty route, with the vehicle's breaks before
    /// or after it (the first split that keeps every window).
    fn open(&self, d: &Data, s: usize, bound: i64) -> Option<(usize, i64, How)> {
        let v = &d.vehicles[self.vehicle];
        let c = d.loc[s];
        let delta = d.dist(v.start, c) + d.dist(c, v.end);
        if delta >= bound || d.demand[s] > v.capacity {
            return None;
        }
        let breaks = &v.break_order;
        let compose = |bs: &[usize]| bs.iter().fold(Group::NONE, |g, &b| g.then(v.breaks[b]));
        for split in 0..=breaks.len() {
            let (before, after) = (compose(&breaks[..split]), compose(&breaks[split..]));
            if v.shift_start > before.c {
                continue;
            }
            let start = before
                .ready(v.shift_start, d.time(v.start, c))
                .max(d.ready[s]);
            let out = start + d.service[s];
            if start <= d.due[s]
                && out <= after.c
                && after.ready(out, d.time(c, v.end)) <= v.shift_end
            {
                let how = if breaks.is_empty() {
                    How::Plain
                } else {
                    How::Open { split }
                };
                return Some((0, delta, how));
            }
        }
        None
    }
}
