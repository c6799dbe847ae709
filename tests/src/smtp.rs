//! A real SMTP server in the test process (`mailin-embedded`, speaking the
//! protocol over TCP on a free port): it accepts every letter and keeps it,
//! so a test reads back what Rodnik sent, attachments included.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin_embedded::{response, Handler, Response, Server, SslConfig};

/// A received letter: the envelope and the raw message.
#[derive(Debug, Clone)]
pub struct Letter {
    pub from: String,
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

#[derive(Clone)]
struct Keep {
    letters: Arc<Mutex<Vec<Letter>>>,
    current: Option<Letter>,
}

impl Handler for Keep {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Letter {
            from: from.to_string(),
            to: to.to_vec(),
            raw: vec![],
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(l) = self.current.as_mut() {
            l.raw.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(l) = self.current.take() {
            self.letters
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(l);
        }
        response::OK
    }
}

/// The running server: its port and the letters it got.
pub struct Smtp {
    pub port: u16,
    letters: Arc<Mutex<Vec<Letter>>>,
}

impl Smtp {
    /// Starts a server on 127.0.0.1 and a free port (it runs until the
    /// test process ends).
    pub fn start() -> Smtp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("address").port();
        let letters = Arc::new(Mutex::new(vec![]));
        let handler = Keep {
            letters: letters.clone(),
            current: None,
        };
        std::thread::spawn(move || {
            let mut server = Server::new(handler);
            server.with_name("smtp.test");
            if server.with_ssl(SslConfig::None).is_err() {
                return;
            }
            server.with_tcp_listener(listener);
            let _ = server.serve();
        });
        Smtp { port, letters }
    }

    pub fn letters(&self) -> Vec<Letter> {
        self.letters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Waits up to `wait` for at least `n` letters.
    pub fn wait_for(&self, n: usize, wait: Duration) -> Vec<Letter> {
        let start = Instant::now();
        loop {
            let got = self.letters();
            if got.len() >= n || start.elapsed() > wait {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The text `pdftotext` reads out of a PDF, its spaces made plain.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    assert!(out.status.success(), "pdftotext failed: {out:?}");
    String::from_utf8_lossy(&out.stdout).replace(['\u{a0}', '\u{202f}'], " ")
}

/// The same text with every run of whitespace one space (for phrases that
/// a layout may break or space out).
pub fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
