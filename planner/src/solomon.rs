//! Solomon and Gehring–Homberger VRPTW instance files, and their translation
//! into a [`Problem`] under the distance-only DIMACS convention: each arc's
//! Euclidean distance truncated to one decimal, travel time equal to
//! distance, the depot's window as every vehicle's shift, at most the file's
//! vehicle count. The problem is in tenths, so all of it is whole numbers.
//!
//! The file: a name line, `VEHICLE` with `NUMBER CAPACITY` and their values,
//! `CUSTOMER` with a header and one row per customer (`CUST NO. XCOORD.
//! YCOORD. DEMAND READY TIME DUE DATE SERVICE TIME`), the depot first as
//! customer 0 and then customers numbered 1, 2, ... in order.

use std::fmt;
use std::path::Path;

use crate::problem::{Matrix, Problem, Stop, Vehicle, Window};
use crate::solver::{solve, Budget, Settings};

#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    pub number: usize,
    pub x: f64,
    pub y: f64,
    pub demand: i64,
    pub ready: i64,
    pub due: i64,
    pub service: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    pub name: String,
    pub vehicles: usize,
    pub capacity: i64,
    /// The depot (customer 0).
    pub depot: Customer,
    /// Customers 1..=n, `customers[i].number == i + 1`.
    pub customers: Vec<Customer>,
}

#[derive(Debug)]
pub enum ReadError {
    Io { path: String, error: std::io::Error },
    Format { line: usize, message: String },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io { path, error } => write!(f, "cannot read {path}: {error}"),
            ReadError::Format { line: 0, message } => {
                write!(f, "not a Solomon instance: {message}")
            }
            ReadError::Format { line, message } => write!(f, "line {line}: {message}"),
        }
    }
}

impl std::error::Error for ReadError {}

pub fn read(path: &Path) -> Result<Instance, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|error| ReadError::Io {
        path: path.display().to_string(),
        error,
    })?;
    parse(&text)
}

fn format_error(line: usize, message: impl Into<String>) -> ReadError {
    ReadError::Format {
        line,
        message: message.into(),
    }
}

fn whole(token: &str, what: &str, line: usize) -> Result<i64, ReadError> {
    let v: f64 = token
        .parse()
        .map_err(|_| format_error(line, format!("{what} '{token}' is not a number")))?;
    if v.fract() != 0.0 || !v.is_finite() || v.abs() > 1e12 {
        return Err(format_error(
            line,
            format!("{what} '{token}' is not a whole number"),
        ));
    }
    Ok(v as i64)
}

