//! Text of client notifications (issue 23, part 3), English and Russian:
//! the managers' settings ("Уведомления клиентов" in Administration), the
//! client card's consent block and its last messages, the send log
//! (`/notifications`) and the "✓ подтвердил" mark on orders the client
//! confirmed through the message's link.

use rodnik_shared::api::{Consent, NotifyChannel, NotifyKind, NotifyStatus, SmsProvider};

use super::{ru_plural, Lang};

pub struct NotifyTexts {
    // the settings (Administration → Уведомления)
    pub tab: &'static str,
    pub title: &'static str,
    pub hint: &'static str,
    pub enabled: &'static str,
    pub sms_title: &'static str,
    pub provider: &'static str,
    pub provider_none: &'static str,
    pub url: &'static str,
    pub login: &'static str,
    pub key: &'static str,
    pub key_keep: &'static str,
    pub key_set: &'static str,
    pub sender: &'static str,
    pub sender_hint: &'static str,
    pub email_title: &'static str,
    pub email: &'static str,
    pub messages_title: &'static str,
    pub evening: &'static str,
    pub evening_at: &'static str,
    pub on_the_way: &'static str,
    pub quiet: &'static str,
    pub quiet_from: &'static str,
    pub quiet_to: &'static str,
    pub quiet_hint: &'static str,
    pub whom_title: &'static str,
    pub links_title: &'static str,
    pub default_on: &'static str,
    pub default_on_hint: &'static str,
    pub link_base: &'static str,
    pub link_base_hint: &'static str,
    pub signature: &'static str,
    pub signature_hint: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub saved: &'static str,
    pub bad_time: &'static str,
    pub load_failed: &'static str,
    pub test_title: &'static str,
    pub test_hint: &'static str,
    pub test_channel: &'static str,
    pub test_to: &'static str,
    pub test_send: &'static str,
    pub test_sending: &'static str,
    pub test_queued: &'static str,
    pub run_title: &'static str,
    pub run_hint: &'static str,
    pub run: &'static str,
    pub running: &'static str,
    // the client card
    pub card_title: &'static str,
    pub phone: &'static str,
    pub phone_auto: &'static str,
    pub email_address: &'static str,
    pub email_auto: &'static str,
    pub not_sent: &'static str,
    pub card_saved: &'static str,
    pub last_messages: &'static str,
    pub no_messages: &'static str,
    // the send log (/notifications)
    pub nav: &'static str,
    pub log_title: &'static str,
    pub log_hint: &'static str,
    pub f_date: &'static str,
    pub f_all_days: &'static str,
    pub f_status: &'static str,
    pub f_all_statuses: &'static str,
    pub c_time: &'static str,
    pub c_client: &'static str,
    pub c_order: &'static str,
    pub c_kind: &'static str,
    pub c_channel: &'static str,
    pub c_to: &'static str,
    pub c_status: &'static str,
    pub c_error: &'static str,
    pub c_text: &'static str,
    pub attempts: &'static str,
    pub next_try: &'static str,
    pub earlier: &'static str,
    pub log_empty: &'static str,
    pub open_card: &'static str,
    pub close_card: &'static str,
    // the order's mark
    pub confirmed: &'static str,
    pub confirmed_title: &'static str,
}

pub fn texts(lang: Lang) -> &'static NotifyTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

pub fn kind_label(lang: Lang, k: NotifyKind) -> &'static str {
    match (lang, k) {
        (Lang::En, NotifyKind::Evening) => "Evening reminder",
        (Lang::En, NotifyKind::OnTheWay) => "On the way",
        (Lang::En, NotifyKind::Test) => "Test",
        (Lang::En, NotifyKind::Reply) => "Client's reply",
        (Lang::Ru, NotifyKind::Evening) => "Вечернее напоминание",
        (Lang::Ru, NotifyKind::OnTheWay) => "В пути",
        (Lang::Ru, NotifyKind::Test) => "Тест",
        (Lang::Ru, NotifyKind::Reply) => "Ответ клиента",
    }
}

