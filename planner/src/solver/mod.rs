//! The solver: slack induction by string removals (SISR; Christiaens and
//! Vanden Berghe, Transportation Science 2020), a ruin-and-recreate search
//! under simulated annealing. Each iteration removes a few strings of
//! neighbouring stops from a few routes, puts every loose stop back at its
//! cheapest feasible place (checked in O(1) with the route caches in
//! `route.rs`) while skipping places at random ("blinks"), and keeps the result
//! by the annealing rule.
//!
//! The product's constraints (docs/planning.md): vehicles with reloads,
//! breaks or fixed stops take the general path of `route.rs` (trips, breaks
//! with no place, a fixed prefix that ruin never cuts); the others, every
//! Solomon vehicle, keep the plain one. The answer's plans come from
//! `plan::evaluate` of the search's own routes.
//!
//! Deterministic: with [`Budget::Iterations`] the same seed and problem give
//! the same plan on any machine. With [`Budget::Time`] the sequence of
//! candidates is still fixed by the seed, but the temperature follows the
//! clock and the search stops when time is up, so the plan depends on the
//! machine's speed.

mod data;
mod route;

use std::time::{Duration, Instant};

use crate::plan::Item;
use crate::problem::{Problem, Solution};
use crate::rng::Rng;
use data::{is_stop, Data, BREAK_NODE, RELOAD_NODE};
use route::{Insertion, Route};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    Iterations(u64),
    Time(Duration),
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub seed: u64,
    pub budget: Budget,
    /// Annealing temperature at the start and at the end, in cost units
    /// (SISR's 100 and 1 for Solomon distances).
    pub start_temperature: f64,
    pub end_temperature: f64,
    /// Cost of leaving a stop out; by default larger than any detour.
    pub unassigned_penalty: Option<i64>,
}

impl Settings {
    pub fn new(seed: u64, budget: Budget) -> Self {
        Settings {
            seed,
            budget,
            start_temperature: 100.0,
            end_temperature: 1.0,
            unassigned_penalty: None,
        }
    }

    /// Settings for the product's problems, whatever their units: the
    /// temperatures scale with the problem's own arcs. The scale is the
    /// median, over stops, of the mean distance to the stop's
    /// [`SCALE_NEIGHBOURS`] nearest stops or vehicle starts (the length of
    /// the arcs a good plan is made of, which is what a ruin-and-recreate
    /// move changes); the search cools from [`START_PER_SCALE`] times it to
    /// a thirtieth of that. On Solomon-like instances this gives about the
    /// 30 to 1 (in the file's units) that the benchmark found best
    /// (docs/planning.md); the Solomon path keeps its own fixed values.
    pub fn for_problem(problem: &Problem, budget: Budget, seed: u64) -> Self {
        let scale = arc_scale(problem);
        Settings {
            seed,
            budget,
            start_temperature: START_PER_SCALE * scale,
            end_temperature: START_PER_SCALE * scale / 30.0,
            unassigned_penalty: None,
        }
    }
}

/// See [`Settings::for_problem`].
pub const SCALE_NEIGHBOURS: usize = 5;
pub const START_PER_SCALE: f64 = 5.0;

/// The median over stops of the mean (symmetrised) distance to their
/// nearest stops and vehicle starts (a median: a stop no road reaches, a
/// "week away" in the matrix, must not set the scale); 1 when there is
/// nothing to measure.
fn arc_scale(p: &Problem) -> f64 {
    let m = p.matrix();
    let mut places: Vec<usize> = p.stops().iter().map(|s| s.location).collect();
    places.extend(p.vehicles().iter().map(|v| v.start));
    places.sort_unstable();
    places.dedup();
    let mut means: Vec<f64> = Vec::with_capacity(p.stops().len());
    let mut near: Vec<i64> = Vec::with_capacity(places.len());
    for s in p.stops() {
        near.clear();
        near.extend(
            places
                .iter()
                .filter(|&&q| q != s.location)
                .map(|&q| m.distance(s.location, q) + m.distance(q, s.location)),
        );
        if near.is_empty() {
            continue;
        }
        let k = SCALE_NEIGHBOURS.min(near.len());
        near.select_nth_unstable(k - 1);
        means.push(near[..k].iter().sum::<i64>() as f64 / (2 * k) as f64);
    }
    if means.is_empty() {
        return 1.0;
    }
    let mid = means.len() / 2;
    let (_, median, _) = means.select_nth_unstable_by(mid, |a, b| a.total_cmp(b));
    if *median > 0.0 {
        *median
    } else {
        1.0
    }
}

