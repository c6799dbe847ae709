//! Report endpoints (manager and up) and the figures of their charts;
//! `&format=csv` for CSV, `&format=xlsx` for an Excel workbook.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Datelike, NaiveDate};
use rodnik_shared::api::{
    CashReport, DailyDeliveries, DailyOrders, DeliveriesParams, DeliveriesQuery, DeliveryGroup,
    LostClientsReport, LostMonthly, OrdersReport, ReasonsReport, SalesReport,
};
use rodnik_shared::validate;
use serde::Deserialize;

use super::extract::{ApiQuery, CurrentUser};
use crate::app::AppState;
use crate::error::{Error, Result};
use crate::reports::sheets::{self, Lang};
use crate::reports::{self, deliveries, from_stats, trends, xlsx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/deliveries", get(deliveries))
        .route("/reports/sales", get(sales))
        .route("/reports/orders", get(orders))
        .route("/reports/lost-clients", get(lost_clients))
        .route("/reports/deliveries/daily", get(deliveries_daily))
        .route("/reports/orders/daily", get(orders_daily))
        .route("/reports/lost-clients/monthly", get(lost_clients_monthly))
        .route("/reports/reasons", get(reasons))
        .route("/reports/cash", get(cash))
        .route("/reports/bottles", get(bottles))
        .route("/reports/bottle-debtors", get(bottle_debtors))
        .route("/reports/rentals", get(rentals))
        .route("/reports/sanitation", get(sanitation))
        .route("/reports/receivables", get(receivables))
        .route("/reports/payments", get(payments))
        .route("/reports/documents", get(documents_issued))
        .route("/reports/unpaid-invoices", get(unpaid_invoices))
        .route("/reports/receipts", get(receipts))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RangeQuery {
    /// YYYY-MM-DD, inclusive; default: the first day of this month.
    pub from: Option<String>,
    /// YYYY-MM-DD, inclusive; default: today.
    pub to: Option<String>,
    /// `json` (default), `csv` or `xlsx`
    pub format: Option<String>,
    /// `en` (default) or `ru`: the language of an XLSX's headers.
    pub lang: Option<String>,
}

fn range(state: &AppState, q: &RangeQuery) -> Result<(String, String)> {
    let today = state.cfg.today();
    let from = match &q.from {
        Some(f) => validate::date(f, "from")?,
        None => today.with_day(1).unwrap_or(today),
    };
    let to = match &q.to {
        Some(t) => validate::date(t, "to")?,
        None => today,
    };
    if from > to {
        return Err(Error::invalid("to", "must not be before from"));
    }
    Ok((from.to_string(), to.to_string()))
}

/// What a report is answered as: `format=json` (the default), `csv` or `xlsx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
    Xlsx(Lang),
}

fn lang(q_lang: &Option<String>) -> Result<Lang> {
    match q_lang.as_deref() {
        None | Some("en") => Ok(Lang::En),
        Some("ru") => Ok(Lang::Ru),
        Some(_) => Err(Error::invalid("lang", "must be en or ru")),
    }
}

fn format(q_format: &Option<String>, q_lang: &Option<String>) -> Result<Format> {
    let lang = lang(q_lang)?;
    match q_format.as_deref() {
        None | Some("json") => Ok(Format::Json),
        Some("csv") => Ok(Format::Csv),
        Some("xlsx") => Ok(Format::Xlsx(lang)),
        Some(_) => Err(Error::invalid("format", "must be json, csv or xlsx")),
    }
}