pub fn status_label(lang: Lang, s: NotifyStatus) -> &'static str {
    match (lang, s) {
        (Lang::En, NotifyStatus::Sent) => "Sent",
        (Lang::En, NotifyStatus::Failed) => "Failed",
        (Lang::En, NotifyStatus::Pending) => "Pending",
        (Lang::En, NotifyStatus::Skipped) => "Skipped",
        (Lang::En, NotifyStatus::Received) => "Received",
        (Lang::Ru, NotifyStatus::Sent) => "Отправлено",
        (Lang::Ru, NotifyStatus::Failed) => "Ошибка",
        (Lang::Ru, NotifyStatus::Pending) => "Ожидает",
        (Lang::Ru, NotifyStatus::Skipped) => "Пропущено",
        (Lang::Ru, NotifyStatus::Received) => "Получено",
    }
}

pub fn channel_label(lang: Lang, c: NotifyChannel) -> &'static str {
    match (lang, c) {
        (_, NotifyChannel::Sms) => "SMS",
        (_, NotifyChannel::Email) => "E-mail",
        (Lang::En, NotifyChannel::Link) => "Link",
        (Lang::Ru, NotifyChannel::Link) => "Ссылка",
    }
}

pub fn consent_label(lang: Lang, c: Consent) -> &'static str {
    match (lang, c) {
        (Lang::En, Consent::Default) => "Company default",
        (Lang::En, Consent::Yes) => "Yes",
        (Lang::En, Consent::No) => "No",
        (Lang::Ru, Consent::Default) => "По умолчанию компании",
        (Lang::Ru, Consent::Yes) => "Да",
        (Lang::Ru, Consent::No) => "Нет",
    }
}

pub fn provider_label(lang: Lang, p: Option<SmsProvider>) -> &'static str {
    match p {
        None => texts(lang).provider_none,
        Some(SmsProvider::SmsRu) => "SMS.ru",
        Some(SmsProvider::Smsc) => "SMSC",
    }
}

/// Every status, in the order the log's filter lists them.
pub const STATUSES: [NotifyStatus; 5] = [
    NotifyStatus::Sent,
    NotifyStatus::Failed,
    NotifyStatus::Pending,
    NotifyStatus::Skipped,
    NotifyStatus::Received,
];

/// Where a client's messages go now: "SMS: +79161234567, e-mail: —", or
/// that none are sent.
pub fn goes_to(lang: Lang, sms_to: Option<&str>, email_to: Option<&str>) -> String {
    if sms_to.is_none() && email_to.is_none() {
        return texts(lang).not_sent.to_string();
    }
    // Both languages write the channels' names the same way.
    format!(
        "SMS: {}, e-mail: {}",
        sms_to.unwrap_or("—"),
        email_to.unwrap_or("—")
    )
}

/// What "send the evening messages now" did: "Queued 12 messages; 3 orders
/// without one (no consent or no contact)".
pub fn run_result(lang: Lang, queued: usize, without: usize) -> String {
    match lang {
        Lang::En => format!(
            "Queued {queued} {}; {without} {} without one (no consent or no contact).",
            if queued == 1 { "message" } else { "messages" },
            if without == 1 { "order" } else { "orders" },
        ),
        Lang::Ru => format!(
            "В очереди {queued} {}; без уведомления {without} {} (нет согласия или контакта).",
            ru_plural(queued, ["сообщение", "сообщения", "сообщений"]),
            ru_plural(without, ["заказ", "заказа", "заказов"]),
        ),
    }
}

