//! `GET /api/openapi.json`, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

use super::{
    account, backup, bank, call_lists, cash, catalogue, clients, documents, equipment, metrics,
    notify, orders, pbx, planning, ready, reasons, receipts, rentals, reports, rhythm, standing,
    telephony, users, wallboard,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rodnik API",
        version = "1",
        description = "Order taking and delivery dispatch for drinking-water delivery companies."
    ),
    paths(
        users::health,
        users::login,
        users::logout,
        users::me,
        users::create_user,
        users::list_users,
        users::patch_user,
        users::list_sessions,
        users::end_session,
        catalogue::create_product,
        catalogue::list_products,
        catalogue::patch_product,
        catalogue::put_prices,
        catalogue::get_prices,
        clients::create_client,
        clients::lookup,
        clients::similar_clients,
        clients::search_clients,
        clients::get_client,
        clients::patch_client,
        clients::add_address,
        clients::edit_address,
        clients::geocode_address,
        clients::add_note,
        clients::list_notes,
        account::account,
        account::add_move,
        account::put_contract,
        documents::get_company,
        documents::put_company,
        documents::list_documents,
        documents::get_document,
        documents::document_pdf,
        documents::document_xlsx,
        documents::close_month,
        documents::list_jobs,
        documents::get_job,
        documents::reconciliation,
        documents::send_document,
        documents::accounting_export,
        bank::import_statement,
        bank::list_payments,
        bank::assign_payment,
        bank::ignore_payment,
        clients::history,
        clients::bottles,
        clients::move_bottles,
        equipment::list_equipment,
        equipment::create_equipment,
        equipment::get_equipment,
        equipment::patch_equipment,
        equipment::move_equipment,
        rentals::create_rental,
        rentals::list_rentals,
        rentals::get_rental,
        rentals::patch_rental,
        rentals::end_rental,
        rentals::order_sanitation,
        rentals::get_equipment_settings,
        rentals::put_equipment_settings,
        reports::sanitation,
        reports::receivables,
        reports::payments,
        reports::documents_issued,
        reports::unpaid_invoices,
        reports::receipts,
        receipts::qr_settings,
        receipts::order_receipts,
        receipts::retry,
        planning::get_settings,
        planning::put_settings,
        planning::calibrate,
        planning::create_plan,
        planning::list_plans,
        planning::get_plan,
        planning::accept_plan,
        planning::cancel_plan,
        planning::get_slots,
        planning::get_etas,
        reports::rentals,
        orders::create_order,
        orders::list_orders,
        orders::get_order,
        orders::patch_order,
        orders::dispatch,
        orders::deliver,
        orders::fail,
        orders::reschedule,
        orders::recall,
        orders::cancel,
        orders::get_route,
        orders::put_route,
        orders::get_order_settings,
        reasons::list_reasons,
        reasons::create_reason,
        reasons::patch_reason,
        cash::submit,
        cash::list,
        cash::confirm,
        orders::put_order_settings,
        orders::get_bottle_settings,
        orders::put_bottle_settings,
        telephony::event,
        telephony::list_calls,
        telephony::called_back,
        pbx::mango_event,
        pbx::zadarma_event,
        pbx::zadarma_echo,
        pbx::get_settings,
        pbx::put_settings,
        pbx::set_extension,
        pbx::originate_call,
        pbx::play_recording,
        reports::deliveries,
        reports::sales,
        reports::orders,
        reports::lost_clients,
        reports::deliveries_daily,
        reports::orders_daily,
        reports::lost_clients_monthly,
        reports::reasons,
        reports::cash,
        reports::bottles,
        reports::bottle_debtors,
        call_lists::create_call_list,
        call_lists::list_call_lists,
        call_lists::get_call_list,
        call_lists::mark_done,
        rhythm::reorder,
        notify::get_settings,
        notify::put_settings,
        notify::get_client_notify,
        notify::put_client_notify,
        notify::list,
        notify::test,
        notify::run,
        rhythm::at_risk,
        standing::list,
        standing::read,
        standing::create,
        standing::patch,
        standing::end,
        standing::generate_now,
        wallboard::create,
        wallboard::list,
        wallboard::revoke,
        wallboard::snapshot,
        wallboard::calls,
        backup::download,
        ready::ready,
        metrics::scrape,
        live,
    ),
    components(schemas(rodnik_shared::api::LiveMessage, rodnik_shared::api::CallWithMatches))
)]
pub struct ApiDoc;