pub(super) fn attachment(content_type: &str, file: &str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// How each report turns into CSV and into workbook sheets.
struct Export<R> {
    csv: fn(&R) -> String,
    sheets: fn(&R, Lang) -> Vec<xlsx::Sheet>,
}

/// The checks every range report shares: a manager, a known format, a valid range.
fn prepare(
    state: &AppState,
    user: &CurrentUser,
    q: &RangeQuery,
) -> Result<(Format, String, String)> {
    user.require_manager()?;
    let fmt = format(&q.format, &q.lang)?;
    let (from, to) = range(state, q)?;
    Ok((fmt, from, to))
}

/// The report as JSON, CSV or XLSX; `name` is the file name without extension.
fn respond<R: serde::Serialize>(fmt: Format, name: &str, r: R, ex: Export<R>) -> Result<Response> {
    Ok(match fmt {
        Format::Json => Json(r).into_response(),
        Format::Csv => attachment(
            "text/csv; charset=utf-8",
            &format!("{name}.csv"),
            (ex.csv)(&r),
        ),
        Format::Xlsx(lang) => {
            let bytes = xlsx::workbook(name, &(ex.sheets)(&r, lang))
                .map_err(|e| Error::Internal(format!("xlsx: {e}")))?;
            attachment(XLSX, &format!("{name}.xlsx"), bytes)
        }
    })
}

pub(super) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DeliveriesQueryParams {
    /// YYYY-MM-DD, inclusive; default: the first day of this month.
    pub from: Option<String>,
    /// YYYY-MM-DD, inclusive; default: today.
    pub to: Option<String>,
    /// `json` (default: one page), `csv` or `xlsx` (every row, streamed)
    pub format: Option<String>,
    /// `en` (default) or `ru`: the language of an XLSX's headers.
    pub lang: Option<String>,
    /// `courier_client` (default: a row per courier and client), `courier`,
    /// `client`, `kind`, `day` or `courier_day`.
    pub group: Option<String>,
    /// Only this courier's deliveries (the drill-down from a courier to
    /// their clients); empty: the deliveries without a courier.
    pub courier_id: Option<String>,
    /// A column of the grouping: `courier`, `client`, `kind`, `day`,
    /// `orders`, `water_qty` or `amount`; default: the grouping's first.
    pub sort: Option<String>,
    /// `asc` or `desc`; default: text A to Z, figures largest first.
    pub dir: Option<String>,
    /// The page of rows (JSON), from 1; default 1.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100000)]
    pub page: Option<String>,
    /// Rows a page holds, 1 to 1,000; default 100.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
}

/// Water delivered, grouped on the server (issue 22): JSON is one page of
/// the grouping with the totals of every row; CSV and XLSX are every row
/// of it, streamed.
#[utoipa::path(get, path = "/api/reports/deliveries", params(DeliveriesQueryParams),
    responses((status = 200, body = rodnik_shared::api::GroupedDeliveries,
        description = "JSON (one page); CSV or XLSX with `format` (every row, streamed)")))]
pub async fn deliveries(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<DeliveriesQueryParams>,
) -> Result<Response> {
    let (fmt, from, to) = prepare(
        &state,
        &user,
        &RangeQuery {
            from: q.from.clone(),
            to: q.to.clone(),
            format: q.format.clone(),
            lang: q.lang.clone(),
        },
    )?;
    let dq = DeliveriesQuery::parse(&DeliveriesParams {
        group: q.group.as_deref(),
        courier_id: q.courier_id.as_deref(),
        sort: q.sort.as_deref(),
        dir: q.dir.as_deref(),
        page: q.page.as_deref(),
        limit: q.limit.as_deref(),
    })?;
    let grouped = grouped_deliveries(&state, &from, &to, &dq).await?;
    let name = match dq.group {
        DeliveryGroup::CourierClient => format!("deliveries_{from}_{to}"),
        g => format!("deliveries-by-{}_{from}_{to}", g.code()),
    };
    Ok(match fmt {
        Format::Json => {
            let page = tokio::task::spawn_blocking(move || grouped.page(&dq))
                .await
                .map_err(|e| Error::Internal(format!("deliveries report: {e}")))?;
            Json(page).into_response()
        }
        Format::Csv => attachment(
            "text/csv; charset=utf-8",
            &format!("{name}.csv"),
            deliveries::export::csv(grouped, dq),
        ),
        Format::Xlsx(lang) => attachment(
            XLSX,
            &format!("{name}.xlsx"),
            deliveries::export::xlsx(grouped, dq, lang, name.clone()),
        ),
    })
}

