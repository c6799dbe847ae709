//! Wallboard links for managers: make a read-only link for a big screen
//! (shown once, with a button to open it), see the existing ones, revoke.

use rodnik_shared::api::{Wallboard, WallboardCreated};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::table::use_loader;
use crate::api::{new_idempotency_key, Api};
use crate::i18n::wallboard::texts;
use crate::state::use_app;

#[function_component]
pub fn WallboardLinks() -> Html {
    let app = use_app();
    let wt = texts(app.lang);
    let token = app.token().unwrap_or_default().to_string();
    let list = use_state(Vec::<Wallboard>::new);
    let made = use_state(|| None::<WallboardCreated>);
    let name = use_state(String::new);
    let error = use_state(|| None::<(Option<String>, String)>);
    let busy = use_state(|| false);

    let load = {
        let (list, token) = (list.setter(), token.clone());
        use_loader(
            move || {
                let token = token.clone();
                async move { Api::with_token(&token).wallboards().await }
            },
            Callback::noop(),
            Callback::from(move |r: Result<Vec<Wallboard>, _>| {
                if let Ok(l) = r {
                    list.set(l);
                }
            }),
        )
    };

    let oninput = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            name.set(input.value());
        })
    };
    let onsubmit = {
        let (name, made, error, busy, load, token) = (
            name.clone(),
            made.setter(),
            error.setter(),
            busy.clone(),
            load.clone(),
            token.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            let (n, made, error, busy, load, token) = (
                (*name).clone(),
                made.clone(),
                error.clone(),
                busy.clone(),
                load.clone(),
                token.clone(),
            );
            let clear = name.setter();
            spawn_local(async move {
                match Api::with_token(&token)
                    .create_wallboard(&n, &new_idempotency_key())
                    .await
                {
                    Ok(w) => {
                        made.set(Some(w));
                        error.set(None);
                        clear.set(String::new());
                        load.emit(());
                    }
                    Err(e) => error.set(Some((e.field().map(str::to_string), e.message()))),
                }
                busy.set(false);
            });
        })
    };
    let revoke = |id: String| {
        let (load, token, error) = (load.clone(), token.clone(), error.setter());
        Callback::from(move |_: MouseEvent| {
            let (load, token, id, error) = (load.clone(), token.clone(), id.clone(), error.clone());
            spawn_local(async move {
                match Api::with_token(&token).revoke_wallboard(&id).await {
                    Ok(_) => load.emit(()),
                    Err(e) => error.set(Some((None, e.message()))),
                }
            });
        })
    };
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();

    html! {
        <section id="wallboard-links" class="wallboard-links">
            <h2>{ wt.links_title }</h2>
            <p class="muted">{ wt.links_hint }</p>
            <p>
                <a id="wallboard-open" class="btn" href="/wallboard" target="_blank">{ wt.open_own }</a>
                { " " }<span class="muted">{ wt.open_own_hint }</span>
            </p>
            <form id="wallboard-link-form" class="inline-form" {onsubmit}>
                <input id="wallboard-link-name" type="text" placeholder={wt.link_name}
                    value={(*name).clone()} {oninput} disabled={*busy} />
                <button id="wallboard-link-make" type="submit" class="btn btn-primary" disabled={*busy}>
                    { wt.make_link }
                </button>
                if let Some((field, msg)) = &*error {
                    <span class="field-error" data-field={field.clone().unwrap_or_default()}>{ msg.clone() }</span>
                }
            </form>
            if let Some(w) = &*made {
                <p id="wallboard-link-new" class="banner">
                    { wt.copy_once }{ " " }
                    <a href={w.path.clone()} target="_blank">{ format!("{origin}{}", w.path) }</a>
                </p>
            }
            <ul id="wallboard-link-list">
                { for list.iter().map(|w| html! {
                    <li class={classes!("wallboard-link", w.revoked_at.is_some().then_some("revoked"))}
                        data-id={w.id.clone()}>
                        <span class="name">{ w.name.clone() }</span>
                        if w.revoked_at.is_some() {
                            <span class="muted">{ wt.revoked }</span>
                        } else {
                            <button type="button" class="btn revoke" onclick={revoke(w.id.clone())}>{ wt.revoke }</button>
                        }
                    </li>
                }) }
            </ul>
        </section>
    }
}
