//! The managers' reports: water delivered, goods and services sold, orders
//! worked, lost clients. One tab each, a date range with presets, charts,
//! tables grouped and sorted by the reader, CSV and Excel downloads, and the
//! call list made from the lost clients in one click. The Money tab shows
//! one of its five reports at a time (`state::money::Section`).

use rodnik_shared::api::{
    BottleDebtors, BottleReport, CashReport, DailyDeliveries, DailyOrders, LostClientsReport,
    LostMonthly, OrdersReport, ReasonsReport, RentalCharges, SalesReport, SanitationReport,
};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::reports::Query;
use crate::api::{Api, ApiError};
use crate::components::reports::format::{buckets, iso, parse, preset, Preset};
use crate::components::reports::{
    BottlesView, CashView, DeliveriesView, ExportButtons, LostView, MoneyData, MoneyView,
    OrdersView, RangePicker, ReasonsView, RentalsView, SalesView, SanitationView,
};
use crate::i18n::reports::{texts, ReportsTexts};
use crate::state::money::Section;
use crate::state::use_app;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Deliveries,
    Sales,
    Orders,
    Lost,
    Reasons,
    Cash,
    Bottles,
    Rentals,
    Sanitation,
    Money,
}

impl Tab {
    const ALL: [Tab; 10] = [
        Tab::Deliveries,
        Tab::Sales,
        Tab::Orders,
        Tab::Lost,
        Tab::Reasons,
        Tab::Cash,
        Tab::Bottles,
        Tab::Rentals,
        Tab::Sanitation,
        Tab::Money,
    ];

    fn code(self) -> &'static str {
        match self {
            Tab::Deliveries => "deliveries",
            Tab::Sales => "sales",
            Tab::Orders => "orders",
            Tab::Lost => "lost",
            Tab::Reasons => "reasons",
            Tab::Cash => "cash",
            Tab::Bottles => "bottles",
            Tab::Rentals => "rentals",
            Tab::Sanitation => "sanitation",
            Tab::Money => "money",
        }
    }

    fn label(self, t: &ReportsTexts) -> &'static str {
        match self {
            Tab::Deliveries => t.tab_deliveries,
            Tab::Sales => t.tab_sales,
            Tab::Orders => t.tab_orders,
            Tab::Lost => t.tab_lost,
            Tab::Reasons => t.tab_reasons,
            Tab::Cash => t.tab_cash,
            Tab::Bottles => t.tab_bottles,
            Tab::Rentals => t.tab_rentals,
            Tab::Sanitation => t.tab_sanitation,
            Tab::Money => t.tab_money,
        }
    }

    fn question(self, t: &ReportsTexts) -> &'static str {
        match self {
            Tab::Deliveries => t.q_deliveries,
            Tab::Sales => t.q_sales,
            Tab::Orders => t.q_orders,
            Tab::Lost => t.q_lost,
            Tab::Reasons => t.q_reasons,
            Tab::Cash => t.q_cash,
            Tab::Bottles => t.q_bottles,
            Tab::Rentals => t.q_rentals,
            Tab::Sanitation => t.q_sanitation,
            Tab::Money => t.q_money,
        }
    }

    /// The endpoint its downloads come from.
    fn export_path(self) -> &'static str {
        match self {
            Tab::Deliveries => "/api/reports/deliveries",
            Tab::Sales => "/api/reports/sales",
            Tab::Orders => "/api/reports/orders",
            Tab::Lost => "/api/reports/lost-clients",
            Tab::Reasons => "/api/reports/reasons",
            Tab::Cash => "/api/reports/cash",
            Tab::Bottles => "/api/reports/bottles",
            Tab::Rentals => "/api/reports/rentals",
            Tab::Sanitation => "/api/reports/sanitation",
            // The section's own (`Params::export_path`).
            Tab::Money => "/api/reports/receivables",
        }
    }
}

/// What the report screen asks for: the tab and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub tab: Tab,
    pub from: String,
    pub to: String,
    pub as_of: String,
    pub months: u32,
    /// The report the Money tab shows.
    pub section: Section,
    /// The receipts' status filter (`""`: those not registered).
    pub receipt_status: String,
}

impl Params {
    fn query(&self) -> Query {
        match self.tab {
            Tab::Lost => vec![
                ("as_of", self.as_of.clone()),
                ("months", self.months.to_string()),
            ],
            // The month the range starts in.
            Tab::Rentals => vec![("month", self.from.chars().take(7).collect())],
            Tab::Sanitation => vec![("within_days", "30".to_string())],
            Tab::Money if self.section == Section::Receipts && !self.receipt_status.is_empty() => {
                vec![
                    ("from", self.from.clone()),
                    ("to", self.to.clone()),
                    ("status", self.receipt_status.clone()),
                ]
            }
            Tab::Money if !self.section.ranged() => vec![],
            _ => vec![("from", self.from.clone()), ("to", self.to.clone())],
        }
    }

