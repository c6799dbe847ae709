//! Registers the service worker (`/sw.js`, see frontend/sw.js) that keeps the
//! app shell for offline use. Browsers offer it only in secure contexts
//! (HTTPS, or localhost): elsewhere this does nothing.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use yew::platform::spawn_local;

pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let available = js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker"))
        .is_ok_and(|v| !v.is_undefined() && !v.is_null());
    if !available {
        return;
    }
    let promise = navigator.service_worker().register("/sw.js");
    spawn_local(async move {
        if let Err(e) = JsFuture::from(promise).await {
            web_sys::console::warn_2(&JsValue::from_str("service worker not registered:"), &e);
        }
    });
}
