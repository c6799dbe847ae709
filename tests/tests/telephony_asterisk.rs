//! Asterisk through AMI: a fake AMI server that speaks the protocol's lines;
//! the client logs in, follows a call, and reconnects after a drop.

use std::time::Duration;

use rodnik::config::Config;
use rodnik_tests::pbx::{field, AmiConn, FakeAmi};
use rodnik_tests::*;
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(10);
const QUIET: Duration = Duration::from_millis(600);

async fn asterisk_app(ami: &FakeAmi, secret: &str) -> App {
    let mut cfg = Config::for_tests();
    cfg.telephony.set(
        "asterisk",
        "ami",
        &format!("rodnik:{secret}@127.0.0.1:{}", ami.port),
    );
    spawn_with(cfg).await
}

async fn calls(app: &App, query: &str) -> Vec<Value> {
    app.get(&format!("/api/calls{query}"), &app.admin)
        .await
        .ok()
        .as_array()
        .expect("list")
        .clone()
}

/// Asterisk's events for one call from the trunk to extension `ext`
/// (as `manager show events` lists their fields).
async fn incoming(conn: &AmiConn, id: &str, caller: &str, ext: &str) {
    let dest = format!("{id}9");
    conn.event(&[
        ("Event", "Newchannel"),
        ("Privilege", "call,all"),
        ("Channel", "PJSIP/trunk-00000001"),
        ("ChannelState", "0"),
        ("ChannelStateDesc", "Down"),
        ("CallerIDNum", caller),
        ("CallerIDName", "<unknown>"),
        ("ConnectedLineNum", "<unknown>"),
        ("Language", "ru"),
        ("AccountCode", ""),
        ("Context", "from-trunk"),
        ("Exten", "74951234567"),
        ("Priority", "1"),
        ("Uniqueid", id),
        ("Linkedid", id),
    ])
    .await;
    conn.event(&[
        ("Event", "DialBegin"),
        ("Privilege", "call,all"),
        ("Channel", "PJSIP/trunk-00000001"),
        ("CallerIDNum", caller),
        ("Exten", "74951234567"),
        ("Uniqueid", id),
        ("Linkedid", id),
        ("DestChannel", &format!("PJSIP/{ext}-00000002")),
        ("DestCallerIDNum", ext),
        ("DestExten", ext),
        ("DestUniqueid", &dest),
        ("DestLinkedid", id),
        ("DialString", ext),
    ])
    .await;
}

async fn answered(conn: &AmiConn, id: &str, ext: &str) {
    let dest = format!("{id}9");
    conn.event(&[
        ("Event", "BridgeEnter"),
        ("Privilege", "call,all"),
        ("BridgeUniqueid", "b-1"),
        ("BridgeType", "basic"),
        ("Channel", "PJSIP/trunk-00000001"),
        ("Uniqueid", id),
        ("Linkedid", id),
    ])
    .await;
    conn.event(&[
        ("Event", "BridgeEnter"),
        ("Privilege", "call,all"),
        ("BridgeUniqueid", "b-1"),
        ("BridgeType", "basic"),
        ("Channel", &format!("PJSIP/{ext}-00000002")),
        ("Uniqueid", &dest),
        ("Linkedid", id),
    ])
    .await;
}

async fn hangup(conn: &AmiConn, id: &str) {
    conn.event(&[
        ("Event", "Hangup"),
        ("Privilege", "call,all"),
        ("Channel", "PJSIP/trunk-00000001"),
        ("Uniqueid", id),
        ("Linkedid", id),
        ("Cause", "16"),
        ("Cause-txt", "Normal Clearing"),
    ])
    .await;
}