/// The grouping of the deliveries over `[from, to]`: by courier and by day
/// from the per-courier day rows, the rest from the packs (held in memory
/// between reports: `AppState::deliveries`).
async fn grouped_deliveries(
    state: &AppState,
    from: &str,
    to: &str,
    q: &DeliveriesQuery,
) -> Result<deliveries::Grouped> {
    let joined = |e: tokio::task::JoinError| Error::Internal(format!("deliveries report: {e}"));
    if deliveries::from_courier_days(q.group) {
        let rows = state.store.stat_courier(from, to).await?;
        let q = q.clone();
        return tokio::task::spawn_blocking(move || deliveries::Grouped::from_couriers(rows, &q))
            .await
            .map_err(joined);
    }
    let cache = state.deliveries.clone();
    cache.sweep_when_idle();
    // A second read, of every text, only if the cache emptied in between.
    for trust_cache in [true, false] {
        let held = cache.clone();
        let pieces = state
            .store
            .deliveries_pieces(from, to, &move |k: &str, v: i64| {
                trust_cache && held.holds(k, v)
            })
            .await?;
        let (cache, q) = (cache.clone(), q.clone());
        // ~500,000 lines to group over a year: off the request threads.
        let grouped = tokio::task::spawn_blocking(move || {
            cache
                .table(pieces)
                .map(|t| deliveries::Grouped::from_table(t, &q))
        })
        .await
        .map_err(joined)?;
        match grouped {
            Ok(g) => return Ok(g),
            Err(deliveries::TableError::Missed) => continue,
            Err(deliveries::TableError::Parse(e)) => {
                return Err(Error::Internal(format!("deliveries report: {e}")))
            }
        }
    }
    Err(Error::Internal(
        "deliveries report: a pack went missing twice".into(),
    ))
}

#[utoipa::path(get, path = "/api/reports/sales", params(RangeQuery),
    responses((status = 200, body = SalesReport, description = "JSON; CSV or XLSX with `format`")))]
pub async fn sales(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    let ex = Export {
        csv: reports::sales_csv,
        sheets: sheets::sales,
    };
    let (fmt, from, to) = prepare(&state, &user, &q)?;
    let r = from_stats::sales(state.store.stat_sales(&from, &to).await?);
    respond(fmt, &format!("sales_{from}_{to}"), r, ex)
}

#[utoipa::path(get, path = "/api/reports/orders", params(RangeQuery),
    responses((status = 200, body = OrdersReport, description = "JSON; CSV or XLSX with `format`")))]
pub async fn orders(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    let (fmt, from, to) = prepare(&state, &user, &q)?;
    let users = state.store.list_users(None).await?;
    let mut r = from_stats::orders_worked(state.store.stat_ops(&from, &to).await?, &users);
    let calls = state.store.calls_between(&from, &to).await?;
    r.calls = reports::calls::operator_calls(&calls, &users);
    let ex = Export {
        csv: reports::orders_csv,
        sheets: sheets::orders,
    };
    respond(fmt, &format!("orders_{from}_{to}"), r, ex)
}

#[utoipa::path(get, path = "/api/reports/reasons", params(RangeQuery),
    responses((status = 200, body = ReasonsReport, description = "JSON; CSV or XLSX with `format`; reasons named in `lang`")))]
pub async fn reasons(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    let (fmt, from, to) = prepare(&state, &user, &q)?;
    // Every format names the reasons in `lang`.
    let lang = lang(&q.lang)?;
    let users = state.store.list_users(None).await?;
    let reasons = state.store.reasons(None, true).await?;
    let events = state.store.reason_events(&from, &to).await?;
    let r = reports::reasons::report(&events, &reasons, &users, lang);
    let ex = Export {
        csv: reports::reasons::csv,
        sheets: reports::reasons::sheets,
    };
    respond(fmt, &format!("reasons_{from}_{to}"), r, ex)
}

#[utoipa::path(get, path = "/api/reports/cash", params(RangeQuery),
    responses((status = 200, body = CashReport, description = "JSON; CSV or XLSX with `format`")))]