/// Where the search is, for a progress bar and a cancel button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub iterations: u64,
    pub elapsed: Duration,
    /// Distance of the best plan so far (its stops left out not counted).
    pub best_distance: i64,
    /// Stops the best plan so far leaves out.
    pub unassigned: usize,
}

/// How often [`solve_with`] reports.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Average number of stops removed per iteration (SISR's c-bar).
const AVG_REMOVED: f64 = 10.0;
/// Longest string removed from one route (SISR's L_max).
const MAX_STRING: f64 = 10.0;
/// Chance of skipping a place during recreate (SISR's blink rate).
const BLINK: f64 = 0.01;
const NONE: u32 = u32::MAX;
/// Chance that an iteration also removes the shortest route whole (not in
/// SISR's paper): on Solomon C208 at 40,000 iterations it took the search
/// out of a 4-route plan (6.4 % over) on the 1 seed of 10 that stayed there,
/// and over 4 seeds x 56 instances it moved the average gap from 0.40 % to
/// 0.38 %. 0.05 did worse (0.45 %).
const ROUTE_RUIN: f64 = 0.01;
/// Stops left out that recreate tries again per iteration, at most.
const MAX_RETRIED: usize = 20;
/// Past this many stops recreate looks first only at routes holding one of
/// the stop's nearest `GRANULAR_NEIGHBOURS` (all routes if none fits): at
/// 1,500 stops a full scan misses the cache on every matrix read.
const GRANULAR_FROM: usize = 400;
const GRANULAR_NEIGHBOURS: usize = 40;

pub fn solve(problem: &Problem, settings: &Settings) -> Solution {
    solve_with(problem, settings, &mut |_| true)
}

/// [`solve`], calling `progress` about every [`PROGRESS_EVERY`] and once at
/// the end; when it returns false the search stops and the best plan so far
/// is the answer. The calls do not change the search: with
/// [`Budget::Iterations`] the answer is the same as [`solve`]'s unless
/// stopped.
pub fn solve_with(
    problem: &Problem,
    settings: &Settings,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Solution {
    // The time budget covers the set-up too.
    let started = Instant::now();
    let data = Data::new(problem);
    let penalty = settings.unassigned_penalty.unwrap_or_else(|| {
        let fixed = data
            .vehicles
            .iter()
            .map(|v| v.fixed_cost)
            .max()
            .unwrap_or(0);
        4 * data.max_distance() + fixed + 1
    });
    let mut search = Search {
        rng: Rng::new(settings.seed),
        penalty,
        blink_threshold: (BLINK * u64::MAX as f64) as u64,
        seen_class: vec![false; data.classes],
        near: vec![false; data.vehicles.len()],
        memo: data.vehicles.iter().any(|v| !v.simple),
        failed: if data.vehicles.iter().any(|v| !v.simple) {
            vec![u64::MAX; data.loc.len() * data.vehicles.len()]
        } else {
            Vec::new()
        },
        scanned: Vec::new(),
        next_version: data.vehicles.len() as u64,
        data: &data,
    };
    search.run(problem, settings, started, progress)
}

#[derive(Clone)]
struct State {
    routes: Vec<Route>,
    /// (route, position) of each stop, or `NONE`.
    at: Vec<(u32, u32)>,
    unassigned: Vec<u32>,
    cost: i64,
}

struct Search<'a> {
    data: &'a Data,
    rng: Rng,
    penalty: i64,
    blink_threshold: u64,
    seen_class: Vec<bool>,
    /// Routes near the stop being placed (granular recreate).
    near: Vec<bool>,
    /// With the product's constraints (not on the Solomon path, whose
    /// random stream this would change): `failed[stop * routes + route]` is
    /// the version of the route the stop last found no place in.
    memo: bool,
    failed: Vec<u64>,
    scanned: Vec<usize>,
    next_version: u64,
}

