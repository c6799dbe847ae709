//! Reports as Excel workbooks: one sheet per table, a bold header row frozen
//! at the top, numbers as numbers, money as a number with two decimals (from
//! integer kopecks), dates as dates, and a totals row.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

/// A cell as the report knows it; the sheet decides how Excel shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Kopecks; shown as roubles with two decimals.
    Money(i64),
    /// `YYYY-MM-DD`; written as text if it does not parse.
    Date(String),
    /// `YYYY-MM`: the first of the month, shown as the month.
    Month(String),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn opt(s: Option<&str>) -> Cell {
        s.map(Cell::text).unwrap_or(Cell::Empty)
    }
}

/// One table of a workbook.
pub struct Sheet {
    pub name: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// Written under the rows in bold, with a line above.
    pub totals: Option<Vec<Cell>>,
    /// Figures that are not part of the table, under it after an empty row.
    pub after: Vec<Vec<Cell>>,
}

struct Formats {
    header: Format,
    text: Format,
    int: Format,
    money: Format,
    date: Format,
    month: Format,
}

impl Formats {
    fn new(bold: bool) -> Formats {
        let base = || {
            let f = Format::new();
            if bold {
                f.set_bold().set_border_top(FormatBorder::Thin)
            } else {
                f
            }
        };
        Formats {
            header: Format::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Thin)
                .set_background_color("#E6F0FC"),
            text: base(),
            int: base().set_num_format("0"),
            money: base().set_num_format("#,##0.00"),
            date: base().set_num_format("yyyy-mm-dd"),
            month: base().set_num_format("yyyy-mm"),
        }
    }
}

/// The workbook's bytes. `title` goes into the document properties.
pub fn workbook(title: &str, sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(title).set_author("Rodnik"));
    let (plain, bold) = (Formats::new(false), Formats::new(true));
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(sheet.name)?;
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(0, col(c), *h, &plain.header)?;
        }
        ws.set_freeze_panes(1, 0)?;
        let mut row = 1u32;
        for cells in &sheet.rows {
            write_row(ws, row, cells, &plain)?;
            row += 1;
        }
        if let Some(totals) = &sheet.totals {
            write_row(ws, row, totals, &bold)?;
            row += 1;
        }
        for cells in &sheet.after {
            row += 1;
            write_row(ws, row, cells, &plain)?;
        }
        ws.autofit();
    }
    wb.save_to_buffer()
}

/// The head of a streamed sheet: its name, headers and column widths.
pub struct Head<'a> {
    pub name: &'static str,
    pub headers: Vec<&'a str>,
    /// In characters, one per column.
    pub widths: Vec<f64>,
}

/// A workbook of one sheet written in constant memory: each row goes to a
/// temporary file as it comes, and the workbook is zipped straight into
/// `out` (no seeking), so a table of any length holds a row at a time.
/// The sheet is as [`workbook`]'s, but for the widths, which are given.
pub fn stream(
    title: &str,
    head: &Head<'_>,
    rows: impl Iterator<Item = Vec<Cell>>,
    totals: Option<Vec<Cell>>,
    out: impl std::io::Write + Send,
) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(title).set_author("Rodnik"));
    let (plain, bold) = (Formats::new(false), Formats::new(true));
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(head.name)?;
    for (c, w) in head.widths.iter().enumerate() {
        ws.set_column_width(col(c), *w)?;
    }
    for (c, h) in head.headers.iter().enumerate() {
        ws.write_string_with_format(0, col(c), *h, &plain.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let mut row = 1u32;
    for cells in rows {
        write_row(ws, row, &cells, &plain)?;
        row += 1;
    }
    if let Some(totals) = &totals {
        write_row(ws, row, totals, &bold)?;
    }
    wb.save_to_writer(out)
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn write_row(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    cells: &[Cell],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, cell) in cells.iter().enumerate() {
        let c = col(c);
        match cell {
            Cell::Text(s) => {
                ws.write_string_with_format(row, c, s, &f.text)?;
            }
            // Report figures are far below 2^53: exact as f64.
            Cell::Int(n) => {
                ws.write_number_with_format(row, c, *n as f64, &f.int)?;
            }
            Cell::Money(k) => {
                ws.write_number_with_format(row, c, *k as f64 / 100.0, &f.money)?;
            }
            Cell::Date(d) => match ExcelDateTime::parse_from_str(d) {
                Ok(dt) => {
                    ws.write_datetime_with_format(row, c, &dt, &f.date)?;
                }
                Err(_) => {
                    ws.write_string_with_format(row, c, d, &f.text)?;
                }
            },
            Cell::Month(m) => match ExcelDateTime::parse_from_str(&format!("{m}-01")) {
                Ok(dt) => {
                    ws.write_datetime_with_format(row, c, &dt, &f.month)?;
                }
                Err(_) => {
                    ws.write_string_with_format(row, c, m, &f.text)?;
                }
            },
            Cell::Empty => {
                ws.write_blank(row, c, &f.text)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_is_a_zip_file() {
        let bytes = workbook(
            "t",
            &[Sheet {
                name: "Sheet",
                headers: vec!["a", "b"],
                rows: vec![vec![Cell::Money(12345), Cell::Date("2025-05-31".into())]],
                totals: Some(vec![Cell::text("Total"), Cell::Int(1)]),
                after: vec![],
            }],
        )
        .unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }

    #[test]
    fn a_streamed_sheet_is_a_zip_file_written_without_seeking() {
        /// A writer that cannot seek, as a response body.
        struct Sink(Vec<u8>);
        impl std::io::Write for Sink {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut sink = Sink(vec![]);
        let rows = (0..1000).map(|i| vec![Cell::text(format!("row {i}")), Cell::Money(i)]);
        let head = Head {
            name: "Sheet",
            headers: vec!["a", "b"],
            widths: vec![10.0, 12.0],
        };
        stream("t", &head, rows, Some(vec![Cell::text("Total")]), &mut sink).unwrap();
        assert_eq!(&sink.0[..2], b"PK");
    }
}