/// The live channel, documented here; `http::live::upgrade` serves it.
#[utoipa::path(get, path = "/api/live",
    params(("token" = Option<String>, Query, description = "the bearer token from login"),
           ("wallboard" = Option<String>, Query, description = "a wallboard link's key: read-only, orders only")),
    responses((status = 101, description = "WebSocket of `LiveMessage`s", body = rodnik_shared::api::LiveMessage),
        (status = 400, description = "not a WebSocket upgrade request", body = rodnik_shared::api::ErrorBody),
        (status = 401, description = "no valid token or wallboard key", body = rodnik_shared::api::ErrorBody)))]
#[allow(dead_code)]
fn live() {}

pub async fn spec() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}

/// The spec with the statuses that the API's conventions (docs/api.md) let
/// every operation of a kind answer, where its own annotation leaves them out.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    add_conventions(&mut doc);
    doc
}

/// Operations anyone may call (their own checks answer for themselves).
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/api/health"),
    ("post", "/api/auth/login"),
    ("post", "/api/telephony/events"),
    ("post", "/api/telephony/mango/{path}"),
    ("post", "/api/telephony/zadarma"),
    ("get", "/api/telephony/zadarma"),
    ("get", "/api/wallboard"),
    ("get", "/api/ready"),
    ("get", "/metrics"),
    ("get", "/api/live"),
];

fn add_conventions(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build()
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let names: Vec<String> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(str::to_string)
            .collect();
        let methods = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ];
        for (method, op) in methods {
            let Some(op) = op.as_mut() else { continue };
            // Every `{name}` in the path is a required string parameter; the
            // annotations name only some of them.
            for name in &names {
                let params = op.parameters.get_or_insert_with(Vec::new);
                if !params
                    .iter()
                    .any(|p| p.name == *name && matches!(p.parameter_in, ParameterIn::Path))
                {
                    params.push(
                        utoipa::openapi::path::ParameterBuilder::new()
                            .name(name)
                            .parameter_in(ParameterIn::Path)
                            .required(utoipa::openapi::Required::True)
                            .schema(Some(
                                utoipa::openapi::ObjectBuilder::new()
                                    .schema_type(utoipa::openapi::schema::Type::String)
                                    .min_length(Some(1)),
                            ))
                            .build(),
                    );
                }
            }
            let public = PUBLIC.contains(&(method, path.as_str()));
            let params = op.parameters.as_deref().unwrap_or_default();
            let in_path = params
                .iter()
                .any(|p| matches!(p.parameter_in, ParameterIn::Path));
            let takes_input = op.request_body.is_some()
                || in_path
                || params
                    .iter()
                    .any(|p| matches!(p.parameter_in, ParameterIn::Query));
            let mut add = |status: &str, description: &str| {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| error(description).into());
            };
            if !public {
                add("401", "`unauthorized`: no valid session (sign in again)");
                add("403", "`forbidden`: the user's role may not do this");
            }
            if takes_input {
                add("400", "`bad_request`: a malformed body, query or path");
                add(
                    "422",
                    "`validation_failed`: a field is invalid (`field` names it)",
                );
            }
            if in_path {
                add("404", "`not_found`: no such record");
            }
            if method == "post" && !public {
                add(
                    "409",
                    "`idempotency_key_reused`, `idempotency_key_in_use` or another conflict (docs/api.md)",
                );
            }
            if method == "patch" {
                add(
                    "409",
                    "the record changed meanwhile (`stale_version`), or its state does not allow the change",
                );
            }
            if path.starts_with("/api/") && path != "/api/live" {
                add(
                    "503",
                    "`timeout`: the request ran past the server's time limit",
                );
            }
        }
    }
}