pub async fn cash(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    let (fmt, from, to) = prepare(&state, &user, &q)?;
    let r = super::cash::report(&state, &from, &to).await?;
    let ex = Export {
        csv: reports::cash::csv,
        sheets: reports::cash::sheets,
    };
    respond(fmt, &format!("cash_{from}_{to}"), r, ex)
}

/// The instant a company day starts (RFC 3339, UTC).
fn day_start(state: &AppState, day: NaiveDate) -> String {
    use chrono::TimeZone;
    state
        .cfg
        .tz
        .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc).to_rfc3339())
        .unwrap_or_else(|| format!("{day}T00:00:00+00:00"))
}

/// Bottles (issue 19): in circulation now, the period's moves by kind,
/// empties collected against expected per courier (the CSV's table).
#[utoipa::path(get, path = "/api/reports/bottles", params(RangeQuery),
    responses((status = 200, body = rodnik_shared::api::BottleReport, description = "JSON; CSV or XLSX with `format`"),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn bottles(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    let (fmt, from, to) = prepare(&state, &user, &q)?;
    let (first, last) = (validate::date(&from, "from")?, validate::date(&to, "to")?);
    let after = last.succ_opt().unwrap_or(last);
    let settings = state.store.bottle_settings().await?;
    let holders = state.store.bottle_holders().await?;
    let moves = state
        .store
        .bottle_kind_totals(&day_start(&state, first), &day_start(&state, after))
        .await?;
    // The empties of the period's delivered stops (the report counts only those).
    let orders = state.store.orders_between(&from, &to).await?;
    let r = reports::bottles::report(
        &from,
        &to,
        reports::bottles::circulation(&holders, &settings),
        moves,
        &orders,
    );
    // Bottles that left the company since its count: written off, sold.
    let gone = match &settings.fleet_counted_at {
        Some(at) if settings.fleet.is_some() => state
            .store
            .bottle_kind_totals(at, "9999")
            .await?
            .iter()
            .filter(|k| {
                matches!(
                    k.kind,
                    rodnik_shared::api::BottleMoveKind::WrittenOff
                        | rodnik_shared::api::BottleMoveKind::Sold
                )
            })
            .map(|k| -k.qty)
            .sum(),
        _ => 0,
    };
    let r = reports::bottles::with_stock(r, &settings, gone);
    let ex = Export {
        csv: reports::bottles::csv,
        sheets: reports::bottles::sheets,
    };
    respond(fmt, &format!("bottles_{from}_{to}"), r, ex)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FormatQuery {
    /// `json` (default), `csv` or `xlsx`
    pub format: Option<String>,
    /// `en` (default) or `ru`: the language of an XLSX's headers.
    pub lang: Option<String>,
}

/// Clients holding more bottles than the free ones and their deposits
/// cover, now: longest without a delivery first.
#[utoipa::path(get, path = "/api/reports/bottle-debtors", params(FormatQuery),
    responses((status = 200, body = rodnik_shared::api::BottleDebtors, description = "JSON; CSV or XLSX with `format`"),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn bottle_debtors(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let fmt = format(&q.format, &q.lang)?;
    let settings = state.store.bottle_settings().await?;
    let holders = state.store.bottle_holders().await?;
    let r = reports::bottles::debtors(&holders, &settings);
    let ids: Vec<String> = r.debtors.iter().map(|d| d.client_id.clone()).collect();
    let last = state.store.last_deliveries(&ids).await?;
    let r = reports::bottles::by_last_delivery(r, &last);
    let ex = Export {
        csv: reports::bottles::debtors_csv,
        sheets: reports::bottles::debtors_sheets,
    };
    respond(fmt, &format!("bottle-debtors_{}", state.cfg.today()), r, ex)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MonthQuery {
    /// YYYY-MM; default: this month.
    pub month: Option<String>,
    /// `json` (default), `csv` or `xlsx`
    pub format: Option<String>,
    /// `en` (default) or `ru`: the language of an XLSX's headers.
    pub lang: Option<String>,
}

/// Equipment rentals in force in a month and what each charges: the fee
/// prorated by the days in force, waived where the address took the
/// agreement's minimum of bottles.
#[utoipa::path(get, path = "/api/reports/rentals", params(MonthQuery),
    responses((status = 200, body = rodnik_shared::api::RentalCharges, description = "JSON; CSV or XLSX with `format`"),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn rentals(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let fmt = format(&q.format, &q.lang)?;
    let today = state.cfg.today();
    let (year, month) = match q.month.as_deref() {
        None => (today.year(), today.month()),
        Some(m) => {
            let bad = || Error::invalid("month", "must be YYYY-MM");
            let (y, mo) = m.split_once('-').ok_or_else(bad)?;
            let (y, mo) = (
                y.parse::<i32>().map_err(|_| bad())?,
                mo.parse::<u32>().map_err(|_| bad())?,
            );
            if y < 2000 || y > 2200 || m.len() != 7 {
                return Err(bad());
            }
            (y, mo)
        }
    };
    let (first, last) = rodnik_shared::equipment::month_bounds(year, month)
        .ok_or_else(|| Error::invalid("month", "must be YYYY-MM"))?;
    let (first, last) = (first.to_string(), last.to_string());
    let in_force = state.store.rentals_in_force(&first, &last).await?;
    let mut clients: Vec<String> = in_force.iter().map(|r| r.client_id.clone()).collect();
    clients.sort();
    clients.dedup();
    let bottles = state
        .store
        .bottles_by_address(&clients, &first, &last)
        .await?;
    let r = reports::rentals::charges(year, month, &in_force, &bottles);
    let ex = Export {
        csv: reports::rentals::csv,
        sheets: reports::rentals::sheets,
    };
    let name = format!("rentals_{}", r.month);
    respond(fmt, &name, r, ex)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SanitationQuery {
    /// Due within this many days from today (0-365, default 30); overdue always.
    pub within_days: Option<u32>,
    /// `json` (default), `csv` or `xlsx`
    pub format: Option<String>,
    /// `en` (default) or `ru`: the language of an XLSX's headers.
    pub lang: Option<String>,
}

/// Coolers at clients whose sanitation (санобработка) is due: overdue and
/// due within `within_days`, the longest overdue first, with any order
/// already taken for it (the reminder call list).
#[utoipa::path(get, path = "/api/reports/sanitation", params(SanitationQuery),
    responses((status = 200, body = rodnik_shared::api::SanitationReport, description = "JSON; CSV or XLSX with `format`"),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn sanitation(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<SanitationQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let fmt = format(&q.format, &q.lang)?;
    let within = q.within_days.unwrap_or(30);
    if within > 365 {
        return Err(Error::invalid("within_days", "must be between 0 and 365"));
    }
    let months = state.store.equipment_settings().await?.sanitation_months;
    let at_clients = state
        .store
        .list_equipment(&crate::store::equipment::EquipmentFilter {
            state: Some(rodnik_shared::EquipmentState::AtClient),
            limit: 1_000_000,
            ..Default::default()
        })
        .await?;
    let rentals = state.store.active_rentals().await?;
    let ordered = state.store.open_sanitations().await?;
    let today = state.cfg.today();
    let r = reports::rentals::sanitation(today, within, months, &at_clients, &rentals, &ordered);
    let ex = Export {
        csv: reports::rentals::sanitation_csv,
        sheets: reports::rentals::sanitation_sheets,
    };
    respond(fmt, &format!("sanitation_{today}"), r, ex)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DailyQuery {
    /// YYYY-MM-DD, inclusive; default: the first day of this month.
    pub from: Option<String>,
    /// YYYY-MM-DD, inclusive; default: today.
    pub to: Option<String>,
    /// `json` (default), `csv` or `xlsx`
    pub format: Option<String>,
    /// `en` (default) or `ru`: the language of an XLSX's headers.
    pub lang: Option<String>,
    /// `day` (default) or `month`: a row per courier and month, dated on
    /// the month's first day.
    pub by: Option<String>,
}

/// Delivered orders per day and courier: the "water per courier per day" chart.
#[utoipa::path(get, path = "/api/reports/deliveries/daily", params(DailyQuery),
    responses((status = 200, body = DailyDeliveries, description = "JSON; CSV or XLSX with `format`")))]
pub async fn deliveries_daily(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<DailyQuery>,
) -> Result<Response> {
    let ex = Export {
        csv: reports::daily_deliveries_csv,
        sheets: sheets::daily_deliveries,
    };
    let by_month = match q.by.as_deref() {
        None | Some("day") => false,
        Some("month") => true,
        Some(_) => return Err(Error::invalid("by", "must be day or month")),
    };
    let range = RangeQuery {
        from: q.from,
        to: q.to,
        format: q.format,
        lang: q.lang,
    };
    let (fmt, from, to) = prepare(&state, &user, &range)?;
    let rows = state.store.stat_courier(&from, &to).await?;
    let r = from_stats::daily_deliveries(rows, by_month);
    let name = if by_month {
        "deliveries-monthly"
    } else {
        "deliveries-daily"
    };
    respond(fmt, &format!("{name}_{from}_{to}"), r, ex)
}

/// Orders per delivery day by state: the "orders by state" chart.
#[utoipa::path(get, path = "/api/reports/orders/daily", params(RangeQuery),
    responses((status = 200, body = DailyOrders, description = "JSON; CSV or XLSX with `format`")))]
pub async fn orders_daily(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    let ex = Export {
        csv: reports::daily_orders_csv,
        sheets: sheets::daily_orders,
    };
    let (fmt, from, to) = prepare(&state, &user, &q)?;
    let r = from_stats::daily_orders(state.store.stat_ops(&from, &to).await?);
    respond(fmt, &format!("orders-daily_{from}_{to}"), r, ex)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LostQuery {
    /// YYYY-MM-DD; default: today.
    pub as_of: Option<String>,
    /// Calendar months without a delivery; default 3.
    pub months: Option<u32>,
    /// `json` (default), `csv` or `xlsx`
    pub format: Option<String>,
    /// `en` (default) or `ru`: the language of an XLSX's headers.
    pub lang: Option<String>,
}

fn lost_params(
    state: &AppState,
    as_of: &Option<String>,
    months: Option<u32>,
) -> Result<(NaiveDate, u32)> {
    let as_of: NaiveDate = match as_of {
        Some(d) => validate::date(d, "as_of")?,
        None => state.cfg.today(),
    };
    let months = months.unwrap_or(3);
    if !(1..=120).contains(&months) {
        return Err(Error::invalid("months", "must be between 1 and 120"));
    }
    Ok((as_of, months))
}

#[utoipa::path(get, path = "/api/reports/lost-clients", params(LostQuery),
    responses((status = 200, body = LostClientsReport, description = "JSON; CSV or XLSX with `format`"),
        (status = 503, body = rodnik_shared::api::ErrorBody,
         description = "`busy`: a past `as_of` reads every order, and the queue of such reports is full; retry after `Retry-After` seconds")))]
pub async fn lost_clients(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<LostQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let fmt = format(&q.format, &q.lang)?;
    let (as_of, months) = lost_params(&state, &q.as_of, q.months)?;
    let r = lost_report(&state, as_of, months).await?;
    let ex = Export {
        csv: reports::lost_csv,
        sheets: sheets::lost_clients,
    };
    respond(fmt, &format!("lost-clients_{as_of}_{months}m"), r, ex)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LostMonthlyQuery {
    /// YYYY-MM-DD; default: today. The last month shown is this date's.
    pub as_of: Option<String>,
    /// Calendar months without a delivery that make a client lost; default 3.
    pub months: Option<u32>,
    /// How many calendar months to show, up to `as_of`'s; default 12, at most 60.
    pub count: Option<u32>,
    /// `json` (default), `csv` or `xlsx`
    pub format: Option<String>,
    /// `en` (default) or `ru`: the language of an XLSX's headers.
    pub lang: Option<String>,
}

/// Clients lost and won back per month: the "lost clients over time" chart.
#[utoipa::path(get, path = "/api/reports/lost-clients/monthly", params(LostMonthlyQuery),
    responses((status = 200, body = LostMonthly, description = "JSON; CSV or XLSX with `format`"),
        (status = 503, body = rodnik_shared::api::ErrorBody,
         description = "`busy`: this report reads every order, and the queue of such reports is full; retry after `Retry-After` seconds")))]
pub async fn lost_clients_monthly(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<LostMonthlyQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let fmt = format(&q.format, &q.lang)?;
    let (as_of, months) = lost_params(&state, &q.as_of, q.months)?;
    let count = q.count.unwrap_or(12);
    if !(1..=60).contains(&count) {
        return Err(Error::invalid("count", "must be between 1 and 60"));
    }
    // Reads every order: queued behind other such reports (reports/gate.rs).
    let store = state.store.clone();
    let r = state
        .heavy_reports
        .run(
            &format!("lost-monthly|{as_of}|{months}|{count}"),
            || async move {
                let facts = store.order_facts().await?;
                tokio::task::spawn_blocking(move || {
                    trends::lost_monthly(&facts, as_of, months, count)
                })
                .await
                .map_err(|e| Error::Internal(format!("lost clients by month: {e}")))
            },
        )
        .await?;
    let r = (*r).clone();
    let ex = Export {
        csv: reports::lost_monthly_csv,
        sheets: sheets::lost_monthly,
    };
    respond(
        fmt,
        &format!("lost-clients-monthly_{as_of}_{months}m"),
        r,
        ex,
    )
}

/// Lost clients: from the per-client figures when they can answer (nothing
/// delivered after `as_of`, the usual "as of today"), else from the orders.
async fn lost_report(state: &AppState, as_of: NaiveDate, months: u32) -> Result<LostClientsReport> {
    let as_of_s = as_of.to_string();
    if !state.store.delivered_after(&as_of_s).await? {
        let cutoff = reports::lost_cutoff(as_of, months).to_string();
        return Ok(from_stats::lost_clients(
            state.store.stat_lost(&cutoff).await?,
        ));
    }
    // A past date reads every order and client: queued (reports/gate.rs).
    let store = state.store.clone();
    let r = state
        .heavy_reports
        .run(&format!("lost|{as_of}|{months}"), || async move {
            let facts = store.order_facts().await?;
            let clients = store.all_clients().await?;
            tokio::task::spawn_blocking(move || {
                reports::lost_clients(&facts, &clients, as_of, months)
            })
            .await
            .map_err(|e| Error::Internal(format!("lost clients: {e}")))
        })
        .await?;
    Ok((*r).clone())
}

/// Who owes what, by the age of the charges (issue 20, item 6).
#[utoipa::path(get, path = "/api/reports/receivables", params(FormatQuery),
    responses((status = 200, body = rodnik_shared::api::Receivables, description = "JSON; CSV or XLSX with `format`"),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn receivables(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let fmt = format(&q.format, &q.lang)?;
    let today = state.cfg.today();
    let (owing, advances) = state.store.owing_clients().await?;
    let r = reports::money::receivables(owing, advances, today);
    let ex = Export {
        csv: reports::money::receivables_csv,
        sheets: reports::money::receivables_sheets,
    };
    respond(fmt, &format!("receivables_{today}"), r, ex)
}

/// Payments by day and method.
#[utoipa::path(get, path = "/api/reports/payments", params(RangeQuery),
    responses((status = 200, body = rodnik_shared::api::PaymentsReport, description = "JSON; CSV or XLSX with `format`"),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn payments(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let fmt = format(&q.format, &q.lang)?;
    let (from, to) = range(&state, &q)?;
    let rows = state.store.payments_by_day(&from, &to).await?;
    let r = reports::money::payments(&from, &to, &rows);
    let ex = Export {
        csv: reports::money::payments_csv,
        sheets: reports::money::payments_sheets,
    };
    respond(fmt, &format!("payments_{from}_{to}"), r, ex)
}

/// Documents issued per month, by kind (months of the range's days).
#[utoipa::path(get, path = "/api/reports/documents", params(RangeQuery),
    responses((status = 200, body = rodnik_shared::api::DocumentsReport, description = "JSON; CSV or XLSX with `format`"),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn documents_issued(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let fmt = format(&q.format, &q.lang)?;
    let (from, to) = range(&state, &q)?;
    let (fm, tm) = (
        from.get(..7).unwrap_or_default(),
        to.get(..7).unwrap_or_default(),
    );
    let rows = state.store.documents_by_month(fm, tm).await?;
    let r = reports::money::documents(fm, tm, &rows);
    let ex = Export {
        csv: reports::money::documents_csv,
        sheets: reports::money::documents_sheets,
    };
    respond(fmt, &format!("documents_{fm}_{tm}"), r, ex)
}

/// Invoices not wholly paid, longest overdue first.
#[utoipa::path(get, path = "/api/reports/unpaid-invoices", params(FormatQuery),
    responses((status = 200, body = rodnik_shared::api::UnpaidInvoices, description = "JSON; CSV or XLSX with `format`"),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn unpaid_invoices(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> Result<Response> {
    user.require_manager()?;
    let fmt = format(&q.format, &q.lang)?;
    let today = state.cfg.today();
    let invoices = state.store.unpaid_invoices(None).await?;
    let mut ids: Vec<String> = invoices.iter().map(|i| i.1.clone()).collect();
    ids.sort();
    ids.dedup();
    let terms = state.store.client_terms(&ids).await?;
    let r = reports::money::unpaid(invoices, &terms, today);
    let ex = Export {
        csv: reports::money::unpaid_csv,
        sheets: reports::money::unpaid_sheets,
    };
    respond(fmt, &format!("unpaid-invoices_{today}"), r, ex)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceiptsQuery {
    /// YYYY-MM-DD, the deliveries' days, inclusive; default: all of them
    /// for receipts not registered, the first day of this month otherwise.
    pub from: Option<String>,
    /// YYYY-MM-DD, inclusive; default: today.
    pub to: Option<String>,
    /// `pending`, `wait`, `failed` or `done`; default: all but `done`.
    pub status: Option<rodnik_shared::api::ReceiptStatus>,
    /// `json` (default), `csv` or `xlsx`
    pub format: Option<String>,
    /// `en` (default) or `ru`: the language of an XLSX's headers.
    pub lang: Option<String>,
}

/// Fiscal receipts of deliveries, by default those the service has not
/// registered (not sent yet, at the cash register, or refused), oldest
/// first; at most 5,000 rows.
#[utoipa::path(get, path = "/api/reports/receipts", params(ReceiptsQuery),
    responses((status = 200, body = Vec<rodnik_shared::api::Receipt>, description = "JSON; CSV or XLSX with `format`"),
        (status = 403, body = rodnik_shared::api::ErrorBody),
        (status = 422, body = rodnik_shared::api::ErrorBody)))]
pub async fn receipts(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ReceiptsQuery>,
) -> Result<Response> {
    use rodnik_shared::api::ReceiptStatus;
    user.require_manager()?;
    let fmt = format(&q.format, &q.lang)?;
    let statuses = match q.status {
        Some(s) => vec![s],
        None => vec![
            ReceiptStatus::Pending,
            ReceiptStatus::Wait,
            ReceiptStatus::Failed,
        ],
    };
    let today = state.cfg.today();
    let from = match (&q.from, q.status) {
        (Some(f), _) => validate::date(f, "from")?,
        (None, Some(ReceiptStatus::Done)) => today.with_day(1).unwrap_or(today),
        (None, _) => NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(today),
    };
    let to = match &q.to {
        Some(t) => validate::date(t, "to")?,
        None => today,
    };
    if from > to {
        return Err(Error::invalid("to", "must not be before from"));
    }
    let rows = state
        .store
        .list_receipts(&statuses, &from.to_string(), &to.to_string(), 5_000)
        .await?;
    let ex = Export {
        csv: reports::money::receipts_csv,
        sheets: reports::money::receipts_sheets,
    };
    respond(fmt, &format!("receipts_{from}_{to}"), rows, ex)
}
