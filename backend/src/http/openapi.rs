//! `GET /api/openapi.json`, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

use super::{
    backup, call_lists, catalogue, clients, metrics, orders, pbx, ready, reports, telephony, users,
    wallboard,
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
        orders::create_order,
        orders::list_orders,
        orders::get_order,
        orders::patch_order,
        orders::dispatch,
        orders::deliver,
        orders::fail,
        orders::recall,
        orders::cancel,
        orders::get_route,
        orders::put_route,
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
        reports::deliveries,
        reports::sales,
        reports::orders,
        reports::lost_clients,
        reports::deliveries_daily,
        reports::orders_daily,
        reports::lost_clients_monthly,
        call_lists::create_call_list,
        call_lists::list_call_lists,
        call_lists::get_call_list,
        call_lists::mark_done,
        wallboard::create,
        wallboard::list,
        wallboard::revoke,
        wallboard::snapshot,
        backup::download,
        ready::ready,
        metrics::scrape,
        live,
    ),
    components(schemas(rodnik_shared::api::LiveMessage, rodnik_shared::api::CallWithMatches))
)]
pub struct ApiDoc;

/// The live channel, documented here; `live::socket::upgrade` serves it.
#[utoipa::path(get, path = "/api/live",
    params(("token" = Option<String>, Query, description = "the bearer token from login"),
           ("wallboard" = Option<String>, Query, description = "a wallboard link's key: read-only, orders only")),
    responses((status = 101, description = "WebSocket of `LiveMessage`s", body = rodnik_shared::api::LiveMessage)))]
#[allow(dead_code)]
fn live() {}

pub async fn spec() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
