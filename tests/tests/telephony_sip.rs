//! A real SIP call path: sipsak sends an INVITE through Debian's Kamailio,
//! whose http_client module posts the signed call event (crypto module's
//! HMAC-SHA256) to Rodnik, and the operator at the dialled extension gets the
//! pop with the caller's card. Kamailio's config is `tests/sip/kamailio.cfg`.
//!
//! Needs `kamailio`, `kamailio-utils-modules` (http_client),
//! `kamailio-tls-modules` (crypto) and `sipsak` (`cargo xtask setup` installs
//! them as root). Without them the test is skipped, unless
//! `RODNIK_FULL_SUITE` is set, when it fails.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use rodnik_tests::*;

const MODULE_DIRS: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/kamailio/modules",
    "/usr/lib/aarch64-linux-gnu/kamailio/modules",
    "/usr/lib/kamailio/modules",
    "/usr/lib64/kamailio/modules",
    "/usr/local/lib64/kamailio/modules",
];

fn find(bin: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]
        .iter()
        .map(|d| Path::new(d).join(bin))
        .find(|p| p.exists())
}

/// Kamailio, its module directory and sipsak; `None` (skip) when missing.
fn tools() -> Option<(PathBuf, String, PathBuf)> {
    let kamailio = find("kamailio");
    let sipsak = find("sipsak");
    let modules = MODULE_DIRS.iter().find(|d| {
        ["http_client.so", "crypto.so", "sl.so", "textops.so"]
            .iter()
            .all(|m| Path::new(d).join(m).exists())
    });
    match (kamailio, modules, sipsak) {
        (Some(k), Some(m), Some(s)) => Some((k, format!("{m}/"), s)),
        _ => {
            let why = "kamailio, kamailio-utils-modules, kamailio-tls-modules or sipsak is not installed \
                       (`cargo xtask setup` as root installs them)";
            assert!(
                std::env::var_os("RODNIK_FULL_SUITE").is_none(),
                "RODNIK_FULL_SUITE: {why}"
            );
            eprintln!("skipped: {why}");
            None
        }
    }
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free UDP port")
        .port()
}

/// Stops Kamailio (its main process ends its children on SIGTERM).
struct Kamailio {
    child: tokio::process::Child,
    log: PathBuf,
}

impl Kamailio {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
            for _ in 0..50 {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = self.child.start_kill();
        }
    }
}

/// Whether sipsak got a 2xx (its exit code 0).
async fn sipsak(sipsak: &Path, args: &[&str]) -> bool {
    tokio::time::timeout(
        Duration::from_secs(10),
        tokio::process::Command::new(sipsak)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status(),
    )
    .await
    .ok()
    .and_then(Result::ok)
    .is_some_and(|s| s.success())
}

#[tokio::test]
async fn an_invite_through_kamailio_pops_the_callers_card_on_the_operators_screen() {
    let Some((kamailio, modules, sipsak_bin)) = tools() else {
        return;
    };
    let app = spawn_app().await;
    let (_, olga) = app.user("olga", "operator", Some("101")).await;
    let (_, masha) = app.user("masha", "operator", Some("102")).await;
    let (client_id, address_id) = app
        .client("Иван Петров", "individual", "8 912 345-67-89")
        .await;
    let mut l_olga = app.live(&olga).await;
    let mut l_masha = app.live(&masha).await;

    let dir = tempfile::tempdir().expect("temp dir");
    let sip_port = free_udp_port();
    let manifest_dir = rodnik_tests::manifest_dir();
    let manifest = manifest_dir.as_path();
    let cfg = std::fs::read_to_string(manifest.join("sip/kamailio.cfg"))
        .expect("tests/sip/kamailio.cfg")
        .replace("__SIP_PORT__", &sip_port.to_string())
        .replace("__MPATH__", &modules)
        .replace("__RODNIK_URL__", &app.base)
        .replace("__SECRET__", TELEPHONY_SECRET);
    let cfg_path = dir.path().join("kamailio.cfg");
    std::fs::write(&cfg_path, cfg).expect("write kamailio.cfg");
    let log = dir.path().join("kamailio.log");
    let child = tokio::process::Command::new(&kamailio)
        .args(["-DD", "-E", "-m", "32", "-M", "8", "-f"])
        .arg(&cfg_path)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .kill_on_drop(true)
        .spawn()
        .expect("start kamailio");
    let kam = Kamailio { child, log };

    // Ready when it answers an OPTIONS.
    let target = format!("sip:ping@127.0.0.1:{sip_port}");
    let mut ready = false;
    for _ in 0..50 {
        if sipsak(&sipsak_bin, &["-s", &target]).await {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "Kamailio did not answer OPTIONS:\n{}", kam.log());

    let ua_port = free_udp_port();
    let invite = std::fs::read_to_string(manifest.join("sip/invite.sip"))
        .expect("tests/sip/invite.sip")
        .replace("__SIP_PORT__", &sip_port.to_string())
        .replace("__UA_PORT__", &ua_port.to_string())
        .replace("__EXT__", "101")
        .replace("__CALLER__", "89123456789")
        .replace("__CALL__", "rodnik-sip-1")
        .replace('\n', "\r\n");
    let invite_path = dir.path().join("invite.sip");
    std::fs::write(&invite_path, invite).expect("write invite");
    let invite_arg = invite_path.to_string_lossy().to_string();
    let target = format!("sip:101@127.0.0.1:{sip_port}");
    sipsak(
        &sipsak_bin,
        &["-f", &invite_arg, "-s", &target, "-l", &ua_port.to_string()],
    )
    .await;

    let mut pop = serde_json::Value::Null;
    while let Some(m) = l_olga.next_within(Duration::from_secs(10)).await {
        if m["type"] == "call.ringing" {
            pop = m;
            break;
        }
    }
    assert!(pop.is_object(), "no pop; Kamailio's log:\n{}", kam.log());
    let call = &pop["data"];
    assert_eq!(call["extension"], "101");
    assert_eq!(call["from"], "+79123456789");
    assert_eq!(call["call_id"], "sip:rodnik-sip-1@127.0.0.1");
    assert_eq!(call["matches"][0]["id"], client_id.as_str());
    assert_eq!(
        call["matches"][0]["addresses"][0]["id"],
        address_id.as_str()
    );
    assert!(
        l_masha.drain(Duration::from_millis(500)).await.is_empty(),
        "the pop reached another operator's screen"
    );
    assert!(kam.log().contains("-> HTTP 204"), "{}", kam.log());
}