static EN: NotifyTexts = NotifyTexts {
    tab: "Notifications",
    title: "Client notifications",
    hint: "Messages to clients: the delivery window the evening before and \"on the way\" when the courier heads to them, each with a link to confirm, move or cancel the delivery.",
    enabled: "Send notifications",
    sms_title: "SMS",
    provider: "SMS gateway",
    provider_none: "None: no SMS",
    url: "Gateway address",
    login: "Login (SMSC)",
    key: "Key (SMS.ru api_id, SMSC password)",
    key_keep: "saved: leave empty to keep it",
    key_set: "key saved",
    sender: "Sender name",
    sender_hint: "as the gateway approved it",
    email_title: "E-mail",
    email: "Also by e-mail, through the company's mail server (Company requisites)",
    messages_title: "Messages",
    evening: "The evening before: the delivery window",
    evening_at: "Sent at",
    on_the_way: "On the way: when the courier heads to the client, with the arrival time",
    quiet: "Quiet hours",
    quiet_from: "From",
    quiet_to: "To",
    quiet_hint: "Nothing is sent in between (messages wait); equal times: no quiet hours.",
    whom_title: "To whom",
    links_title: "Link and signature",
    default_on: "Send to clients who have not said no",
    default_on_hint: "Off: only to clients who said yes.",
    link_base: "Address of the clients' links",
    link_base_hint: "https://rodnik.example.ru",
    signature: "Signature",
    signature_hint: "empty: the company's name",
    save: "Save",
    saving: "Saving…",
    saved: "Saved",
    bad_time: "Type a time as HH:MM",
    load_failed: "Could not load the notification settings",
    test_title: "Test message",
    test_hint: "Sent with the saved settings.",
    test_channel: "Channel",
    test_to: "Phone or e-mail",
    test_send: "Send test",
    test_sending: "Sending…",
    test_queued: "Test queued",
    run_title: "Evening messages",
    run_hint: "They go out by themselves at the time above; this sends tomorrow's now.",
    run: "Send evening messages now",
    running: "Queuing…",
    card_title: "Notifications",
    phone: "Phone for SMS",
    phone_auto: "first mobile",
    email_address: "E-mail address",
    email_auto: "from the requisites",
    not_sent: "messages are not sent",
    card_saved: "saved",
    last_messages: "Last messages",
    no_messages: "No messages yet.",
    nav: "Notifications",
    log_title: "Client notifications",
    log_hint: "What was sent to clients and what they answered, newest first.",
    f_date: "Delivery day",
    f_all_days: "All days",
    f_status: "Status",
    f_all_statuses: "All",
    c_time: "Time",
    c_client: "Client",
    c_order: "Order",
    c_kind: "Message",
    c_channel: "Channel",
    c_to: "To",
    c_status: "Status",
    c_error: "Why",
    c_text: "Text",
    attempts: "attempts",
    next_try: "next try at",
    earlier: "Earlier",
    log_empty: "No messages.",
    open_card: "Open the client's card",
    close_card: "Close the card",
    confirmed: "✓ confirmed",
    confirmed_title: "The client confirmed the delivery through the message's link:",
};

