//! Registers a service worker: the console's `/sw.js` (frontend/sw.js) or the
//! courier app's `/courier/sw.js` (frontend/courier/sw.js, scope `/courier`),
//! each keeping its own app's shell for offline use. Browsers offer them only
//! in secure contexts (HTTPS, or localhost): elsewhere this does nothing.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use yew::platform::spawn_local;

pub fn register_service_worker(script: &str, scope: Option<&str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let available = js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker"))
        .is_ok_and(|v| !v.is_undefined() && !v.is_null());
    if !available {
        return;
    }
    let container = navigator.service_worker();
    let promise = match scope {
        Some(scope) => {
            let options = web_sys::RegistrationOptions::new();
            options.set_scope(scope);
            container.register_with_options(script, &options)
        }
        None => container.register(script),
    };
    spawn_local(async move {
        if let Err(e) = JsFuture::from(promise).await {
            web_sys::console::warn_2(&JsValue::from_str("service worker not registered:"), &e);
        }
    });
}
