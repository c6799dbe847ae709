//! A call's recording in the client's history: "▶ Запись" fetches the audio
//! (with the session's token) and plays it in the page, with a link to save it.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::i18n::{client, Lang};

#[derive(Properties, PartialEq)]
pub struct RecordingProps {
    pub id: AttrValue,
    pub token: AttrValue,
    pub lang: Lang,
}

#[derive(Clone, PartialEq)]
enum Audio {
    Idle,
    Loading,
    Ready(String),
    Failed(String),
}

#[function_component]
pub fn RecordingPlayer(p: &RecordingProps) -> Html {
    let t = client::texts(p.lang);
    let audio = use_state(|| Audio::Idle);
    // The link holds the whole recording in memory: let it go with the row.
    {
        let url = match &*audio {
            Audio::Ready(u) => Some(u.clone()),
            _ => None,
        };
        use_effect_with(url, |url| {
            let url = url.clone();
            move || {
                if let Some(u) = url {
                    let _ = web_sys::Url::revoke_object_url(&u);
                }
            }
        });
    }
    let onclick = {
        let (audio, token, id, lang) = (audio.clone(), p.token.clone(), p.id.clone(), p.lang);
        Callback::from(move |_: MouseEvent| {
            if matches!(*audio, Audio::Loading) {
                return;
            }
            audio.set(Audio::Loading);
            let (audio, token, id) = (audio.clone(), token.clone(), id.clone());
            spawn_local(async move {
                match Api::with_token(&token).recording_url(&id).await {
                    Ok(url) => audio.set(Audio::Ready(url)),
                    Err(e) => audio.set(Audio::Failed(why(lang, &e))),
                }
            });
        })
    };
    let body = match &*audio {
        Audio::Ready(url) => html! {
            <span class="recording-ready">
                <audio class="recording-audio" controls=true autoplay=true src={url.clone()} />
                <a class="btn btn-link recording-save" href={url.clone()}
                   download={format!("recording-{}.mp3", p.id)}>{ t.recording_save }</a>
            </span>
        },
        Audio::Loading => html! { <span class="muted">{ t.recording_loading }</span> },
        Audio::Idle | Audio::Failed(_) => html! {
            <button type="button" class="btn btn-link play-recording" title={t.recording_title}
                    {onclick}>{ t.recording }</button>
        },
    };
    html! {
        <span class="recording" data-recording={p.id.clone()}>
            { body }
            if let Audio::Failed(m) = &*audio {
                <span class="error recording-error" role="alert">{ m.clone() }</span>
            }
        </span>
    }
}

/// What went wrong, in the UI's language where the server's code says.
fn why(lang: Lang, e: &ApiError) -> String {
    let t = client::texts(lang);
    match (e, e.code()) {
        (ApiError::Network(_), _) => lang.t().network_error.to_string(),
        (_, Some("recording_unavailable")) => t.recording_unavailable.to_string(),
        (_, Some("telephony_not_configured")) => t.recording_no_pbx.to_string(),
        (_, Some("pbx_error")) => t.recording_pbx_down.to_string(),
        _ => e.message(),
    }
}
