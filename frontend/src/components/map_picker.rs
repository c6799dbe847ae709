//! The map picker of an address's point (issue 21, item 1): OpenStreetMap
//! raster tiles around the point (the slippy-map tile maths below, pure and
//! tested on the host), a marker, zoom and pan buttons, drag to pan, a click
//! puts the point. Without tiles (offline, blocked) it still works: the
//! viewport is a plain grid, the coordinates are shown and typed in two
//! inputs. "Найти" asks the geocoder; "Сохранить точку" is the address edit
//! with the new `lat`, `lon` (the server marks it `manual`).

use std::cell::RefCell;
use std::f64::consts::PI;
use std::rc::Rc;

use rodnik_shared::api::{ClientCard, ClientSummary, GeoQuality, Geocoded};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::new_client_form::value;
use crate::api::{Api, ApiError};
use crate::i18n::geo::{quality_code, quality_label, texts};
use crate::i18n::Lang;
use crate::state::client_edit::with_point;

/// A tile's side in pixels.
pub const TILE: f64 = 256.0;
/// The viewport: 1.5 by 1.125 tiles (it fits the console's card), so at
/// most 3 by 3 tiles show.
pub const WIDTH: f64 = 384.0;
pub const HEIGHT: f64 = 288.0;
pub const MIN_ZOOM: u8 = 3;
pub const MAX_ZOOM: u8 = 19;
/// Mercator's edge: the map is square up to these latitudes.
const MAX_LAT: f64 = 85.051_128_78;
/// Where a map without any point starts (the middle of Moscow).
pub const DEFAULT_CENTRE: (f64, f64) = (55.7558, 37.6173);
const DEFAULT_ZOOM: u8 = 10;

/// The width of the whole world in pixels at `zoom`.
fn world(zoom: u8) -> f64 {
    TILE * 2f64.powi(zoom as i32)
}

/// A point's pixel in the world at `zoom` (x east, y south).
pub fn to_pixel(lat: f64, lon: f64, zoom: u8) -> (f64, f64) {
    let n = world(zoom);
    let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let x = (lon + 180.0) / 360.0 * n;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0 * n;
    (x, y)
}

/// The point at a world pixel at `zoom`.
pub fn to_lat_lon(x: f64, y: f64, zoom: u8) -> (f64, f64) {
    let n = world(zoom);
    let lon = x / n * 360.0 - 180.0;
    let lat = (PI * (1.0 - 2.0 * y / n)).sinh().atan().to_degrees();
    (lat, lon)
}

/// The tile a point is on: (x, y).
pub fn tile_of(lat: f64, lon: f64, zoom: u8) -> (i64, i64) {
    let (x, y) = to_pixel(lat, lon, zoom);
    ((x / TILE).floor() as i64, (y / TILE).floor() as i64)
}

/// What the map shows: its centre and zoom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub lat: f64,
    pub lon: f64,
    pub zoom: u8,
}

/// A tile of the viewport: its numbers and where its corner goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub x: i64,
    pub y: i64,
    pub left: f64,
    pub top: f64,
}

impl Tile {
    pub fn url(&self, zoom: u8) -> String {
        format!(
            "https://tile.openstreetmap.org/{zoom}/{}/{}.png",
            self.x, self.y
        )
    }
}

impl View {
    /// The top-left corner of a `w` × `h` viewport in world pixels.
    fn corner_in(&self, w: f64, h: f64) -> (f64, f64) {
        let (x, y) = to_pixel(self.lat, self.lon, self.zoom);
        (x - w / 2.0, y - h / 2.0)
    }

    /// The tiles that cover the picker's viewport (x wraps round the world;
    /// rows beyond the poles are left out).
    #[cfg(test)]
    pub fn tiles(&self) -> Vec<Tile> {
        self.tiles_in(WIDTH, HEIGHT)
    }

    /// The tiles that cover a `w` × `h` viewport.
    pub fn tiles_in(&self, w: f64, h: f64) -> Vec<Tile> {
        let (left, top) = self.corner_in(w, h);
        let count = 1i64 << self.zoom;
        let (x0, x1) = (
            (left / TILE).floor() as i64,
            ((left + w) / TILE).ceil() as i64,
        );
        let (y0, y1) = (
            (top / TILE).floor() as i64,
            ((top + h) / TILE).ceil() as i64,
        );
        let mut out = vec![];
        for ty in y0.max(0)..y1.min(count) {
            for tx in x0..x1 {
                out.push(Tile {
                    x: tx.rem_euclid(count),
                    y: ty,
                    left: tx as f64 * TILE - left,
                    top: ty as f64 * TILE - top,
                });
            }
        }
        out
    }

