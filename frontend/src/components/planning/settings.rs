//! The planning settings (Administration → Маршруты, managers and admins;
//! issue 21): depots (a name and a point, put on the map or typed), the
//! company's shift and break, the van's capacity and loading time, the
//! time at a stop, each courier's exceptions (shift, depot, capacity, off),
//! the travel model (speeds by hour, road factor, parking, OSRM) and how
//! early a stop counts as at risk. `GET`/`PUT /api/planning/settings`; the
//! shared rules check the form first, and a 422 lands at its field.

use std::rc::Rc;

use rodnik_shared::api::{PlanningSettings, TravelModelKind};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::Api;
use crate::components::admin::{field_error, other_errors, Errors};
use crate::components::map_picker::{
    parse_coord, tile_layer, View, DEFAULT_CENTRE, MAX_ZOOM, MIN_ZOOM, TILE,
};
use crate::i18n::geo::texts as geo_texts;
use crate::i18n::planning::texts;
use crate::i18n::Lang;
use crate::state::planning::{settings_message, SettingsDraft};
use crate::state::use_app;

type Edit = Rc<dyn Fn(&mut SettingsDraft, String)>;

#[derive(Clone, PartialEq)]
enum Note {
    None,
    Saved,
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

#[function_component]
pub fn PlanningSettingsPanel() -> Html {
    let app = use_app();
    let lang = app.lang;
    let t = texts(lang);
    let token = app.token().unwrap_or_default().to_string();
    let draft = use_state(|| None::<SettingsDraft>);
    let errors = use_state(Errors::new);
    let note = use_state(|| Note::None);
    let busy = use_state(|| false);
    // The depot whose map is open.
    let map_for = use_state(|| None::<usize>);
    // A fit of the travel model to the couriers' trips: its report or why not.
    let fit = use_state(|| None::<Result<rodnik_shared::api::CalibrationReport, String>>);
    let fitting = use_state(|| false);

    {
        let (draft, errors, token) = (draft.setter(), errors.setter(), token.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                let api = Api::with_token(&token);
                let (settings, couriers) = futures::join!(api.planning_settings(), api.couriers());
                let couriers: Vec<(String, String)> = couriers
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|u| u.active)
                    .map(|u| (u.id, u.name))
                    .collect();
                match settings {
                    Ok(s) => draft.set(Some(SettingsDraft::of(&s, &couriers))),
                    Err(e) => {
                        errors.set(vec![(String::new(), e.message())]);
                        // The form still works from the defaults.
                        draft.set(Some(SettingsDraft::of(
                            &PlanningSettings::default(),
                            &couriers,
                        )));
                    }
                }
            });
        });
    }

    let Some(current) = (*draft).clone() else {
        return html! {
            <form id="planning-settings" class="planning-settings" data-loaded="false">
                <p class="muted">{ lang.t().loading }</p>
            </form>
        };
    };

    let change = {
        let (draft, note, current) = (draft.clone(), note.clone(), current.clone());
        Rc::new(move |f: &dyn Fn(&mut SettingsDraft)| {
            let mut next = current.clone();
            f(&mut next);
            draft.set(Some(next));
            if *note == Note::Saved {
                note.set(Note::None);
            }
        })
    };
    // A text input bound to one place of the draft; its error by the API's field name.
    let text = |id: String, field: String, label: &'static str, value: String, set: Edit| {
        let change = change.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let v = input_value(&e);
            change(&|d| set(d, v.clone()));
        });
        html! {
            <div class={classes!("planning-field", field.replace(['.', '[', ']'], "-"))}>
                <label for={id.clone()}>{ label }</label>
                <input id={id} type="text" {value} {oninput} disabled={*busy} autocomplete="off" />
                { field_error(&errors, &field) }
            </div>
        }
    };
    let field = |id: &str,
                 key: &str,
                 label: &'static str,
                 get: fn(&SettingsDraft) -> &String,
                 set: fn(&mut SettingsDraft, String)| {
        text(
            id.to_string(),
            key.to_string(),
            label,
            get(&current).clone(),
            Rc::new(set),
        )
    };

    // Depots
    let add_depot = {
        let change = change.clone();
        let name = t.depot_default_name;
        Callback::from(move |_: MouseEvent| {
            change(&|d| {
                d.add_depot(name);
            })
        })
    };
    let depots = current.depots.iter().enumerate().map(|(i, dep)| {
        let remove = {
            let (change, map_for) = (change.clone(), map_for.clone());
            Callback::from(move |_: MouseEvent| {
                change(&|d| d.remove_depot(i));
                map_for.set(None);
            })
        };
        let toggle_map = {
            let map_for = map_for.clone();
            Callback::from(move |_: MouseEvent| {
                map_for.set(if *map_for == Some(i) { None } else { Some(i) })
            })
        };
        let on_pick = {
            let change = change.clone();
            Callback::from(move |(lat, lon): (f64, f64)| {
                change(&|d| {
                    if let Some(x) = d.depots.get_mut(i) {
                        x.lat = format!("{lat:.6}");
                        x.lon = format!("{lon:.6}");
                    }
                })
            })
        };
        let open = *map_for == Some(i);
        let point = parse_coord(&dep.lat, 90.0).zip(parse_coord(&dep.lon, 180.0));
        html! {
            <div class="depot-row" data-index={i.to_string()} data-id={dep.id.clone()}>
                <div class="depot-fields">
                    { text(format!("depot-name-{i}"), format!("depots[{i}].name"), t.depot_name, dep.name.clone(),
                        Rc::new(move |d: &mut SettingsDraft, v| if let Some(x) = d.depots.get_mut(i) { x.name = v })) }
                    { text(format!("depot-lat-{i}"), format!("depots[{i}].lat"), geo_texts(lang).lat, dep.lat.clone(),
                        Rc::new(move |d: &mut SettingsDraft, v| if let Some(x) = d.depots.get_mut(i) { x.lat = v })) }
                    { text(format!("depot-lon-{i}"), format!("depots[{i}].lon"), geo_texts(lang).lon, dep.lon.clone(),
                        Rc::new(move |d: &mut SettingsDraft, v| if let Some(x) = d.depots.get_mut(i) { x.lon = v })) }
                    <button type="button" class="btn btn-ghost depot-map" onclick={toggle_map} disabled={*busy}>
                        { if open { t.hide_map } else { t.on_map } }
                    </button>
                    <button type="button" class="btn btn-ghost depot-remove" onclick={remove} disabled={*busy}>{ t.remove }</button>
                </div>
                { field_error(&errors, &format!("depots[{i}].id")) }
                if open {
                    <PointMap {point} {on_pick} {lang} />
                }
            </div>
        }
    });

    // Couriers
    let courier_rows = current.couriers.iter().enumerate().map(|(k, c)| {
        let at = current.courier_index(&c.courier_id);
        let key = |f: &str| match at {
            Some(i) => format!("couriers[{i}].{f}"),
            None => format!("couriers[-].{f}"),
        };
        let cell = |f: &'static str, value: String, set: fn(&mut crate::state::planning::CourierDraft, String)| {
            let change = change.clone();
            let oninput = Callback::from(move |e: InputEvent| {
                let v = input_value(&e);
                change(&|d| {
                    if let Some(r) = d.couriers.get_mut(k) {
                        set(r, v.clone())
                    }
                })
            });
            html! {
                <td class={format!("c-{f}")}>
                    <input type="text" class={format!("c-{f}")} {value} {oninput} disabled={*busy}
                        placeholder={t.company_default} autocomplete="off" />
                    { field_error(&errors, &key(f)) }
                </td>
            }
        };
        let on_depot = {
            let change = change.clone();
            Callback::from(move |e: Event| {
                let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                change(&|d| {
                    if let Some(r) = d.couriers.get_mut(k) {
                        r.depot_id = v.clone()
                    }
                })
            })
        };
        let on_off = {
            let change = change.clone();
            Callback::from(move |e: Event| {
                let v = e.target_unchecked_into::<web_sys::HtmlInputElement>().checked();
                change(&|d| {
                    if let Some(r) = d.couriers.get_mut(k) {
                        r.off = v
                    }
                })
            })
        };
        html! {
            <tr class={classes!("courier-row", c.off.then_some("off"))} data-courier-id={c.courier_id.clone()}>
                <td class="c-name">{ c.name.clone() }</td>
                <td class="c-depot">
                    <select class="c-depot" onchange={on_depot} disabled={*busy}>
                        <option value="" selected={c.depot_id.is_empty()}>{ t.company_default }</option>
                        { for current.depots.iter().map(|d| html! {
                            <option value={d.id.clone()} selected={c.depot_id == d.id}>
                                { if d.name.trim().is_empty() { d.id.clone() } else { d.name.clone() } }
                            </option>
                        }) }
                    </select>
                    { field_error(&errors, &key("depot_id")) }
                </td>
                { cell("start", c.start.clone(), |r, v| r.start = v) }
                { cell("end", c.end.clone(), |r, v| r.end = v) }
                { cell("capacity", c.capacity.clone(), |r, v| r.capacity = v) }
                <td class="c-off">
                    <input type="checkbox" class="c-off" checked={c.off} onchange={on_off} disabled={*busy} />
                    { field_error(&errors, &key("courier_id")) }
                </td>
            </tr>
        }
    });

    // Speeds
    let speed_rows = current.speeds.iter().enumerate().map(|(i, b)| {
        let remove = {
            let change = change.clone();
            Callback::from(move |_: MouseEvent| {
                change(&|d| {
                    if i < d.speeds.len() {
                        d.speeds.remove(i);
                    }
                })
            })
        };
        let cell = |f: &'static str, value: String, set: fn(&mut crate::state::planning::SpeedDraft, String)| {
            let change = change.clone();
            let oninput = Callback::from(move |e: InputEvent| {
                let v = input_value(&e);
                change(&|d| {
                    if let Some(r) = d.speeds.get_mut(i) {
                        set(r, v.clone())
                    }
                })
            });
            let key = format!("travel.speeds[{i}].{f}");
            html! {
                <td>
                    <input type="text" class={f.replace('_', "-")} {value} {oninput} disabled={*busy} autocomplete="off" />
                    { field_error(&errors, &key) }
                </td>
            }
        };
        html! {
            <tr class="speed-row" data-index={i.to_string()}>
                { cell("from_hour", b.from_hour.clone(), |r, v| r.from_hour = v) }
                { cell("kmh", b.kmh.clone(), |r, v| r.kmh = v) }
                <td><button type="button" class="btn btn-ghost speed-remove" onclick={remove}
                    disabled={*busy || current.speeds.len() <= 1}>{ "×" }</button></td>
            </tr>
        }
    });
    let add_speed = {
        let change = change.clone();
        Callback::from(move |_: MouseEvent| {
            change(&|d| {
                let next = d
                    .speeds
                    .last()
                    .and_then(|b| b.from_hour.trim().parse::<u32>().ok())
                    .map(|h| (h + 1).min(23).to_string())
                    .unwrap_or_else(|| "0".into());
                d.speeds.push(crate::state::planning::SpeedDraft {
                    from_hour: next,
                    kmh: "25".into(),
                });
            })
        })
    };
    let on_model = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            change(&|d| {
                d.model = if v == "osrm" {
                    TravelModelKind::Osrm
                } else {
                    TravelModelKind::Straight
                }
            })
        })
    };

    let on_fit = {
        let (fit, fitting, token) = (fit.clone(), fitting.clone(), token.clone());
        Callback::from(move |_: MouseEvent| {
            fitting.set(true);
            let (fit, fitting, token) = (fit.clone(), fitting.clone(), token.clone());
            spawn_local(async move {
                let req = rodnik_shared::api::CalibrateRequest {
                    days: Some(90),
                    save: false,
                };
                fit.set(Some(Api::with_token(&token).calibrate(&req).await.map_err(
                    |e| match e.code() {
                        Some("not_enough_samples") => texts(lang).calibrate_few.to_string(),
                        _ => e.message(),
                    },
                )));
                fitting.set(false);
            });
        })
    };
    let on_take_fit = {
        let (change, fit) = (change.clone(), fit.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(Ok(r)) = &*fit {
                change(&|d| d.take_fit(r));
            }
        })
    };
    let onsubmit = {
        let (draft, errors, note, busy, token, current) = (
            draft.clone(),
            errors.clone(),
            note.clone(),
            busy.clone(),
            token.clone(),
            current.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let put = match current.to_settings(lang) {
                Ok(s) => s,
                Err(e) => {
                    errors.set(vec![(e.field, e.message)]);
                    return;
                }
            };
            busy.set(true);
            errors.set(vec![]);
            note.set(Note::None);
            let (draft, errors, note, busy, token, rows) = (
                draft.clone(),
                errors.clone(),
                note.clone(),
                busy.clone(),
                token.clone(),
                current
                    .couriers
                    .iter()
                    .map(|c| (c.courier_id.clone(), c.name.clone()))
                    .collect::<Vec<_>>(),
            );
            spawn_local(async move {
                match Api::with_token(&token).put_planning_settings(&put).await {
                    Ok(s) => {
                        draft.set(Some(SettingsDraft::of(&s, &rows)));
                        note.set(Note::Saved);
                    }
                    Err(e) => {
                        let (field, message) = e.field_error(lang);
                        errors.set(vec![(field, settings_message(lang, &message))]);
                    }
                }
                busy.set(false);
            });
        })
    };

    let placed: Vec<String> = {
        let mut v: Vec<String> = [
            "shift.start",
            "shift.end",
            "shift.break_from",
            "shift.break_to",
            "shift.break_minutes",
            "capacity",
            "reload_minutes",
            "service.stop_seconds",
            "service.per_bottle_seconds",
            "service.per_floor_seconds",
            "travel.road_factor",
            "travel.parking_seconds",
            "travel.osrm_url",
            "risk_minutes",
        ]
        .map(String::from)
        .to_vec();
        for i in 0..current.depots.len() {
            for f in ["name", "lat", "lon", "id"] {
                v.push(format!("depots[{i}].{f}"));
            }
        }
        for i in 0..current.sent_couriers().len() {
            for f in ["start", "end", "capacity", "depot_id", "courier_id"] {
                v.push(format!("couriers[{i}].{f}"));
            }
        }
        for i in 0..current.speeds.len() {
            v.push(format!("travel.speeds[{i}].from_hour"));
            v.push(format!("travel.speeds[{i}].kmh"));
        }
        v
    };
    let placed_refs: Vec<&str> = placed.iter().map(String::as_str).collect();

    html! {
        <form id="planning-settings" class="planning-settings" data-loaded="true" {onsubmit} novalidate=true>
            <p class="muted planning-hint">{ t.s_hint }</p>
            <div class="planning-grid">
                <fieldset id="planning-depots" class="planning-block wide">
                    <legend>{ t.depots }</legend>
                    if current.depots.is_empty() {
                        <p class="muted">{ t.no_depots }</p>
                    }
                    { for depots }
                    <button id="depot-add" type="button" class="btn btn-ghost" onclick={add_depot} disabled={*busy}>{ t.add_depot }</button>
                </fieldset>
                <fieldset id="planning-shift" class="planning-block">
                    <legend>{ t.shift }</legend>
                    <div class="planning-row">
                        { field("planning-shift-start", "shift.start", t.shift_start, |d| &d.shift_start, |d, v| d.shift_start = v) }
                        { field("planning-shift-end", "shift.end", t.shift_end, |d| &d.shift_end, |d, v| d.shift_end = v) }
                    </div>
                    <div class="planning-row">
                        { field("planning-break-from", "shift.break_from", t.break_from, |d| &d.break_from, |d, v| d.break_from = v) }
                        { field("planning-break-to", "shift.break_to", t.break_to, |d| &d.break_to, |d, v| d.break_to = v) }
                        { field("planning-break-minutes", "shift.break_minutes", t.break_minutes, |d| &d.break_minutes, |d, v| d.break_minutes = v) }
                    </div>
                    <p class="muted small">{ t.break_hint }</p>
                </fieldset>
                <fieldset id="planning-van" class="planning-block">
                    <legend>{ t.load }</legend>
                    { field("planning-capacity", "capacity", t.capacity, |d| &d.capacity, |d, v| d.capacity = v) }
                    { field("planning-reload", "reload_minutes", t.reload_minutes, |d| &d.reload_minutes, |d, v| d.reload_minutes = v) }
                </fieldset>
                <fieldset id="planning-service" class="planning-block">
                    <legend>{ t.service }</legend>
                    { field("planning-stop-seconds", "service.stop_seconds", t.stop_seconds, |d| &d.stop_seconds, |d, v| d.stop_seconds = v) }
                    { field("planning-bottle-seconds", "service.per_bottle_seconds", t.per_bottle_seconds, |d| &d.per_bottle_seconds, |d, v| d.per_bottle_seconds = v) }
                    { field("planning-floor-seconds", "service.per_floor_seconds", t.per_floor_seconds, |d| &d.per_floor_seconds, |d, v| d.per_floor_seconds = v) }
                    { field_error(&errors, "service") }
                </fieldset>
                <fieldset id="planning-couriers" class="planning-block wide">
                    <legend>{ t.couriers }</legend>
                    <p class="muted small">{ t.couriers_hint }</p>
                    <table class="planning-couriers">
                        <thead><tr>
                            <th>{ t.c_courier }</th><th>{ t.c_depot }</th><th>{ t.c_start }</th>
                            <th>{ t.c_end }</th><th>{ t.c_capacity }</th><th>{ t.c_off }</th>
                        </tr></thead>
                        <tbody>{ for courier_rows }</tbody>
                    </table>
                </fieldset>
                <fieldset id="planning-travel" class="planning-block wide">
                    <legend>{ t.travel }</legend>
                    <div class="planning-row">
                        <div class="planning-field travel-model">
                            <label for="planning-model">{ t.model }</label>
                            <select id="planning-model" onchange={on_model} disabled={*busy}>
                                <option value="straight" selected={current.model == TravelModelKind::Straight}>{ t.model_straight }</option>
                                <option value="osrm" selected={current.model == TravelModelKind::Osrm}>{ t.model_osrm }</option>
                            </select>
                        </div>
                        { field("planning-road-factor", "travel.road_factor", t.road_factor, |d| &d.road_factor, |d, v| d.road_factor = v) }
                        { field("planning-parking", "travel.parking_seconds", t.parking_seconds, |d| &d.parking_seconds, |d, v| d.parking_seconds = v) }
                        { field("planning-osrm-url", "travel.osrm_url", t.osrm_url, |d| &d.osrm_url, |d, v| d.osrm_url = v) }
                    </div>
                    <h4>{ t.speeds }</h4>
                    <table id="planning-speeds" class="planning-speeds">
                        <thead><tr><th>{ t.from_hour }</th><th>{ t.kmh }</th><th></th></tr></thead>
                        <tbody>{ for speed_rows }</tbody>
                    </table>
                    { field_error(&errors, "travel.speeds") }
                    <div class="planning-row">
                        <button id="speed-add" type="button" class="btn btn-ghost" onclick={add_speed}
                            disabled={*busy || current.speeds.len() >= 24}>{ t.add_speed }</button>
                        <button id="planning-calibrate" type="button" class="btn btn-ghost" onclick={on_fit}
                            disabled={*busy || *fitting}>{ if *fitting { t.calibrating } else { t.calibrate } }</button>
                    </div>
                    { match &*fit {
                        Some(Ok(r)) => html! {
                            <p id="calibration" class="calibration" data-samples={r.samples.to_string()}>
                                { crate::i18n::planning::calibration(lang, r) }
                                { " " }
                                <button id="calibration-apply" type="button" class="btn btn-ghost" onclick={on_take_fit}
                                    disabled={*busy}>{ t.calibrate_apply }</button>
                            </p>
                        },
                        Some(Err(m)) => html! { <p id="calibration-error" class="muted">{ m.clone() }</p> },
                        None => html! {},
                    } }
                </fieldset>
                <fieldset id="planning-risk" class="planning-block">
                    <legend>{ t.risk_title }</legend>
                    { field("planning-risk-minutes", "risk_minutes", t.risk_minutes, |d| &d.risk_minutes, |d, v| d.risk_minutes = v) }
                    <p class="muted small">{ t.risk_hint }</p>
                </fieldset>
            </div>
            { other_errors(&errors, &[&placed_refs[..], &["service", "travel.speeds"]].concat()) }
            <div class="planning-foot">
                <button id="planning-save" type="submit" class="btn btn-primary" disabled={*busy}>
                    { if *busy { t.saving } else { t.save } }
                </button>
                if *note == Note::Saved {
                    <span id="planning-saved" class="ok" role="status">{ t.saved }</span>
                }
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct PointMapProps {
    point: Option<(f64, f64)>,
    on_pick: Callback<(f64, f64)>,
    lang: Lang,
}

const W: f64 = 384.0;
const H: f64 = 256.0;

/// A map to put one point on (a depot): OpenStreetMap's tiles over a grid
/// that works without them, a click puts the point, zoom and arrows move.
#[function_component]
fn PointMap(p: &PointMapProps) -> Html {
    let g = geo_texts(p.lang);
    let view = use_state(|| match p.point {
        Some((lat, lon)) => View { lat, lon, zoom: 15 },
        None => View {
            lat: DEFAULT_CENTRE.0,
            lon: DEFAULT_CENTRE.1,
            zoom: 10,
        },
    });
    let v = *view;
    let onclick = {
        let on_pick = p.on_pick.clone();
        Callback::from(move |e: MouseEvent| {
            on_pick.emit(v.point_at_in(e.offset_x() as f64, e.offset_y() as f64, W, H));
        })
    };
    let step = |dx: f64, dy: f64| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(view.pan(dx, dy)))
    };
    let zoom = |by: i8| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(view.zoomed(by)))
    };
    let marker = p.point.map(|(lat, lon)| v.pixel_of_in(lat, lon, W, H));
    html! {
        <div class="map-frame depot-map-frame">
            <div id="depot-map" class="map-view" data-zoom={v.zoom.to_string()}
                data-lat={v.lat.to_string()} data-lon={v.lon.to_string()}
                style={format!("width:{W}px;height:{H}px")} title={g.click_hint} {onclick}>
                { tile_layer(&v, W, H) }
                if let Some((x, y)) = marker {
                    <div id="depot-marker" class="map-marker" style={format!("left:{x}px;top:{y}px")}></div>
                }
                <span class="map-attribution">{ g.attribution }</span>
            </div>
            <div class="map-controls">
                <button type="button" id="depot-map-zoom-in" class="btn btn-ghost" title={g.zoom_in} aria-label={g.zoom_in}
                    onclick={zoom(1)} disabled={v.zoom >= MAX_ZOOM}>{ "+" }</button>
                <button type="button" id="depot-map-zoom-out" class="btn btn-ghost" title={g.zoom_out} aria-label={g.zoom_out}
                    onclick={zoom(-1)} disabled={v.zoom <= MIN_ZOOM}>{ "−" }</button>
                <button type="button" class="btn btn-ghost" title={g.north} aria-label={g.north}
                    onclick={step(0.0, -TILE / 2.0)}>{ "↑" }</button>
                <button type="button" class="btn btn-ghost" title={g.west} aria-label={g.west}
                    onclick={step(-TILE / 2.0, 0.0)}>{ "←" }</button>
                <button type="button" class="btn btn-ghost" title={g.east} aria-label={g.east}
                    onclick={step(TILE / 2.0, 0.0)}>{ "→" }</button>
                <button type="button" class="btn btn-ghost" title={g.south} aria-label={g.south}
                    onclick={step(0.0, TILE / 2.0)}>{ "↓" }</button>
            </div>
        </div>
    }
}