impl Search<'_> {
    fn run(
        &mut self,
        problem: &Problem,
        settings: &Settings,
        started: Instant,
        report: &mut dyn FnMut(Progress) -> bool,
    ) -> Solution {
        let d = self.data;
        let n = d.loc.len();
        let mut cur = State {
            routes: (0..d.vehicles.len())
                .map(|v| Route::initial(v, d))
                .collect(),
            at: vec![(NONE, NONE); n],
            unassigned: Vec::new(),
            cost: 0,
        };
        for r in 0..cur.routes.len() {
            place(&mut cur, r);
        }
        let mut dirty = vec![false; d.vehicles.len()];
        let mut dirty_list = Vec::new();
        let mut loose: Vec<u32> = (0..n as u32)
            .filter(|&c| cur.at[c as usize].0 == NONE)
            .collect();
        loose.sort_by_key(|&s| std::cmp::Reverse(d.from_depot[s as usize]));
        self.recreate(&mut cur, &mut loose, 0, &mut dirty, &mut dirty_list);
        cur.cost = self.cost(&cur);
        let mut cand = cur.clone();
        let mut best = snapshot(&cur);
        let mut best_cost = cur.cost;
        let mut best_distance = distance(&cur);
        clear(&mut dirty, &mut dirty_list);
        let mut next_report = PROGRESS_EVERY;

        let (t0, t1) = (
            settings.start_temperature,
            settings.end_temperature.max(1e-9),
        );
        let mut iterations = 0u64;
        loop {
            let elapsed = started.elapsed();
            if elapsed >= next_report {
                next_report = elapsed + PROGRESS_EVERY;
                let going = report(Progress {
                    iterations,
                    elapsed,
                    best_distance,
                    unassigned: best.1.len(),
                });
                if !going {
                    break;
                }
            }
            let progress = match settings.budget {
                Budget::Iterations(max) if iterations >= max => break,
                Budget::Iterations(max) => iterations as f64 / max as f64,
                Budget::Time(limit) => elapsed.as_secs_f64() / limit.as_secs_f64().max(1e-9),
            };
            if progress >= 1.0 || n == 0 {
                break;
            }
            iterations += 1;
            let temperature = t0 * (t1 / t0).powf(progress);
            let ok = self.ruin(&mut cand, &mut loose, &mut dirty, &mut dirty_list);
            let mut accept = false;
            if ok {
                self.recreate(
                    &mut cand,
                    &mut loose,
                    self.blink_threshold,
                    &mut dirty,
                    &mut dirty_list,
                );
                cand.cost = self.cost(&cand);
                let threshold = cur.cost as f64 - temperature * (1.0 - self.rng.unit()).ln();
                accept = (cand.cost as f64) < threshold;
                if cand.cost < best_cost {
                    best_cost = cand.cost;
                    best = snapshot(&cand);
                    best_distance = distance(&cand);
                }
            }
            if accept {
                sync(&mut cur, &cand, &dirty_list);
            } else {
                sync(&mut cand, &cur, &dirty_list);
            }
            clear(&mut dirty, &mut dirty_list);
        }
        let (nodes, unassigned) = best;
        let plans: Vec<_> = nodes
            .iter()
            .enumerate()
            .map(|(v, r)| {
                let items: Vec<Item> = r
                    .iter()
                    .map(|&x| match x {
                        RELOAD_NODE => Item::Reload,
                        x if is_stop(x) => Item::Stop(x as usize),
                        x => Item::Break((x - BREAK_NODE) as usize),
                    })
                    .collect();
                crate::plan::evaluate(problem, v, &items)
            })
            .collect();
        let routes: Vec<Vec<usize>> = plans.iter().map(|p| p.stops()).collect();
        let distance = plans.iter().map(|p| p.distance).sum();
        report(Progress {
            iterations,
            elapsed: started.elapsed(),
            best_distance: distance,
            unassigned: unassigned.len(),
        });
        Solution {
            routes,
            plans,
            unassigned,
            distance,
            iterations,
        }
    }

    fn cost(&self, s: &State) -> i64 {
        let d = self.data;
        let routes: i64 = s
            .routes
            .iter()
            .filter(|r| !r.stops.is_empty())
            .map(|r| r.distance + d.vehicles[r.vehicle].fixed_cost)
            .sum();
        routes + self.penalty * s.unassigned.len() as i64
    }

    /// SISR's ruin: strings (or split strings) around a random stop and its
    /// neighbours, at most one per route; now and then the shortest route
    /// whole. False when a route left behind
    /// breaks a constraint (the iteration is then dropped).
    fn ruin(
        &mut self,
        s: &mut State,
        loose: &mut Vec<u32>,
        dirty: &mut [bool],
        dirty_list: &mut Vec<usize>,
    ) -> bool {
        let d = self.data;
        let n = d.loc.len();
        loose.clear();
        let assigned = n - s.unassigned.len();
        if assigned == 0 {
            return true;
        }
        let used = s.routes.iter().filter(|r| !r.stops.is_empty()).count();
        let avg_len = assigned as f64 / used as f64;
        let max_len = MAX_STRING.min(avg_len);
        let max_strings = 4.0 * AVG_REMOVED / (1.0 + max_len) - 1.0;
        let strings = (1.0 + self.rng.unit() * max_strings) as usize;
        let seed = loop {
            let c = self.rng.below(n);
            if s.at[c].0 != NONE {
                break c as u32;
            }
        };
        let neighbours = &d.neighbours[seed as usize];
        let mut ruined = 0;
        if used > 1 && self.rng.unit() < ROUTE_RUIN {
            // The shortest route goes whole: a plan with one route too many
            // cannot lose it one string at a time.
            let r = (0..s.routes.len())
                .filter(|&r| !s.routes[r].stops.is_empty())
                .min_by_key(|&r| s.routes[r].stops.len())
                .expect("used > 1");
            let route = &mut s.routes[r];
            if route.general {
                let lo = route.fixed_pos;
                let mut k = 0;
                route.stops.retain(|&x| {
                    k += 1;
                    let out = k > lo && is_stop(x);
                    if out {
                        loose.push(x);
                    }
                    !out
                });
            } else {
                loose.append(&mut route.stops);
            }
            dirty[r] = true;
            dirty_list.push(r);
        }
        for &c in std::iter::once(&seed).chain(neighbours.iter()) {
            if ruined >= strings {
                break;
            }
            let (r, p) = s.at[c as usize];
            if r == NONE || dirty[r as usize] {
                continue;
            }
            let r = r as usize;
            // Fixed stops stay: strings are cut from the nodes after them,
            // and on the general path only stops leave (breaks stay between
            // their neighbours, reloads go when their trips merge).
            let lo = s.routes[r].fixed_pos;
            if (p as usize) < lo {
                continue;
            }
            let p = p as usize - lo;
            let len = s.routes[r].stops.len() - lo;
            let l = ((1.0 + self.rng.unit() * max_len.min(len as f64)) as usize).clamp(1, len);
            let route = &mut s.routes[r];
            if l == len || self.rng.unit() < 0.5 {
                let first = self.rng.between(p.saturating_sub(l - 1), p.min(len - l));
                if route.general {
                    let (from, to) = (lo + first, lo + first + l);
                    let mut k = 0;
                    route.stops.retain(|&x| {
                        let i = k;
                        k += 1;
                        let out = i >= from && i < to && is_stop(x);
                        if out {
                            loose.push(x);
                        }
                        !out
                    });
                } else {
                    loose.extend(route.stops.drain(first..first + l));
                }
            } else {
                let mut m = 1;
                while l + m < len && self.rng.unit() < 0.5 {
                    m += 1;
                }
                let span = l + m;
                let first = self
                    .rng
                    .between(p.saturating_sub(span - 1), p.min(len - span));
                let (first, kept) = (lo + first, lo + first + self.rng.below(l + 1));
                let mut k = 0;
                route.stops.retain(|&x| {
                    let i = k;
                    k += 1;
                    let out = i >= first
                        && i < first + span
                        && !(i >= kept && i < kept + m)
                        && is_stop(x);
                    if out {
                        loose.push(x);
                    }
                    !out
                });
            }
            dirty[r] = true;
            dirty_list.push(r);
            ruined += 1;
        }
        for &c in loose.iter() {
            s.at[c as usize] = (NONE, NONE);
        }
        let mut ok = true;
        for &r in dirty_list.iter() {
            let version = self.fresh();
            let route = &mut s.routes[r];
            route.version = version;
            if route.general {
                route.merge_trips(d);
            }
            ok &= route.update(d);
            place(s, r);
        }
        ok
    }

    /// SISR's recreate: loose and unassigned stops in a random, demand,
    /// far-first or near-first order, each at its cheapest feasible place.
    fn recreate(
        &mut self,
        s: &mut State,
        loose: &mut Vec<u32>,
        blink_threshold: u64,
        dirty: &mut [bool],
        dirty_list: &mut Vec<usize>,
    ) {
        let d = self.data;
        // Stops left out come back a few at a time: when many cannot be
        // served, trying all of them every iteration would cost more than
        // the rest of the search.
        if s.unassigned.len() > MAX_RETRIED {
            self.rng.shuffle(&mut s.unassigned);
            let keep = s.unassigned.len() - MAX_RETRIED;
            loose.extend(s.unassigned.drain(keep..));
        } else {
            loose.append(&mut s.unassigned);
        }
        self.rng.shuffle(loose);
        match self.rng.below(11) {
            0..=3 => {}
            4..=7 => loose.sort_by_key(|&c| std::cmp::Reverse(d.demand[c as usize])),
            8..=9 => loose.sort_by_key(|&c| std::cmp::Reverse(d.from_depot[c as usize])),
            _ => loose.sort_by_key(|&c| d.from_depot[c as usize]),
        }
        let granular = d.loc.len() > GRANULAR_FROM;
        for &c in loose.iter() {
            let c = c as usize;
            if granular {
                self.near.iter_mut().for_each(|x| *x = false);
                for &m in d.neighbours[c].iter().take(GRANULAR_NEIGHBOURS) {
                    let r = s.at[m as usize].0;
                    if r != NONE {
                        self.near[r as usize] = true;
                    }
                }
            }
            let best = self.cheapest(s, c, blink_threshold, granular);
            // Left out only when no route at all can take it.
            let best = if best.is_none() && granular {
                self.cheapest(s, c, blink_threshold, false)
            } else {
                best
            };
            match best {
                Some(b) => {
                    let version = self.fresh();
                    let r = &mut s.routes[b.route];
                    r.version = version;
                    r.insert(d, b.position, b.how, c as u32);
                    let ok = r.update(d);
                    debug_assert!(ok, "an insertion checked feasible broke its route");
                    place(s, b.route);
                    if !dirty[b.route] {
                        dirty[b.route] = true;
                        dirty_list.push(b.route);
                    }
                }
                None => s.unassigned.push(c as u32),
            }
        }
        loose.clear();
    }

    /// The cheapest feasible place for stop `c`; with `granular`, only in
    /// routes that hold one of its nearest stops (and in empty vehicles).
    fn cheapest(
        &mut self,
        s: &State,
        c: usize,
        blink_threshold: u64,
        granular: bool,
    ) -> Option<Insertion> {
        let d = self.data;
        self.seen_class.iter_mut().for_each(|x| *x = false);
        let mut best: Option<Insertion> = None;
        let pins = &d.pins[c];
        // A pinned stop has few routes to try, and empty vehicles of one
        // class are not interchangeable for it.
        let granular = granular && pins.is_empty();
        {
            let memo = if self.memo {
                c * s.routes.len()
            } else {
                usize::MAX
            };
            self.scanned.clear();
            for (ri, r) in s.routes.iter().enumerate() {
                if granular && !r.stops.is_empty() && !self.near[ri] {
                    continue;
                }
                if memo != usize::MAX {
                    if self.failed[memo + ri] == r.version {
                        continue;
                    }
                    self.scanned.push(ri);
                }
                if !pins.is_empty() {
                    if !pins.contains(&r.vehicle) {
                        continue;
                    }
                } else if r.stops.is_empty() {
                    let class = d.vehicles[r.vehicle].class;
                    if self.seen_class[class] {
                        continue;
                    }
                    self.seen_class[class] = true;
                }
                let bound = best.map_or(i64::MAX, |b| b.delta);
                let bound = if r.stops.is_empty() {
                    bound.saturating_sub(d.vehicles[r.vehicle].fixed_cost)
                } else {
                    bound
                };
                if let Some((position, delta, how)) =
                    r.best_insertion(d, c, bound, blink_threshold, &mut self.rng)
                {
                    let delta = if r.stops.is_empty() {
                        delta + d.vehicles[r.vehicle].fixed_cost
                    } else {
                        delta
                    };
                    best = Some(Insertion {
                        route: ri,
                        position,
                        delta,
                        how,
                    });
                }
            }
            if best.is_none() && memo != usize::MAX {
                // No route scanned can take it as it is now.
                for &ri in &self.scanned {
                    self.failed[memo + ri] = s.routes[ri].version;
                }
            }
        }
        best
    }

    /// A new route version (see `Route::version`).
    fn fresh(&mut self) -> u64 {
        self.next_version += 1;
        self.next_version
    }
}