pub fn parse(text: &str) -> Result<Instance, ReadError> {
    // (1-based line number, tokens) of the non-blank lines.
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split_whitespace().collect::<Vec<_>>()))
        .filter(|(_, t)| !t.is_empty());
    let (_, name) = lines
        .next()
        .ok_or_else(|| format_error(0, "the file is empty"))?;
    let name = name.join(" ");
    let mut find = |word: &str| -> Result<(), ReadError> {
        for (_, t) in lines.by_ref() {
            if t[0].eq_ignore_ascii_case(word) {
                return Ok(());
            }
        }
        Err(format_error(0, format!("no {word} section")))
    };
    find("VEHICLE")?;
    let (n, header) = lines
        .next()
        .ok_or_else(|| format_error(0, "nothing after VEHICLE"))?;
    if !header[0].eq_ignore_ascii_case("NUMBER") {
        return Err(format_error(n, "expected the NUMBER CAPACITY header"));
    }
    let (n, values) = lines
        .next()
        .ok_or_else(|| format_error(0, "no vehicle number and capacity"))?;
    if values.len() != 2 {
        return Err(format_error(
            n,
            "expected two numbers: vehicles and capacity",
        ));
    }
    let vehicles = whole(values[0], "vehicle number", n)?;
    let capacity = whole(values[1], "capacity", n)?;
    if vehicles < 1 || capacity < 0 {
        return Err(format_error(
            n,
            "the vehicle number must be positive and the capacity not negative",
        ));
    }
    let (n, t) = lines
        .next()
        .ok_or_else(|| format_error(0, "no CUSTOMER section"))?;
    if !t[0].eq_ignore_ascii_case("CUSTOMER") {
        return Err(format_error(n, "expected CUSTOMER"));
    }
    let mut rows = Vec::new();
    for (n, t) in lines {
        if t[0].eq_ignore_ascii_case("CUST") {
            continue;
        }
        if t.len() != 7 {
            return Err(format_error(
                n,
                format!("expected 7 numbers, found {}", t.len()),
            ));
        }
        let coord = |s: &str, what: &str| -> Result<f64, ReadError> {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format_error(n, format!("{what} '{s}' is not a number")))
        };
        let c = Customer {
            number: whole(t[0], "customer number", n)? as usize,
            x: coord(t[1], "x")?,
            y: coord(t[2], "y")?,
            demand: whole(t[3], "demand", n)?,
            ready: whole(t[4], "ready time", n)?,
            due: whole(t[5], "due date", n)?,
            service: whole(t[6], "service time", n)?,
        };
        if c.number != rows.len() {
            return Err(format_error(
                n,
                format!("expected customer {}, found {}", rows.len(), t[0]),
            ));
        }
        if c.ready > c.due {
            return Err(format_error(n, "the ready time is after the due date"));
        }
        if c.demand < 0 || c.service < 0 {
            return Err(format_error(n, "negative demand or service time"));
        }
        rows.push(c);
    }
    if rows.len() < 2 {
        return Err(format_error(0, "no customers after the depot"));
    }
    let depot = rows.remove(0);
    Ok(Instance {
        name,
        vehicles: vehicles as usize,
        capacity,
        depot,
        customers: rows,
    })
}

/// floor(10 * Euclidean distance): the arc in tenths.
pub fn tenths(a: &Customer, b: &Customer) -> i64 {
    let (dx, dy) = (a.x - b.x, a.y - b.y);
    // sqrt(100 k) is exact when it is whole, so the floor never drops a tenth.
    (100.0 * (dx * dx + dy * dy)).sqrt().floor() as i64
}

impl Instance {
    /// Location 0 is the depot, location i the customer numbered i, stop i-1
    /// that customer. Times, distances and the shift in tenths.
    pub fn to_problem(&self) -> Problem {
        let all: Vec<&Customer> = std::iter::once(&self.depot)
            .chain(&self.customers)
            .collect();
        let size = all.len();
        let mut distance = Vec::with_capacity(size * size);
        for a in &all {
            for b in &all {
                distance.push(tenths(a, b));
            }
        }
        let time = distance.clone();
        let matrix =
            Matrix::new(size, distance, time).expect("a square matrix of non-negative entries");
        let stops = self
            .customers
            .iter()
            .map(|c| Stop {
                location: c.number,
                demand: c.demand,
                window: Window {
                    start: 10 * c.ready,
                    end: 10 * c.due,
                },
                service: 10 * c.service,
                vehicles: Vec::new(),
            })
            .collect();
        let shift = Window {
            start: 10 * self.depot.ready,
            end: 10 * self.depot.due,
        };
        let vehicles = (0..self.vehicles)
            .map(|_| Vehicle::new(0, 0, shift, self.capacity))
            .collect();
        Problem::new(matrix, stops, vehicles).expect("the reader checked windows and signs")
    }
}

/// An answer in the file's terms: customer numbers per route (used vehicles
/// only) and the distance in tenths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub routes: Vec<Vec<usize>>,
    pub distance: i64,
    /// Customers no vehicle could take (none when the fleet suffices).
    pub left_out: Vec<usize>,
    pub iterations: u64,
}

impl Instance {
    /// Solves under the convention. The annealing cools from 30 to 1 in the
    /// file's distance units (SISR's paper uses 100 to 1 for runs of many
    /// minutes; at one second 30 did better on all four seeds tried, see
    /// docs/planning.md).
    pub fn solve(&self, seed: u64, budget: Budget) -> Answer {
        self.solve_with(seed, budget, (START_TEMPERATURE, END_TEMPERATURE))
    }