    /// The point under a pixel of the viewport.
    pub fn point_at(&self, px: f64, py: f64) -> (f64, f64) {
        self.point_at_in(px, py, WIDTH, HEIGHT)
    }

    pub fn point_at_in(&self, px: f64, py: f64, w: f64, h: f64) -> (f64, f64) {
        let (left, top) = self.corner_in(w, h);
        let (lat, lon) = to_lat_lon(left + px, top + py, self.zoom);
        (lat, wrap_lon(lon))
    }

    /// Where a point is in the viewport (may be outside it).
    pub fn pixel_of(&self, lat: f64, lon: f64) -> (f64, f64) {
        self.pixel_of_in(lat, lon, WIDTH, HEIGHT)
    }

    pub fn pixel_of_in(&self, lat: f64, lon: f64, w: f64, h: f64) -> (f64, f64) {
        let (left, top) = self.corner_in(w, h);
        let (x, y) = to_pixel(lat, lon, self.zoom);
        (x - left, y - top)
    }

    /// Moved by pixels (east and south positive).
    pub fn pan(&self, dx: f64, dy: f64) -> View {
        let (x, y) = to_pixel(self.lat, self.lon, self.zoom);
        let (lat, lon) = to_lat_lon(x + dx, y + dy, self.zoom);
        View {
            lat: lat.clamp(-MAX_LAT, MAX_LAT),
            lon: wrap_lon(lon),
            zoom: self.zoom,
        }
    }

    pub fn zoomed(&self, by: i8) -> View {
        View {
            zoom: (self.zoom as i16 + by as i16).clamp(MIN_ZOOM as i16, MAX_ZOOM as i16) as u8,
            ..*self
        }
    }
}

fn wrap_lon(lon: f64) -> f64 {
    (lon + 180.0).rem_euclid(360.0) - 180.0
}

/// A typed coordinate ("55,7558" too) within ±`max`.
pub fn parse_coord(s: &str, max: f64) -> Option<f64> {
    s.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && v.abs() <= max)
}

/// How close the map comes to an answer of this quality.
fn zoom_for(q: GeoQuality) -> u8 {
    match q {
        GeoQuality::House | GeoQuality::Near => 17,
        GeoQuality::Street => 15,
        GeoQuality::Locality => 11,
    }
}

fn coord(v: f64) -> String {
    format!("{v:.6}")
}

#[derive(Clone, PartialEq)]
enum Note {
    None,
    Found(Geocoded),
    /// An error code (`geocoder_off`, `not_located`, `upstream_failed`,
    /// `stale_version`, `other`) and its text.
    Error(String, String),
}

#[derive(Properties, PartialEq)]
pub struct MapPickerProps {
    pub client: ClientSummary,
    pub address_id: AttrValue,
    pub token: AttrValue,
    pub lang: Lang,
    /// The card after a save (or a geocoder's saved point).
    pub on_changed: Callback<ClientCard>,
    pub on_close: Callback<()>,
}

