//! The grouped deliveries report as a download, streamed: the rows are
//! written as they are taken from the grouping (their strings looked up one
//! row at a time) into 64 KB pieces that go to the client through a channel
//! of four, so the server holds the grouping's numbers and a few pieces,
//! never the file. CSV with the `csv` crate; XLSX with `rust_xlsxwriter`'s
//! constant-memory sheet (rows go to a temporary file, the zip is written
//! straight into the stream).

use std::borrow::Cow;
use std::io::{self, Write};

use axum::body::Body;
use rodnik_shared::api::{DeliveriesQuery, DeliveryColumn as Col, DeliveryGroup, DeliveryGroupRow};
use tokio::sync::mpsc;

use super::Grouped;
use crate::reports::sheets::{self, Lang};
use crate::reports::xlsx::{self, Cell};

/// Bytes sent at a time.
const PIECE: usize = 64 * 1024;
/// Pieces waiting for the client at most (the rest waits in the writer).
const QUEUE: usize = 4;

/// A `Write` whose pieces become a response body (see [`streamed`]).
pub struct Pieces {
    tx: mpsc::Sender<io::Result<Vec<u8>>>,
    buf: Vec<u8>,
}

impl Pieces {
    fn send(&mut self) -> io::Result<()> {
        let piece = std::mem::replace(&mut self.buf, Vec::with_capacity(PIECE));
        self.tx
            .blocking_send(Ok(piece))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the download was closed"))
    }
}

impl Write for Pieces {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= PIECE {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            self.send()
        }
    }
}

/// A response body that `write` fills on a blocking thread; a failure
/// after the first piece ends the body early (the client sees a broken
/// download), and a client that goes away stops the writer.
pub fn streamed(write: impl FnOnce(&mut Pieces) -> Result<(), String> + Send + 'static) -> Body {
    let (tx, rx) = mpsc::channel(QUEUE);
    tokio::task::spawn_blocking(move || {
        let mut out = Pieces {
            tx: tx.clone(),
            buf: Vec::with_capacity(PIECE),
        };
        let done = write(&mut out).and_then(|()| out.flush().map_err(|e| e.to_string()));
        if let Err(e) = done {
            tracing::warn!("deliveries download stopped: {e}");
            let _ = tx.blocking_send(Err(io::Error::other(e)));
        }
    });
    Body::from_stream(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|piece| (piece, rx))
    }))
}

/// The CSV's columns of a grouping: ids beside names, figures as integers
/// (money in kopecks).
fn csv_header(g: DeliveryGroup) -> Vec<&'static str> {
    let mut h = vec![];
    for c in g.columns() {
        h.extend_from_slice(match c {
            Col::Courier => &["courier_id", "courier_name"][..],
            Col::Client => &["client_id", "client_name"],
            Col::Kind => &["client_kind"],
            Col::Day => &["date"],
            Col::Orders => &["orders"],
            Col::WaterQty => &["water_qty"],
            Col::Amount => &["amount"],
        });
    }
    h
}

/// A name as a spreadsheet will not run it (`reports::cell`).
fn text(s: &Option<String>) -> Cow<'_, str> {
    s.as_deref().map(super::super::cell).unwrap_or_default()
}

fn csv_fields(g: DeliveryGroup, r: &DeliveryGroupRow) -> Vec<Cow<'_, str>> {
    let mut f: Vec<Cow<'_, str>> = vec![];
    for c in g.columns() {
        match c {
            Col::Courier => {
                f.push(r.courier_id.as_deref().unwrap_or_default().into());
                f.push(text(&r.courier_name));
            }
            Col::Client => {
                f.push(r.client_id.as_deref().unwrap_or_default().into());
                f.push(text(&r.client_name));
            }
            Col::Kind => f.push(r.client_kind.map(|k| k.as_str()).unwrap_or_default().into()),
            Col::Day => f.push(r.date.as_deref().unwrap_or_default().into()),
            Col::Orders => f.push(r.orders.to_string().into()),
            Col::WaterQty => f.push(r.water_qty.to_string().into()),
            Col::Amount => f.push(r.amount.to_string().into()),
        }
    }
    f
}

/// The grouping's rows as CSV, streamed.
pub fn csv(g: Grouped, q: DeliveriesQuery) -> Body {
    streamed(move |out| {
        let group = g.group();
        let mut w = ::csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(out);
        let e = |e: ::csv::Error| e.to_string();
        w.write_record(csv_header(group)).map_err(e)?;
        for r in g.into_rows(&q) {
            let fields = csv_fields(group, &r);
            w.write_record(fields.iter().map(|f| f.as_ref()))
                .map_err(e)?;
        }
        w.flush().map_err(|e| e.to_string())
    })
}

fn header(l: Lang, c: Col) -> &'static str {
    match c {
        Col::Courier => l.pick("Courier", "Курьер"),
        Col::Client => l.pick("Client", "Клиент"),
        Col::Kind => l.pick("Client type", "Тип клиента"),
        Col::Day => l.pick("Date", "Дата"),
        Col::Orders => l.pick("Orders", "Заказов"),
        Col::WaterQty => l.pick("Water, units", "Воды, шт."),
        Col::Amount => l.pick("Amount", "Сумма"),
    }
}

/// Column widths in characters (a streamed sheet cannot be fitted to its text).
fn width(c: Col) -> f64 {
    match c {
        Col::Courier => 24.0,
        Col::Client => 40.0,
        Col::Kind => 14.0,
        Col::Day => 12.0,
        _ => 14.0,
    }
}

fn cells(l: Lang, g: DeliveryGroup, r: &DeliveryGroupRow) -> Vec<Cell> {
    g.columns()
        .into_iter()
        .map(|c| match c {
            Col::Courier => Cell::text(r.courier_name.as_deref().unwrap_or(sheets::no_courier(l))),
            Col::Client => Cell::opt(r.client_name.as_deref()),
            Col::Kind => r
                .client_kind
                .map(|k| Cell::text(sheets::kind(l, k)))
                .unwrap_or(Cell::Empty),
            Col::Day => r.date.clone().map(Cell::Date).unwrap_or(Cell::Empty),
            Col::Orders => Cell::Int(r.orders),
            Col::WaterQty => Cell::Int(r.water_qty),
            Col::Amount => Cell::Money(r.amount),
        })
        .collect()
}

/// The grouping's rows as a workbook of one sheet, streamed; `title` goes
/// into the document properties.
pub fn xlsx(g: Grouped, q: DeliveriesQuery, l: Lang, title: String) -> Body {
    streamed(move |out| {
        let group = g.group();
        let columns = group.columns();
        let headers: Vec<&str> = columns.iter().map(|c| header(l, *c)).collect();
        let widths: Vec<f64> = columns.iter().map(|c| width(*c)).collect();
        let mut totals = vec![sheets::total(l)];
        totals.extend(std::iter::repeat_n(Cell::Empty, group.labels().len() - 1));
        totals.extend([
            Cell::Int(g.totals.orders),
            Cell::Int(g.totals.water_qty),
            Cell::Money(g.totals.amount),
        ]);
        let rows = g.into_rows(&q).map(|r| cells(l, group, &r));
        xlsx::stream(
            &title,
            &xlsx::Head {
                name: l.pick("Deliveries", "Доставки"),
                headers,
                widths,
            },
            rows,
            Some(totals),
            out,
        )
        .map_err(|e| e.to_string())
    })
}
