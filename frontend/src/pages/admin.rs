//! The admin screen: tabs for users (admins only), the price list, a
//! client's contract prices, the equipment register, wallboard links, the
//! order settings, client notifications and telephony (admins). Every panel stays mounted while another tab is
//! shown, so switching tabs loses nothing typed; the tab is kept in the URL's
//! hash (`/admin#products`), so a reload comes back to it.

use yew::prelude::*;

use crate::components::admin::{
    BottleSettingsPanel, EquipmentPanel, OrderSettingsPanel, PricesPanel, ProductsPanel,
    ReasonsPanel, SanitationSettingsPanel, TelephonySettings, UsersPanel, WallboardLinks,
};
use crate::i18n::admin::texts;
use crate::i18n::wallboard::texts as wallboard_texts;
use crate::state::use_app;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Users,
    Products,
    Prices,
    Equipment,
    Wallboards,
    Orders,
    Telephony,
    /// The company's requisites for documents (issue 20; admins).
    Company,
    /// Route planning (issue 21; managers and admins).
    Planning,
    /// Client notifications (issue 23; managers and admins).
    Notifications,
}

impl Tab {
    fn slug(self) -> &'static str {
        match self {
            Tab::Users => "users",
            Tab::Products => "products",
            Tab::Prices => "prices",
            Tab::Equipment => "equipment",
            Tab::Wallboards => "wallboards",
            Tab::Orders => "orders",
            Tab::Telephony => "telephony",
            Tab::Company => "company",
            Tab::Planning => "planning",
            Tab::Notifications => "notifications",
        }
    }

    fn from_hash(hash: &str) -> Option<Tab> {
        match hash.trim_start_matches('#') {
            "users" => Some(Tab::Users),
            "products" => Some(Tab::Products),
            "prices" => Some(Tab::Prices),
            "equipment" => Some(Tab::Equipment),
            "wallboards" => Some(Tab::Wallboards),
            "orders" => Some(Tab::Orders),
            "telephony" => Some(Tab::Telephony),
            "company" => Some(Tab::Company),
            "planning" => Some(Tab::Planning),
            "notifications" => Some(Tab::Notifications),
            _ => None,
        }
    }
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

#[function_component]
pub fn Admin() -> Html {
    let app = use_app();
    let t = texts(app.lang);
    let admin = app.session.as_ref().is_some_and(|s| s.user.role.is_admin());
    let tabs: Vec<Tab> = if admin {
        vec![
            Tab::Users,
            Tab::Products,
            Tab::Prices,
            Tab::Equipment,
            Tab::Wallboards,
            Tab::Orders,
            Tab::Planning,
            Tab::Notifications,
            Tab::Telephony,
            Tab::Company,
        ]
    } else {
        vec![
            Tab::Products,
            Tab::Prices,
            Tab::Equipment,
            Tab::Wallboards,
            Tab::Orders,
            Tab::Planning,
            Tab::Notifications,
        ]
    };
    let tab = {
        let tabs = tabs.clone();
        use_state(move || {
            Tab::from_hash(&location_hash())
                .filter(|t| tabs.contains(t))
                .unwrap_or(tabs[0])
        })
    };
    let label = |tab: Tab| match tab {
        Tab::Users => t.users,
        Tab::Products => t.products,
        Tab::Prices => t.contract_prices,
        Tab::Equipment => crate::components::admin::equipment::tab_label(app.lang),
        Tab::Wallboards => wallboard_texts(app.lang).links_title,
        Tab::Orders => crate::components::admin::orders::tab_label(app.lang),
        Tab::Telephony => match app.lang {
            crate::i18n::Lang::En => "Telephony",
            crate::i18n::Lang::Ru => "Телефония",
        },
        Tab::Company => crate::i18n::documents::texts(app.lang).company_tab,
        Tab::Planning => crate::i18n::planning::texts(app.lang).tab,
        Tab::Notifications => crate::i18n::notify::texts(app.lang).tab,
    };
    let buttons = tabs.iter().map(|&which| {
        let onclick = {
            let tab = tab.clone();
            Callback::from(move |_: MouseEvent| {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().set_hash(which.slug());
                }
                tab.set(which);
            })
        };
        let current = *tab == which;
        html! {
            <button type="button" id={format!("tab-{}", which.slug())} role="tab"
                class={classes!("admin-tab", current.then_some("current"))}
                aria-selected={current.to_string()} aria-controls={format!("panel-{}", which.slug())}
                {onclick}>
                { label(which) }
            </button>
        }
    });
    let panel = |which: Tab, body: Html| {
        html! {
            <div id={format!("panel-{}", which.slug())} class="tab-panel" role="tabpanel"
                aria-labelledby={format!("tab-{}", which.slug())} hidden={*tab != which}>{ body }</div>
        }
    };
    html! {
        <section id="admin" class="admin" data-tab={tab.slug()}>
            <div class="admin-head">
                <h1>{ t.title }</h1>
                <span class="muted subtitle">{ if admin { t.subtitle_admin } else { t.subtitle_manager } }</span>
                <nav class="admin-tabs" role="tablist" aria-label={t.title}>{ for buttons }</nav>
            </div>
            if admin {
                { panel(Tab::Users, html! { <UsersPanel /> }) }
            }
            { panel(Tab::Products, html! { <ProductsPanel /> }) }
            { panel(Tab::Prices, html! { <PricesPanel /> }) }
            { panel(Tab::Equipment, html! { <EquipmentPanel /> }) }
            { panel(Tab::Wallboards, html! { <WallboardLinks /> }) }
            { panel(Tab::Orders, html! { <div class="orders-settings"><OrderSettingsPanel /><BottleSettingsPanel /><SanitationSettingsPanel /><ReasonsPanel /></div> }) }
            { panel(Tab::Planning, html! { <crate::components::planning::PlanningSettingsPanel /> }) }
            { panel(Tab::Notifications, html! { <crate::components::admin::NotifySettingsPanel /> }) }
            if admin {
                { panel(Tab::Telephony, html! { <TelephonySettings /> }) }
                { panel(Tab::Company, html! { <crate::components::admin::CompanySettingsPanel /> }) }
            }
        </section>
    }
}