    /// [`Instance::solve`] with other annealing temperatures (start, end) in
    /// the file's distance units.
    pub fn solve_with(&self, seed: u64, budget: Budget, (start, end): (f64, f64)) -> Answer {
        let mut settings = Settings::new(seed, budget);
        settings.start_temperature = 10.0 * start;
        settings.end_temperature = 10.0 * end;
        let s = solve(&self.to_problem(), &settings);
        Answer {
            routes: s
                .routes
                .iter()
                .filter(|r| !r.is_empty())
                .map(|r| r.iter().map(|&i| self.customers[i].number).collect())
                .collect(),
            distance: s.distance,
            left_out: s
                .unassigned
                .iter()
                .map(|&i| self.customers[i].number)
                .collect(),
            iterations: s.iterations,
        }
    }
}

const START_TEMPERATURE: f64 = 30.0;
const END_TEMPERATURE: f64 = 1.0;

/// Tenths as the convention prints them: one decimal.
pub fn format_tenths(v: i64) -> String {
    format!("{}.{}", v / 10, v % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const SMALL: &str = "TINY1

VEHICLE
NUMBER     CAPACITY
  2         10

CUSTOMER
CUST NO.   XCOORD.   YCOORD.    DEMAND   READY TIME   DUE DATE   SERVICE TIME

    0          0       0           0       0         100           0
    1          3       4           4       0          20           2
    2          6       8           4      10          30           2
    3          0       5           5       0          50           1
    4          1       1           3      40          60           1
";

    #[test]
    fn reads_a_small_instance() {
        let i = parse(SMALL).unwrap();
        assert_eq!(i.name, "TINY1");
        assert_eq!((i.vehicles, i.capacity), (2, 10));
        assert_eq!(i.depot.due, 100);
        assert_eq!(i.customers.len(), 4);
        assert_eq!(
            i.customers[1],
            Customer {
                number: 2,
                x: 6.0,
                y: 8.0,
                demand: 4,
                ready: 10,
                due: 30,
                service: 2
            }
        );
        let p = i.to_problem();
        assert_eq!(p.matrix().distance(0, 1), 50);
        assert_eq!(
            p.matrix().distance(1, 3),
            31,
            "sqrt(10) = 3.162 truncates to 3.1"
        );
        assert_eq!(
            p.matrix().distance(0, 4),
            14,
            "sqrt(2) = 1.414 truncates to 1.4"
        );
        assert_eq!(
            p.stops()[1].window,
            Window {
                start: 100,
                end: 300
            }
        );
        assert_eq!(p.vehicles().len(), 2);
        assert_eq!(
            p.vehicles()[0].shift,
            Window {
                start: 0,
                end: 1000
            }
        );
    }

    #[test]
    fn windows_line_endings_are_read() {
        let crlf = SMALL.replace('\n', "\r\n");
        assert_eq!(parse(&crlf).unwrap(), parse(SMALL).unwrap());
    }

    #[test]
    fn bad_files_say_where() {
        let e = parse("").unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
        let e = parse("X\nVEHICLE\nNUMBER CAPACITY\n2\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4") && e.contains("two numbers"), "{e}");
        let e = parse(&SMALL.replace("    2          6       8", "    7          6       8"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected customer 2"), "{e}");
        let e = parse(&SMALL.replace("10          30", "1x          30"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("ready time '1x'"), "{e}");
        let e = parse(&SMALL.replace("0          50           1", "0          50"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected 7 numbers"), "{e}");
        let e = parse("X\nCUSTOMER\n").unwrap_err().to_string();
        assert!(e.contains("no VEHICLE"), "{e}");
    }

    #[test]
    fn tenths_print_with_one_decimal() {
        assert_eq!(format_tenths(8273), "827.3");
        assert_eq!(format_tenths(50), "5.0");
    }
}