#[function_component]
pub fn MapPicker(p: &MapPickerProps) -> Html {
    let t = texts(p.lang);
    let address = p.client.addresses.iter().find(|a| a.id == *p.address_id);
    let start = address.and_then(|a| a.lat.zip(a.lon));
    let view = use_state(|| match start {
        Some((lat, lon)) => View { lat, lon, zoom: 17 },
        None => View {
            lat: DEFAULT_CENTRE.0,
            lon: DEFAULT_CENTRE.1,
            zoom: DEFAULT_ZOOM,
        },
    });
    let lat_text = use_state(|| start.map(|s| coord(s.0)).unwrap_or_default());
    let lon_text = use_state(|| start.map(|s| coord(s.1)).unwrap_or_default());
    let note = use_state(|| Note::None);
    let busy = use_state(|| false);
    let field_errors = use_state(|| (None::<&'static str>, None::<&'static str>));
    // A drag: where it started (client pixels) and the view then; `moved`
    // makes the click that ends it not put a point.
    let drag = use_mut_ref(|| None::<(i32, i32, View)>);
    let moved = use_mut_ref(|| false);
    let Some(address) = address.cloned() else {
        return html! {};
    };
    let point = parse_coord(&lat_text, 90.0).zip(parse_coord(&lon_text, 180.0));
    let put = {
        let (lat_text, lon_text, field_errors) =
            (lat_text.clone(), lon_text.clone(), field_errors.clone());
        move |lat: f64, lon: f64| {
            lat_text.set(coord(lat));
            lon_text.set(coord(lon));
            field_errors.set((None, None));
        }
    };
    let onclick = {
        let (view, put, moved) = (view.clone(), put.clone(), moved.clone());
        Callback::from(move |e: MouseEvent| {
            if std::mem::take(&mut *moved.borrow_mut()) {
                return;
            }
            let (lat, lon) = view.point_at(e.offset_x() as f64, e.offset_y() as f64);
            put(lat, lon);
        })
    };
    let onmousedown = {
        let (view, drag, moved) = (view.clone(), drag.clone(), moved.clone());
        Callback::from(move |e: MouseEvent| {
            *drag.borrow_mut() = Some((e.client_x(), e.client_y(), *view));
            *moved.borrow_mut() = false;
        })
    };
    let onmousemove = {
        let (view, drag, moved) = (view.clone(), drag.clone(), moved.clone());
        Callback::from(move |e: MouseEvent| {
            let Some((x0, y0, v0)) = *drag.borrow() else {
                return;
            };
            if e.buttons() & 1 == 0 {
                return;
            }
            let (dx, dy) = (e.client_x() - x0, e.client_y() - y0);
            if dx.abs() + dy.abs() > 4 {
                *moved.borrow_mut() = true;
            }
            if *moved.borrow() {
                view.set(v0.pan(-dx as f64, -dy as f64));
            }
        })
    };
    let end_drag = {
        let drag: Rc<RefCell<_>> = drag.clone();
        Callback::from(move |_: MouseEvent| *drag.borrow_mut() = None)
    };
    let step = |dx: f64, dy: f64| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(view.pan(dx, dy)))
    };
    let zoom = |by: i8| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(view.zoomed(by)))
    };
    let typed = |which: bool| {
        let (lat_text, lon_text, view, field_errors) = (
            lat_text.clone(),
            lon_text.clone(),
            view.clone(),
            field_errors.clone(),
        );
        Callback::from(move |e: InputEvent| {
            let v = value(e);
            let (lat, lon) = if which {
                (v.clone(), (*lon_text).clone())
            } else {
                ((*lat_text).clone(), v.clone())
            };
            if which {
                lat_text.set(v);
            } else {
                lon_text.set(v);
            }
            field_errors.set((None, None));
            if let (Some(lat), Some(lon)) = (parse_coord(&lat, 90.0), parse_coord(&lon, 180.0)) {
                view.set(View { lat, lon, ..*view });
            }
        })
    };
    let on_find = {
        let (view, put, note, busy) = (view.clone(), put.clone(), note.clone(), busy.clone());
        let (client_id, address_id, token, lang, on_changed) = (
            p.client.id.clone(),
            p.address_id.to_string(),
            p.token.clone(),
            p.lang,
            p.on_changed.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            note.set(Note::None);
            let (view, put, note, busy, client_id, address_id, token, on_changed) = (
                view.clone(),
                put.clone(),
                note.clone(),
                busy.clone(),
                client_id.clone(),
                address_id.clone(),
                token.clone(),
                on_changed.clone(),
            );
            spawn_local(async move {
                let api = Api::with_token(&token);
                match api.geocode_address(&client_id, &address_id).await {
                    Ok(g) => {
                        view.set(View {
                            lat: g.lat,
                            lon: g.lon,
                            zoom: zoom_for(g.quality),
                        });
                        if g.quality.is_precise() {
                            put(g.lat, g.lon);
                        }
                        if g.saved {
                            if let Ok(card) = api.client(&client_id).await {
                                on_changed.emit(card);
                            }
                        }
                        note.set(Note::Found(g));
                    }
                    Err(e) => note.set(error_note(lang, &e)),
                }
                busy.set(false);
            });
        })
    };
    let on_save = {
        let (note, busy, field_errors) = (note.clone(), busy.clone(), field_errors.clone());
        let (lat_text, lon_text) = (lat_text.clone(), lon_text.clone());
        let (client, address, token, lang, on_changed, on_close) = (
            p.client.clone(),
            address.clone(),
            p.token.clone(),
            p.lang,
            p.on_changed.clone(),
            p.on_close.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let t = texts(lang);
            let (lat, lon) = (parse_coord(&lat_text, 90.0), parse_coord(&lon_text, 180.0));
            let (Some(lat), Some(lon)) = (lat, lon) else {
                field_errors.set((
                    lat.is_none().then_some(t.bad_lat),
                    lon.is_none().then_some(t.bad_lon),
                ));
                return;
            };
            busy.set(true);
            let req = with_point(&address, client.version, lat, lon);
            let (note, busy, client_id, address_id, token, on_changed, on_close) = (
                note.clone(),
                busy.clone(),
                client.id.clone(),
                address.id.clone(),
                token.clone(),
                on_changed.clone(),
                on_close.clone(),
            );
            spawn_local(async move {
                let api = Api::with_token(&token);
                match api.edit_address(&client_id, &address_id, &req).await {
                    Ok(card) => {
                        busy.set(false);
                        on_changed.emit(card);
                        on_close.emit(());
                        return;
                    }
                    Err(e) if e.is_stale() => {
                        if let Ok(card) = api.client(&client_id).await {
                            on_changed.emit(card);
                        }
                        note.set(Note::Error(
                            "stale_version".into(),
                            texts(lang).stale.to_string(),
                        ));
                    }
                    Err(e) => note.set(error_note(lang, &e)),
                }
                busy.set(false);
            });
        })
    };
    let close = {
        let on_close = p.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let v = *view;
    let marker = point.map(|(lat, lon)| (v.pixel_of(lat, lon), tile_of(lat, lon, v.zoom)));
    let (lat_error, lon_error) = *field_errors;
    let field_error = |field: &'static str, m: Option<&'static str>| match m {
        Some(m) => html! { <p class="field-error" data-field={field}>{ m }</p> },
        None => html! {},
    };
    let point_line = match point {
        Some((lat, lon)) => format!("{}, {}", coord(lat), coord(lon)),
        None => t.no_point_yet.to_string(),
    };
    let status = match &*note {
        Note::None => html! {},
        Note::Found(g) => html! {
            <p id="map-found" class="map-found" data-quality={quality_code(g.quality)} data-saved={g.saved.to_string()}
                data-lat={g.lat.to_string()} data-lon={g.lon.to_string()}>
                { format!("{}: {} · {}", t.found, g.found, quality_label(p.lang, g.quality)) }
                if g.saved { { format!(" · {}", t.found_saved) } }
                if !g.quality.is_precise() { { format!(" · {}", t.rough) } }
            </p>
        },
        Note::Error(code, m) => html! {
            <p id="map-error" class="field-error" data-code={code.clone()} role="alert">{ m.clone() }</p>
        },
    };
    html! {
        <form id="map-picker" class="map-picker" data-address-id={p.address_id.clone()} data-zoom={v.zoom.to_string()}
            data-lat={v.lat.to_string()} data-lon={v.lon.to_string()} onsubmit={on_save} novalidate=true>
            <h4>{ t.map_title }</h4>
            <div class="map-frame">
                <div id="map-view" class="map-view" style={format!("width:{WIDTH}px;height:{HEIGHT}px")}
                    {onclick} {onmousedown} {onmousemove} onmouseup={end_drag.clone()} onmouseleave={end_drag}
                    title={t.click_hint}>
                    { tile_layer(&v, WIDTH, HEIGHT) }
                    if let Some(((x, y), (tx, ty))) = marker {
                        <div id="map-marker" class="map-marker" data-tile={format!("{tx}/{ty}")}
                            style={format!("left:{x}px;top:{y}px")}></div>
                    }
                    <span class="map-attribution">{ t.attribution }</span>
                </div>
                <div class="map-controls">
                    <button type="button" id="map-zoom-in" class="btn btn-ghost" title={t.zoom_in} aria-label={t.zoom_in}
                        onclick={zoom(1)} disabled={v.zoom >= MAX_ZOOM}>{ "+" }</button>
                    <button type="button" id="map-zoom-out" class="btn btn-ghost" title={t.zoom_out} aria-label={t.zoom_out}
                        onclick={zoom(-1)} disabled={v.zoom <= MIN_ZOOM}>{ "−" }</button>
                    <button type="button" id="map-pan-n" class="btn btn-ghost" title={t.north} aria-label={t.north}
                        onclick={step(0.0, -TILE / 2.0)}>{ "↑" }</button>
                    <button type="button" id="map-pan-w" class="btn btn-ghost" title={t.west} aria-label={t.west}
                        onclick={step(-TILE / 2.0, 0.0)}>{ "←" }</button>
                    <button type="button" id="map-pan-e" class="btn btn-ghost" title={t.east} aria-label={t.east}
                        onclick={step(TILE / 2.0, 0.0)}>{ "→" }</button>
                    <button type="button" id="map-pan-s" class="btn btn-ghost" title={t.south} aria-label={t.south}
                        onclick={step(0.0, TILE / 2.0)}>{ "↓" }</button>
                </div>
            </div>
            <p class="muted map-hint">{ t.click_hint }</p>
            <p id="map-coords" class="map-coords">{ point_line }</p>
            <div class="row2 map-inputs">
                <div class="field">
                    <label for="map-lat">{ t.lat }</label>
                    <input id="map-lat" type="text" inputmode="decimal" value={(*lat_text).clone()}
                        oninput={typed(true)} disabled={*busy} placeholder="55.755800" />
                    { field_error("lat", lat_error) }
                </div>
                <div class="field">
                    <label for="map-lon">{ t.lon }</label>
                    <input id="map-lon" type="text" inputmode="decimal" value={(*lon_text).clone()}
                        oninput={typed(false)} disabled={*busy} placeholder="37.617300" />
                    { field_error("lon", lon_error) }
                </div>
            </div>
            { status }
            <div class="actions">
                <button type="button" id="map-find" class="btn btn-ghost" onclick={on_find} disabled={*busy}>
                    { if *busy { t.finding } else { t.find } }
                </button>
                <button type="submit" id="map-save" class="btn btn-primary" disabled={*busy}>
                    { if *busy { t.saving } else { t.save } }
                </button>
                <button type="button" id="map-close" class="btn btn-ghost" onclick={close} disabled={*busy}>{ t.close }</button>
            </div>
        </form>
    }
}

