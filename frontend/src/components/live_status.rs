//! The live channel's state as a coloured dot and a word.

use yew::prelude::*;

use crate::api::live::LiveStatus;
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct LiveIndicatorProps {
    pub status: LiveStatus,
    pub lang: Lang,
}

#[function_component]
pub fn LiveIndicator(p: &LiveIndicatorProps) -> Html {
    let t = p.lang.t();
    let label = match p.status {
        LiveStatus::Online => t.live_online,
        LiveStatus::Connecting => t.live_connecting,
        LiveStatus::Offline => t.live_offline,
    };
    html! {
        <span id="live-status" class={classes!("live", p.status.as_str())}
            data-state={p.status.as_str()} title={t.live_title} role="status">
            <span class="dot" aria-hidden="true"></span>
            { label }
        </span>
    }
}
