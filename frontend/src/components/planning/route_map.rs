//! A plan's routes on a map: OpenStreetMap's tiles (map_picker's tile
//! maths and layer) under an SVG of one polyline per courier in a colour of
//! its own, numbered stops and the depot. Without tiles (offline) the grid
//! and the routes still show; zoom and the arrows move the view.

use rodnik_shared::api::PlannedRoute;
use yew::prelude::*;

use crate::components::map_picker::{tile_layer, MAX_ZOOM, MIN_ZOOM, TILE};
use crate::i18n::geo::texts as geo_texts;
use crate::i18n::planning::texts;
use crate::i18n::Lang;
use crate::state::planning::{fit_view, route_colour, route_points};

pub const MAP_W: f64 = 560.0;
pub const MAP_H: f64 = 380.0;

#[derive(Properties, PartialEq)]
pub struct RouteMapProps {
    pub routes: Vec<PlannedRoute>,
    pub lang: Lang,
}

#[function_component]
pub fn RouteMap(p: &RouteMapProps) -> Html {
    let t = texts(p.lang);
    let g = geo_texts(p.lang);
    let all: Vec<(f64, f64)> = p.routes.iter().flat_map(route_points).collect();
    let fitted = fit_view(&all, MAP_W, MAP_H);
    let view = use_state(|| fitted);
    {
        // Another plan: fit it again.
        let view = view.setter();
        use_effect_with(all.len(), move |_| view.set(fitted));
    }
    let v = *view;
    let step = |dx: f64, dy: f64| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(view.pan(dx, dy)))
    };
    let zoom = |by: i8| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(view.zoomed(by)))
    };
    let px = |lat: f64, lon: f64| v.pixel_of_in(lat, lon, MAP_W, MAP_H);
    let lines = p.routes.iter().enumerate().map(|(i, r)| {
        let colour = route_colour(i);
        let points: String = route_points(r)
            .iter()
            .map(|&(lat, lon)| {
                let (x, y) = px(lat, lon);
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ");
        let dots = r
            .stops
            .iter()
            .enumerate()
            .filter_map(|(k, s)| Some((k + 1, s, s.lat.zip(s.lon)?)))
            .map(|(n, s, (lat, lon))| {
                let (x, y) = px(lat, lon);
                html! {
                    <g class="plan-dot" data-order-id={s.order_id.clone()}>
                        <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="8" fill={colour} />
                        <text x={format!("{x:.1}")} y={format!("{:.1}", y + 3.5)}>{ n }</text>
                        <title>{ format!("№{} · {} · {}", s.number, s.client_name, s.eta.clone().unwrap_or_default()) }</title>
                    </g>
                }
            });
        let depot = r.depot.as_ref().map(|d| {
            let (x, y) = px(d.lat, d.lon);
            html! {
                <rect class="plan-depot" x={format!("{:.1}", x - 7.0)} y={format!("{:.1}", y - 7.0)}
                    width="14" height="14" stroke={colour}>
                    <title>{ t.o_depot }</title>
                </rect>
            }
        });
        html! {
            <g class="plan-route" data-courier-id={r.courier_id.clone()}>
                <polyline class="plan-line" data-courier-id={r.courier_id.clone()} {points}
                    stroke={colour} fill="none" />
                { for dots }
                { for depot }
            </g>
        }
    });
    html! {
        <div class="route-map-wrap">
            <div class="map-frame">
                <div id="plan-map" class="map-view route-map" data-zoom={v.zoom.to_string()}
                    style={format!("width:{MAP_W}px;height:{MAP_H}px")} aria-label={t.o_map}>
                    { tile_layer(&v, MAP_W, MAP_H) }
                    <svg class="route-lines" width={MAP_W.to_string()} height={MAP_H.to_string()}
                        viewBox={format!("0 0 {MAP_W} {MAP_H}")}>
                        { for lines }
                    </svg>
                    <span class="map-attribution">{ g.attribution }</span>
                </div>
                <div class="map-controls">
                    <button type="button" id="plan-map-zoom-in" class="btn btn-ghost" title={g.zoom_in} aria-label={g.zoom_in}
                        onclick={zoom(1)} disabled={v.zoom >= MAX_ZOOM}>{ "+" }</button>
                    <button type="button" id="plan-map-zoom-out" class="btn btn-ghost" title={g.zoom_out} aria-label={g.zoom_out}
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
            <ul class="route-legend">
                { for p.routes.iter().enumerate().map(|(i, r)| html! {
                    <li data-courier-id={r.courier_id.clone()}>
                        <span class="swatch" style={format!("background:{}", route_colour(i))}></span>
                        { r.courier_name.clone() }
                    </li>
                }) }
            </ul>
        </div>
    }
}