/// OpenStreetMap's tiles under a `w` × `h` viewport. A tile that cannot
/// load (offline) is hidden, not a broken image: the grid under it and
/// whatever is drawn over it still work. Keyed, so that another tile is
/// another element.
pub fn tile_layer(v: &View, w: f64, h: f64) -> Html {
    html! {
        { for v.tiles_in(w, h).into_iter().map(|tile| html! {
            <img key={format!("{}/{}/{}", v.zoom, tile.x, tile.y)} class="map-tile"
                src={tile.url(v.zoom)} alt="" draggable="false" loading="lazy"
                onerror={Callback::from(|e: Event| {
                    if let Some(img) = e.target_dyn_into::<web_sys::Element>() {
                        let _ = img.set_attribute("data-broken", "true");
                    }
                })}
                data-x={tile.x.to_string()} data-y={tile.y.to_string()}
                style={format!("left:{}px;top:{}px", tile.left, tile.top)} />
        }) }
    }
}

/// A refused geocode or save, in the UI's language.
fn error_note(lang: Lang, e: &ApiError) -> Note {
    let t = texts(lang);
    match e {
        ApiError::Api { code, .. } if code == "geocoder_off" => {
            Note::Error(code.clone(), t.geocoder_off.to_string())
        }
        ApiError::Api { code, .. } if code == "not_located" => {
            Note::Error(code.clone(), t.not_found.to_string())
        }
        ApiError::Api {
            status: 502,
            code,
            message,
            ..
        } => Note::Error(code.clone(), format!("{}: {message}", t.upstream)),
        _ => Note::Error(
            e.code().unwrap_or("other").to_string(),
            e.field_error(lang).1,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres between two points (haversine).
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        let (la, lb) = (a.0.to_radians(), b.0.to_radians());
        let (dlat, dlon) = (lb - la, (b.1 - a.1).to_radians());
        let h = (dlat / 2.0).sin().powi(2) + la.cos() * lb.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * 6_371_000.0 * h.sqrt().asin()
    }

    #[test]
    fn known_tiles() {
        assert_eq!(tile_of(55.7558, 37.6173, 10), (619, 320));
        assert_eq!(tile_of(0.0, 0.0, 1), (1, 1));
        assert_eq!(tile_of(51.5074, -0.1278, 12), (2046, 1362));
        assert_eq!(to_pixel(0.0, -180.0, 0), (0.0, 128.0));
    }

    #[test]
    fn a_point_survives_pixel_and_back_within_a_metre_at_zoom_17() {
        for p in [
            (55.7558, 37.6173),
            (59.9386, 30.3141),
            (43.1155, 131.8855),
            (-33.8688, 151.2093),
            (64.5399, 40.5152),
        ] {
            let (x, y) = to_pixel(p.0, p.1, 17);
            // A click lands on a whole pixel: round, then back.
            let back = to_lat_lon(x.round(), y.round(), 17);
            assert!(metres(p, back) < 1.0, "{p:?} -> {back:?}");
            let exact = to_lat_lon(x, y, 17);
            assert!(metres(p, exact) < 0.001);
        }
    }

    #[test]
    fn a_click_on_the_centre_is_the_centre_and_the_marker_goes_there() {
        let v = View {
            lat: 55.7558,
            lon: 37.6173,
            zoom: 17,
        };
        let c = v.point_at(WIDTH / 2.0, HEIGHT / 2.0);
        assert!(metres(c, (v.lat, v.lon)) < 0.01);
        let (x, y) = v.pixel_of(55.7558, 37.6173);
        assert!((x - WIDTH / 2.0).abs() < 1e-6 && (y - HEIGHT / 2.0).abs() < 1e-6);
        // 100 px east and back again.
        let east = v.point_at(WIDTH / 2.0 + 100.0, HEIGHT / 2.0);
        assert!(east.1 > v.lon && (east.0 - v.lat).abs() < 1e-9);
        let (x, _) = v.pixel_of(east.0, east.1);
        assert!((x - (WIDTH / 2.0 + 100.0)).abs() < 1e-6);
    }

    #[test]
    fn the_tiles_cover_the_viewport_and_wrap_round_the_world() {
        let v = View {
            lat: 55.7558,
            lon: 37.6173,
            zoom: 10,
        };
        let tiles = v.tiles();
        assert!(tiles.len() <= 9 && tiles.len() >= 4, "{}", tiles.len());
        assert!(tiles.iter().any(|t| (t.x, t.y) == (619, 320)));
        for t in &tiles {
            assert!(t.left < WIDTH && t.left + TILE > 0.0);
            assert!(t.top < HEIGHT && t.top + TILE > 0.0);
        }
        assert_eq!(
            tiles[0].url(10),
            format!(
                "https://tile.openstreetmap.org/10/{}/{}.png",
                tiles[0].x, tiles[0].y
            )
        );
        let edge = View {
            lat: 0.0,
            lon: 179.99,
            zoom: 3,
        };
        let xs: Vec<i64> = edge.tiles().iter().map(|t| t.x).collect();
        assert!(xs.contains(&0) && xs.contains(&7), "{xs:?}");
        assert!(edge.tiles().iter().all(|t| t.x >= 0 && t.x < 8));
        let pole = View {
            lat: 85.0,
            lon: 0.0,
            zoom: 3,
        };
        assert!(pole.tiles().iter().all(|t| t.y >= 0));
    }

    #[test]
    fn panning_and_zooming() {
        let v = View {
            lat: 55.7558,
            lon: 37.6173,
            zoom: 12,
        };
        let p = v.pan(TILE, 0.0);
        assert!(p.lon > v.lon && (p.lat - v.lat).abs() < 1e-9);
        let back = p.pan(-TILE, 0.0);
        assert!((back.lon - v.lon).abs() < 1e-9);
        assert!(v.pan(0.0, -TILE).lat > v.lat, "up is north");
        assert_eq!(v.zoomed(10).zoom, MAX_ZOOM);
        assert_eq!(v.zoomed(-20).zoom, MIN_ZOOM);
        let over = View {
            lat: 0.0,
            lon: 179.9,
            zoom: 3,
        }
        .pan(TILE, 0.0);
        assert!(over.lon < 0.0 && over.lon > -180.0, "{}", over.lon);
    }

    #[test]
    fn typed_coordinates() {
        assert_eq!(parse_coord(" 55,7558 ", 90.0), Some(55.7558));
        assert_eq!(parse_coord("-37.5", 180.0), Some(-37.5));
        assert_eq!(parse_coord("91", 90.0), None);
        assert_eq!(parse_coord("", 90.0), None);
        assert_eq!(parse_coord("abc", 90.0), None);
        assert_eq!(parse_coord("NaN", 90.0), None);
    }
}