    /// Names what is on screen (`data-loaded`), so a test can wait for it.
    fn key(&self) -> String {
        match self.tab {
            Tab::Lost => format!("lost|{}|{}", self.as_of, self.months),
            // Those not registered are all of them, whatever the range.
            Tab::Money if self.section == Section::Receipts && self.receipt_status.is_empty() => {
                "money-receipts|not-done".to_string()
            }
            Tab::Money if self.section == Section::Receipts => {
                format!(
                    "money-receipts|{}|{}|{}",
                    self.from, self.to, self.receipt_status
                )
            }
            Tab::Money => format!("money-{}|{}|{}", self.section.code(), self.from, self.to),
            t => format!("{}|{}|{}", t.code(), self.from, self.to),
        }
    }

    /// Where the CSV and Excel of what is shown come from.
    fn export_path(&self) -> &'static str {
        match self.tab {
            Tab::Money => self.section.path(),
            t => t.export_path(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Data {
    /// The chart's figures (the table loads its own pages).
    Deliveries(DailyDeliveries),
    Sales(SalesReport),
    Orders(OrdersReport, DailyOrders),
    Lost(LostClientsReport, LostMonthly),
    Reasons(ReasonsReport),
    Cash(CashReport),
    Bottles(BottleReport, BottleDebtors),
    Rentals(RentalCharges),
    Sanitation(SanitationReport),
    Money(MoneyData),
}

async fn load(api: &Api, p: &Params, lang: crate::i18n::Lang) -> Result<Data, ApiError> {
    let mut q = p.query();
    Ok(match p.tab {
        Tab::Deliveries => {
            // A range the chart draws by month asks for months (~240 rows a
            // year instead of ~7,000).
            let by_month = match (parse(&p.from), parse(&p.to)) {
                (Some(f), Some(t)) => !buckets(f, t).0,
                _ => false,
            };
            if by_month {
                q.push(("by", "month".to_string()));
            }
            Data::Deliveries(api.daily_deliveries(&q).await?)
        }
        Tab::Sales => Data::Sales(api.sales_report(&q).await?),
        Tab::Cash => Data::Cash(api.cash_report(&q).await?),
        Tab::Bottles => {
            let (r, d) = futures::join!(api.bottle_report(&q), api.bottle_debtors());
            Data::Bottles(r?, d?)
        }
        Tab::Rentals => Data::Rentals(api.rental_charges(&q).await?),
        Tab::Sanitation => Data::Sanitation(api.sanitation_report(&q).await?),
        Tab::Money => Data::Money(match p.section {
            Section::Receivables => MoneyData::Receivables(api.receivables().await?),
            Section::Payments => MoneyData::Payments(api.payments_report(&q).await?),
            Section::Documents => MoneyData::Documents(api.documents_report(&q).await?),
            Section::Unpaid => MoneyData::Unpaid(api.unpaid_invoices().await?),
            Section::Receipts => MoneyData::Receipts(api.receipts_report(&q).await?),
        }),
        Tab::Reasons => {
            // The reasons are named in the reader's language.
            q.push(("lang", lang.code().to_string()));
            Data::Reasons(api.reasons_report(&q).await?)
        }
        Tab::Orders => {
            let (r, d) = futures::join!(api.orders_report(&q), api.daily_orders(&q));
            Data::Orders(r?, d?)
        }
        Tab::Lost => {
            let mut mq = q.clone();
            mq.push(("count", "12".to_string()));
            let (r, m) = futures::join!(api.lost_clients(&q), api.lost_monthly(&mq));
            Data::Lost(r?, m?)
        }
    })
}

#[function_component]
pub fn Reports() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let today = use_memo((), |_| crate::clock::today());
    let params = use_state(|| {
        let (from, to) = parse(&today)
            .map(|d| preset(d, Preset::ThisMonth))
            .map(|(f, t)| (iso(f), iso(t)))
            .unwrap_or_else(|| ((*today).clone(), (*today).clone()));
        Params {
            tab: Tab::Deliveries,
            from,
            to,
            as_of: (*today).clone(),
            months: 3,
            section: Section::Receivables,
            receipt_status: String::new(),
        }
    });
    // The newest request's answer wins; older ones are dropped.
    let loaded = use_state(|| None::<(Params, Result<Data, String>)>);
    let seq = use_mut_ref(|| 0u32);
    // Bumped to load the same report again (a cash day was confirmed).
    let nonce = use_state(|| 0u32);
    let on_changed = {
        let nonce = nonce.clone();
        Callback::from(move |_: ()| nonce.set(*nonce + 1))
    };

    {
        let (loaded, _app) = (loaded.clone(), app.dispatcher());
        use_effect_with(
            ((*params).clone(), token.clone(), lang, *nonce),
            move |(p, token, lang, _)| {
                let id = {
                    let mut s = seq.borrow_mut();
                    *s += 1;
                    *s
                };
                let (p, api, lang) = (p.clone(), Api::with_token(token), *lang);
                spawn_local(async move {
                    let result = load(&api, &p, lang).await;
                    if *seq.borrow() != id {
                        return;
                    }
                    match result {
                        Ok(d) => loaded.set(Some((p, Ok(d)))),
                        Err(e) => loaded.set(Some((p, Err(e.message())))),
                    }
                });
            },
        );
    }

    let set_tab = |tab: Tab| {
        let params = params.clone();
        Callback::from(move |_: MouseEvent| {
            params.set(Params {
                tab,
                ..(*params).clone()
            })
        })
    };
    let on_range = {
        let params = params.clone();
        Callback::from(move |(from, to): (String, String)| {
            params.set(Params {
                from,
                to,
                ..(*params).clone()
            })
        })
    };
    let on_status = {
        let params = params.clone();
        Callback::from(move |receipt_status: String| {
            params.set(Params {
                receipt_status,
                ..(*params).clone()
            })
        })
    };
    let on_lost = {
        let params = params.clone();
        Callback::from(move |(as_of, months): (String, u32)| {
            params.set(Params {
                as_of,
                months,
                ..(*params).clone()
            })
        })
    };

    let p = &*params;
    let current = loaded.as_ref().filter(|(lp, _)| lp == p);
    let busy = current.is_none();
    let body = match loaded.as_ref() {
        None => html! { <p class="loading">{ lang.t().loading }</p> },
        Some((_, Err(e))) => {
            html! { <p id="reports-error" class="banner error">{ format!("{}: {e}", t.load_failed) }</p> }
        }
        // While the next answer is on its way the last one stays (dimmed).
        Some((lp, Ok(data))) => match data {
            Data::Deliveries(d) => html! {
                <DeliveriesView {lang} from={lp.from.clone()} to={lp.to.clone()} daily={d.clone()} />
            },
            Data::Sales(r) => html! { <SalesView {lang} report={r.clone()} /> },
            Data::Reasons(r) => html! { <ReasonsView {lang} report={r.clone()} /> },
            Data::Cash(r) => {
                html! { <CashView {lang} report={r.clone()} on_changed={on_changed.clone()} /> }
            }
            Data::Bottles(r, d) => {
                html! { <BottlesView {lang} report={r.clone()} debtors={d.clone()} /> }
            }
            Data::Rentals(r) => html! { <RentalsView {lang} report={r.clone()} /> },
            Data::Sanitation(r) => html! { <SanitationView {lang} report={r.clone()} /> },
            Data::Money(d) => html! {
                <MoneyView {lang} data={d.clone()} status={lp.receipt_status.clone()} on_status={on_status.clone()} />
            },
            Data::Orders(r, d) => html! {
                <OrdersView {lang} from={lp.from.clone()} to={lp.to.clone()} report={r.clone()} daily={d.clone()} />
            },
            Data::Lost(r, m) => html! {
                <LostView {lang} as_of={lp.as_of.clone()} months={lp.months} report={r.clone()}
                    monthly={m.clone()} on_params={on_lost.clone()} />
            },
        },
    };
    // A tab switch shows nothing of another report while it loads.
    let body = match loaded.as_ref() {
        Some((lp, _)) if lp.tab != p.tab || lp.section != p.section => {
            html! { <p class="loading">{ lang.t().loading }</p> }
        }
        _ => body,
    };
    let set_section = |section: Section| {
        let params = params.clone();
        Callback::from(move |_: MouseEvent| {
            params.set(Params {
                section,
                ..(*params).clone()
            })
        })
    };
    let ranged = match p.tab {
        Tab::Lost | Tab::Sanitation => false,
        Tab::Money => p.section.ranged() || !p.query().is_empty(),
        _ => true,
    };

    html! {
        <section id="reports" class="reports" data-tab={p.tab.code()} aria-busy={busy.to_string()}
            data-loaded={current.map(|(lp, _)| lp.key()).unwrap_or_default()}>
            <div class="reports-head">
                <h1>{ t.title }</h1>
                <nav class="rtabs" role="tablist">
                    { for Tab::ALL.into_iter().map(|tab| html! {
                        <button type="button" role="tab" id={format!("tab-{}", tab.code())}
                            class={classes!("rtab", (tab == p.tab).then_some("current"))}
                            aria-selected={(tab == p.tab).to_string()} onclick={set_tab(tab)}>
                            { tab.label(t) }
                        </button>
                    }) }
                </nav>
                <ExportButtons key={format!("{}-{}", p.tab.code(), p.section.code())} {lang}
                    path={p.export_path()} query={p.query()} />
            </div>
            <div class="reports-bar">
                if p.tab == Tab::Money {
                    <nav class="money-sections" id="money-sections">
                        { for Section::ALL.into_iter().map(|s| html! {
                            <button type="button" id={format!("money-section-{}", s.code())}
                                class={classes!("btn", "preset", (s == p.section).then_some("current"))}
                                aria-pressed={(s == p.section).to_string()} onclick={set_section(s)}>
                                { s.label(lang) }
                            </button>
                        }) }
                    </nav>
                } else {
                    <p class="question">{ p.tab.question(t) }</p>
                }
                if ranged {
                    <RangePicker {lang} from={p.from.clone()} to={p.to.clone()} today={(*today).clone()} on_change={on_range} />
                }
            </div>
            <div class={classes!("reports-body", busy.then_some("stale"))}>{ body }</div>
        </section>
    }
}