fn distance(s: &State) -> i64 {
    s.routes.iter().map(|r| r.distance).sum()
}

fn place(s: &mut State, r: usize) {
    for (p, &c) in s.routes[r].stops.iter().enumerate() {
        if is_stop(c) {
            s.at[c as usize] = (r as u32, p as u32);
        }
    }
}

/// Makes `dst` equal to `src`, copying only the routes that changed.
fn sync(dst: &mut State, src: &State, dirty_list: &[usize]) {
    for &r in dirty_list {
        dst.routes[r].clone_from(&src.routes[r]);
        place(dst, r);
    }
    dst.unassigned.clone_from(&src.unassigned);
    for &c in &dst.unassigned {
        dst.at[c as usize] = (NONE, NONE);
    }
    dst.cost = src.cost;
}

fn clear(dirty: &mut [bool], dirty_list: &mut Vec<usize>) {
    for &r in dirty_list.iter() {
        dirty[r] = false;
    }
    dirty_list.clear();
}

/// The routes' nodes and the stops left out.
fn snapshot(s: &State) -> (Vec<Vec<u32>>, Vec<usize>) {
    let routes = s.routes.iter().map(|r| r.stops.clone()).collect();
    let mut unassigned: Vec<usize> = s.unassigned.iter().map(|&c| c as usize).collect();
    unassigned.sort_unstable();
    (routes, unassigned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check, check_plan};
    use crate::solomon::{format_tenths, parse, Instance};

    /// A 40-customer instance in Solomon format, spread on a grid with
    /// windows of varying width (generated here, so the test owns its data).
    fn instance() -> Instance {
        generated(40, 10, 50)
    }

    fn generated(customers: usize, vehicles: usize, capacity: usize) -> Instance {
        let mut rng = Rng::new(42);
        let mut text = format!(
            "GEN\n\nVEHICLE\nNUMBER     CAPACITY\n  {vehicles}         {capacity}\n\nCUSTOMER\n"
        );
        text.push_str("CUST NO.  XCOORD.  YCOORD.  DEMAND  READY TIME  DUE DATE  SERVICE TIME\n\n");
        text.push_str("0 50 50 0 0 400 0\n");
        for i in 1..=customers {
            let (x, y) = (rng.below(101), rng.below(101));
            // Reachable from the depot in time: ready no sooner than the drive.
            let drive = ((x as f64 - 50.0).hypot(y as f64 - 50.0)).ceil() as usize;
            let ready = drive + rng.below(200);
            let width = 20 + rng.below(120);
            text.push_str(&format!(
                "{i} {x} {y} {} {ready} {} 10\n",
                1 + rng.below(15),
                ready + width
            ));
        }
        parse(&text).unwrap()
    }

    fn numbers(s: &Solution) -> Vec<Vec<usize>> {
        s.routes
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| r.iter().map(|&i| i + 1).collect())
            .collect()
    }

    #[test]
    fn answers_are_feasible_and_the_same_for_a_seed() {
        let inst = instance();
        let p = inst.to_problem();
        let settings = Settings::new(7, Budget::Iterations(3000));
        let a = solve(&p, &settings);
        assert!(
            a.unassigned.is_empty(),
            "every customer fits: {:?}",
            a.unassigned
        );
        let claimed: f64 = format_tenths(a.distance).parse().unwrap();
        let verdict = check(&inst, &numbers(&a), Some(claimed)).unwrap_or_else(|v| panic!("{v:?}"));
        check_plan(&p, &a).unwrap_or_else(|v| panic!("{v:?}"));
        assert_eq!(verdict.distance, a.distance);
        assert_eq!(a.iterations, 3000);
        let b = solve(&p, &settings);
        assert_eq!(a, b);
        // The search improves on the first construction.
        let first = solve(&p, &Settings::new(7, Budget::Iterations(0)));
        assert_eq!(first.iterations, 0);
        assert!(
            a.distance < first.distance,
            "{} vs {}",
            a.distance,
            first.distance
        );
    }

    #[test]
    fn a_tight_fleet_leaves_stops_out_rather_than_break_a_rule() {
        let mut inst = instance();
        inst.vehicles = 1;
        let p = inst.to_problem();
        let s = solve(&p, &Settings::new(3, Budget::Iterations(500)));
        check_plan(&p, &s).unwrap_or_else(|v| panic!("{v:?}"));
        assert!(!s.unassigned.is_empty());
        assert_eq!(s.used_vehicles(), 1);
        let mut routes = numbers(&s);
        let served: usize = routes.iter().map(|r| r.len()).sum();
        assert_eq!(served + s.unassigned.len(), 40);
        // Only the left-out customers are reported, as unvisited.
        routes[0].extend(s.unassigned.iter().map(|&i| i + 1));
        let all_in_one = check(&inst, &routes, None).unwrap_err();
        assert!(all_in_one
            .iter()
            .all(|v| !matches!(v, Violation::Visited { .. })));
    }

    #[test]
    fn large_problems_search_near_routes_and_stay_feasible() {
        let inst = generated(GRANULAR_FROM + 50, 120, 100);
        let p = inst.to_problem();
        let settings = Settings::new(11, Budget::Iterations(300));
        let a = solve(&p, &settings);
        assert!(a.unassigned.is_empty(), "{:?}", a.unassigned);
        check(&inst, &numbers(&a), None).unwrap_or_else(|v| panic!("{v:?}"));
        check_plan(&p, &a).unwrap_or_else(|v| panic!("{v:?}"));
        assert_eq!(a, solve(&p, &settings));
    }

    #[test]
    fn no_stops_no_search() {
        let matrix = crate::Matrix::new(1, vec![0], vec![0]).unwrap();
        let vehicle = crate::Vehicle::new(0, 0, crate::Window { start: 0, end: 10 }, 1);
        let p = Problem::new(matrix, vec![], vec![vehicle]).unwrap();
        let s = solve(&p, &Settings::new(1, Budget::Iterations(u64::MAX)));
        check_plan(&p, &s).unwrap_or_else(|v| panic!("{v:?}"));
        assert_eq!((s.routes, s.distance, s.iterations), (vec![vec![]], 0, 0));
    }

    #[test]
    fn pinned_stops_ride_with_their_vehicle() {
        let inst = instance();
        let mut p = inst.to_problem();
        for stop in &mut p.stops[..6] {
            stop.vehicles = vec![3, 7];
        }
        p.stops[6].vehicles = vec![9];
        let p = Problem::new(p.matrix.clone(), p.stops.clone(), p.vehicles.clone()).unwrap();
        let s = solve(&p, &Settings::new(2, Budget::Iterations(2000)));
        assert!(s.unassigned.is_empty(), "{:?}", s.unassigned);
        for stop in 0..6 {
            assert!(
                s.routes[3].contains(&stop) || s.routes[7].contains(&stop),
                "stop {stop}: {:?}",
                s.routes
            );
        }
        assert!(s.routes[9].contains(&6), "{:?}", s.routes);
        check(&inst, &numbers(&s), None).unwrap_or_else(|v| panic!("{v:?}"));
        check_plan(&p, &s).unwrap_or_else(|v| panic!("{v:?}"));
        let mut stops = p.stops.clone();
        stops[0].vehicles = vec![10];
        let e = Problem::new(p.matrix.clone(), stops, p.vehicles.clone()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "stop 0: pinned to vehicle 10, which does not exist"
        );
    }

    use crate::check::Violation;
}