#[tokio::test]
async fn the_client_logs_in_and_a_dialled_extension_pops_the_callers_card() {
    let mut ami = FakeAmi::start("rodnik", "amisecret").await;
    let app = asterisk_app(&ami, "amisecret").await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let (_, masha) = app.user("masha", "operator", Some("102")).await;
    let (client_id, _) = app
        .client("Иван Петров", "individual", "+79123456789")
        .await;
    let mut l_olga = app.live(&olga).await;
    let mut l_masha = app.live(&masha).await;

    let mut conn = ami.next_conn(WAIT).await.expect("the client connects");
    let login = conn.expect_action("Login").await;
    assert_eq!(field(&login, "Username"), Some("rodnik"));
    assert_eq!(field(&login, "Events"), Some("call"));

    incoming(&conn, "1764230400.11", "79123456789", "101").await;
    let pop = l_olga.expect_type("call.ringing").await;
    assert_eq!(pop["data"]["extension"], "101");
    assert_eq!(pop["data"]["matches"][0]["id"], client_id.as_str());
    assert_eq!(pop["data"]["to"], "+74951234567");
    assert!(l_masha.drain(QUIET).await.is_empty());

    answered(&conn, "1764230400.11", "101").await;
    for live in [&mut l_olga, &mut l_masha] {
        assert_eq!(
            live.expect_type("call.answered").await["data"]["extension"],
            "101"
        );
    }
    hangup(&conn, "1764230400.11").await;
    l_olga.expect_type("call.ended").await;
    let log = calls(&app, "").await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["call_id"], "asterisk:1764230400.11");
    assert_eq!(log[0]["missed"], false);

    // Rung and hung up unanswered: missed.
    incoming(&conn, "1764230500.20", "79120000000", "102").await;
    l_masha.expect_type("call.ringing").await;
    hangup(&conn, "1764230500.20").await;
    l_masha.expect_type("call.ended").await;
    assert_eq!(calls(&app, "?missed=true").await.len(), 1);
}

#[tokio::test]
async fn the_client_reconnects_after_the_connection_drops() {
    let mut ami = FakeAmi::start("rodnik", "amisecret").await;
    let app = asterisk_app(&ami, "amisecret").await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let mut live = app.live(&olga).await;
    let mut first = ami.next_conn(WAIT).await.expect("first connection");
    first.expect_action("Login").await;
    let view = app.get("/api/settings/telephony", &app.admin).await.ok();
    assert_eq!(view["asterisk"]["active"], true);
    assert!(!view.to_string().contains("amisecret"), "{view}");
    assert_eq!(
        view["asterisk"]["options"]["host"],
        format!("127.0.0.1:{}", ami.port)
    );

    first.drop_connection().await;
    let mut second = ami.next_conn(WAIT).await.expect("the client came back");
    second.expect_action("Login").await;
    incoming(&second, "1764230600.1", "79123456789", "101").await;
    assert_eq!(
        live.expect_type("call.ringing").await["data"]["extension"],
        "101"
    );
    assert_eq!(app.state.telephony.ami.logins(), 2);
    assert!(app.state.telephony.ami.connected());
}

#[tokio::test]
async fn a_refused_login_is_retried_and_never_records_anything() {
    let mut ami = FakeAmi::start("rodnik", "amisecret").await;
    let app = asterisk_app(&ami, "wrong-secret").await;
    let mut c1 = ami.next_conn(WAIT).await.expect("connects");
    c1.expect_action("Login").await;
    // The client gives up on that connection and tries again later.
    let mut c2 = ami.next_conn(WAIT).await.expect("retries");
    c2.expect_action("Login").await;
    // An event on the refused connection (the client may already have
    // closed it: a lost write is fine, the point is nothing gets recorded).
    let _ = c2
        .try_event(&[
            ("Event", "Newchannel"),
            ("Privilege", "call,all"),
            ("Channel", "PJSIP/trunk-00000001"),
            ("CallerIDNum", "79123456789"),
            ("Exten", "74951234567"),
            ("Uniqueid", "1764230700.1"),
            ("Linkedid", "1764230700.1"),
        ])
        .await;
    tokio::time::sleep(QUIET).await;
    assert!(calls(&app, "").await.is_empty());
    assert!(!app.state.telephony.ami.connected());
    assert_eq!(app.state.telephony.ami.logins(), 0);
}

#[tokio::test]
async fn setting_the_ami_address_in_the_settings_connects_there() {
    let mut ami = FakeAmi::start("rodnik", "amisecret").await;
    let app = spawn_app().await;
    assert!(ami.next_conn(Duration::from_millis(300)).await.is_none());
    let view = app
        .put(
            "/api/settings/telephony",
            &app.admin,
            serde_json::json!({ "asterisk": { "values": { "ami": format!("rodnik:amisecret@127.0.0.1:{}", ami.port) } } }),
        )
        .await
        .ok();
    assert!(!view.to_string().contains("amisecret"));
    let mut conn = ami
        .next_conn(WAIT)
        .await
        .expect("connects after the change");
    conn.expect_action("Login").await;
    // A malformed address is refused and changes nothing.
    let e = app
        .put(
            "/api/settings/telephony",
            &app.admin,
            serde_json::json!({ "asterisk": { "values": { "ami": "pbx:5038" } } }),
        )
        .await
        .error(422);
    assert_eq!(e["field"], "asterisk.values.ami");
}