static RU: NotifyTexts = NotifyTexts {
    tab: "Уведомления",
    title: "Уведомления клиентов",
    hint: "Сообщения клиентам: окно доставки накануне вечером и «курьер в пути», когда курьер едет к клиенту; в каждом ссылка, чтобы подтвердить, перенести или отменить доставку.",
    enabled: "Отправлять уведомления",
    sms_title: "SMS",
    provider: "SMS-шлюз",
    provider_none: "Нет: без SMS",
    url: "Адрес шлюза",
    login: "Логин (SMSC)",
    key: "Ключ (api_id SMS.ru, пароль SMSC)",
    key_keep: "сохранён: оставьте пустым, чтобы не менять",
    key_set: "ключ сохранён",
    sender: "Имя отправителя",
    sender_hint: "как его одобрил шлюз",
    email_title: "E-mail",
    email: "Также по e-mail через почтовый сервер компании (Реквизиты компании)",
    messages_title: "Сообщения",
    evening: "Накануне вечером: окно доставки",
    evening_at: "Время отправки",
    on_the_way: "В пути: когда курьер едет к клиенту, с ожидаемым временем",
    quiet: "Тихие часы",
    quiet_from: "С",
    quiet_to: "До",
    quiet_hint: "В это время ничего не отправляется (сообщения ждут); одинаковое время — без тихих часов.",
    whom_title: "Кому",
    links_title: "Ссылка и подпись",
    default_on: "Отправлять клиентам, которые не отказались",
    default_on_hint: "Выключено: только тем, кто согласился.",
    link_base: "Адрес ссылок для клиентов",
    link_base_hint: "https://rodnik.example.ru",
    signature: "Подпись",
    signature_hint: "пусто — название компании",
    save: "Сохранить",
    saving: "Сохранение…",
    saved: "Сохранено",
    bad_time: "Время в виде ЧЧ:ММ",
    load_failed: "Не удалось загрузить настройки уведомлений",
    test_title: "Проверка",
    test_hint: "Отправляется по сохранённым настройкам.",
    test_channel: "Канал",
    test_to: "Телефон или e-mail",
    test_send: "Отправить тест",
    test_sending: "Отправка…",
    test_queued: "Тест поставлен в очередь",
    run_title: "Вечерние сообщения",
    run_hint: "Уходят сами в указанное время; кнопка отправляет завтрашние сейчас.",
    run: "Отправить вечерние сообщения сейчас",
    running: "Ставим в очередь…",
    card_title: "Уведомления",
    phone: "Телефон для SMS",
    phone_auto: "первый мобильный",
    email_address: "Адрес e-mail",
    email_auto: "из реквизитов",
    not_sent: "сообщения не отправляются",
    card_saved: "сохранено",
    last_messages: "Последние сообщения",
    no_messages: "Сообщений ещё не было.",
    nav: "Уведомления",
    log_title: "Уведомления клиентов",
    log_hint: "Что отправлено клиентам и что они ответили, сначала новые.",
    f_date: "День доставки",
    f_all_days: "Все дни",
    f_status: "Статус",
    f_all_statuses: "Все",
    c_time: "Время",
    c_client: "Клиент",
    c_order: "Заказ",
    c_kind: "Сообщение",
    c_channel: "Канал",
    c_to: "Кому",
    c_status: "Статус",
    c_error: "Причина",
    c_text: "Текст",
    attempts: "попыток",
    next_try: "следующая попытка в",
    earlier: "Раньше",
    log_empty: "Сообщений нет.",
    open_card: "Открыть карточку клиента",
    close_card: "Закрыть карточку",
    confirmed: "✓ подтвердил",
    confirmed_title: "Клиент подтвердил доставку по ссылке из сообщения:",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_status_channel_and_consent_has_a_label_in_both_languages() {
        for lang in [Lang::En, Lang::Ru] {
            for k in [
                NotifyKind::Evening,
                NotifyKind::OnTheWay,
                NotifyKind::Test,
                NotifyKind::Reply,
            ] {
                assert!(!kind_label(lang, k).is_empty());
            }
            for s in STATUSES {
                assert!(!status_label(lang, s).is_empty());
            }
            for c in [
                NotifyChannel::Sms,
                NotifyChannel::Email,
                NotifyChannel::Link,
            ] {
                assert!(!channel_label(lang, c).is_empty());
            }
            for c in [Consent::Default, Consent::Yes, Consent::No] {
                assert!(!consent_label(lang, c).is_empty());
            }
        }
        assert_eq!(
            kind_label(Lang::Ru, NotifyKind::Evening),
            "Вечернее напоминание"
        );
        assert_eq!(status_label(Lang::Ru, NotifyStatus::Received), "Получено");
        assert_eq!(
            consent_label(Lang::Ru, Consent::Default),
            "По умолчанию компании"
        );
    }

    #[test]
    fn the_card_says_where_messages_go() {
        assert_eq!(
            goes_to(Lang::Ru, Some("+79161234567"), None),
            "SMS: +79161234567, e-mail: —"
        );
        assert_eq!(
            goes_to(Lang::En, None, Some("a@b.ru")),
            "SMS: —, e-mail: a@b.ru"
        );
        assert_eq!(goes_to(Lang::Ru, None, None), "сообщения не отправляются");
    }

    #[test]
    fn the_run_counts_read_with_plurals() {
        assert_eq!(
            run_result(Lang::Ru, 21, 3),
            "В очереди 21 сообщение; без уведомления 3 заказа (нет согласия или контакта)."
        );
        assert_eq!(
            run_result(Lang::En, 1, 0),
            "Queued 1 message; 0 orders without one (no consent or no contact)."
        );
    }
}
