//! Backups and restore (docs/operations.md).
//!
//! A backup is SurrealDB's own export (SurrealQL: the schema, then every
//! record) taken in **one read transaction**, so it is a single snapshot of
//! the database even while orders are being written: SurrealDB 3.3.5's
//! `Datastore::export_with_config` opens one `Read` transaction and reads
//! everything through it, and both engines we use (SurrealKV, and the
//! in-memory one) give a read transaction a fixed snapshot.
//!
//! The file is that export between two comment lines, so it stays valid
//! SurrealQL (`surreal import` reads it too):
//!
//! ```text
//! -- rodnik-backup v1 {"created_at":"…","schema_version":5,"rodnik_version":"0.1.0"}
//! …the export…
//! -- rodnik-backup-end sha256=<hex of every byte before this line> bytes=<their count>
//! ```
//!
//! A file is written to a temporary name beside its target, fsynced, checked
//! against its own trailer, and only then renamed (and the folder fsynced):
//! a file under a final name is always complete, and a truncated or damaged
//! one fails the check in `verify`, which `restore` runs before it writes
//! anything.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::metrics::metrics;
use crate::store::{Store, SCHEMA_VERSION};

const HEAD: &str = "-- rodnik-backup v1 ";
const END: &str = "-- rodnik-backup-end ";
/// The trailer's longest form, with room to spare.
const TAIL_READ: u64 = 256;
/// Left in a folder while `restore` fills it; `serve` refuses such a folder.
pub const RESTORE_MARKER: &str = ".rodnik-restore-incomplete";
/// Written by `serve` into its database folder: where it listens and a token
/// that may download a backup (`rodnik backup --db FOLDER` reads it).
pub const CONTROL_FILE: &str = ".rodnik-server.json";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database export failed: {0}")]
    Export(String),
    #[error("{} is not a complete Rodnik backup: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
    #[error("{} is not empty: restore only into a new or empty folder", .0.display())]
    NotEmpty(PathBuf),
    #[error("{0}")]
    Unsupported(String),
    #[error("the server at {url} answered {status}: {body}")]
    Server {
        url: String,
        status: u16,
        body: String,
    },
    #[error("restoring: {0}")]
    Store(#[from] crate::error::Error),
}

pub type Result<T, E = BackupError> = std::result::Result<T, E>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The first line's JSON.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Header {
    /// RFC 3339, UTC: when the snapshot was taken.
    pub created_at: String,
    pub schema_version: i64,
    pub rodnik_version: String,
}

/// What `verify` found in a complete file.
#[derive(Debug, Clone)]
pub struct Verified {
    pub header: Header,
    /// The whole file's size.
    pub bytes: u64,
    pub sha256: String,
}

pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>;

/// Where an export comes from.
#[derive(Clone)]
pub enum Source {
    /// The embedded engine (or `mem://`) this process has open.
    Local(Store),
    /// A SurrealDB server: its HTTP `/export`, which runs the same
    /// one-transaction export there. The SDK cannot export over `ws://`.
    Server {
        export_url: String,
        root: Option<(String, String)>,
    },
}

impl Source {
    pub fn for_url(db: &str, store: Store, root: Option<(String, String)>) -> Result<Source> {
        match server_export_url(db) {
            Some(export_url) => Ok(Source::Server { export_url, root }),
            None => Ok(Source::Local(store)),
        }
    }

    /// The export's bytes, as SurrealDB sends them.
    async fn export(&self) -> Result<ByteStream> {
        match self {
            Source::Local(store) => {
                let backup = store
                    .export()
                    .await
                    .map_err(|e| BackupError::Export(e.to_string()))?;
                Ok(Box::pin(backup.map(|chunk| {
                    chunk
                        .map(Bytes::from)
                        .map_err(|e| BackupError::Export(e.to_string()))
                })))
            }
            Source::Server { export_url, root } => {
                let mut req = reqwest::Client::new()
                    .get(export_url)
                    .header("surreal-ns", "rodnik")
                    .header("surreal-db", "rodnik")
                    .header("Accept", "application/octet-stream");
                if let Some((user, pass)) = root {
                    req = req.basic_auth(user, Some(pass));
                }
                let resp = req
                    .send()
                    .await
                    .map_err(|e| BackupError::Export(format!("{export_url}: {e}")))?;
                let status = resp.status();
                if !status.is_success() {
                    return Err(BackupError::Server {
                        url: export_url.clone(),
                        status: status.as_u16(),
                        body: resp.text().await.unwrap_or_default(),
                    });
                }
                Ok(Box::pin(resp.bytes_stream().map(|c| {
                    c.map_err(|e| BackupError::Export(e.to_string()))
                })))
            }
        }
    }
}

/// `ws://host:port[/rpc]` -> `http://host:port/export` (and `wss` -> `https`).
fn server_export_url(db: &str) -> Option<String> {
    let (scheme, rest) = db.split_once("://")?;
    let http = match scheme {
        "ws" | "http" => "http",
        "wss" | "https" => "https",
        _ => return None,
    };
    let host = rest.split('/').next().unwrap_or(rest);
    Some(format!("{http}://{host}/export"))
}

/// The complete backup file as a stream: header, export, trailer. An export
/// error ends the stream with that error and no trailer.
pub async fn backup_stream(source: &Source) -> Result<ByteStream> {
    let header = Header {
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        schema_version: SCHEMA_VERSION,
        rodnik_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let json = serde_json::to_string(&header)
        .map_err(|e| BackupError::Export(format!("backup header: {e}")))?;
    let first = Bytes::from(format!("{HEAD}{json}\n"));
    let export = source.export().await?;

    enum Step {
        Header(Bytes),
        Body,
        Done,
    }
    struct State {
        step: Step,
        export: ByteStream,
        hash: Sha256,
        bytes: u64,
    }
    let state = State {
        step: Step::Header(first),
        export,
        hash: Sha256::new(),
        bytes: 0,
    };
    let stream = futures::stream::unfold(state, |mut s| async move {
        match std::mem::replace(&mut s.step, Step::Done) {
            Step::Header(b) => {
                s.hash.update(&b);
                s.bytes += b.len() as u64;
                s.step = Step::Body;
                Some((Ok(b), s))
            }
            Step::Body => match s.export.next().await {
                Some(Ok(chunk)) => {
                    s.hash.update(&chunk);
                    s.bytes += chunk.len() as u64;
                    s.step = Step::Body;
                    Some((Ok(chunk), s))
                }
                Some(Err(e)) => Some((Err(e), s)),
                None => {
                    // The body ends with a line break of its own, so the
                    // trailer is always a line of its own.
                    s.hash.update(b"\n");
                    s.bytes += 1;
                    let sum = hex::encode(std::mem::take(&mut s.hash).finalize());
                    let end = format!("\n{END}sha256={sum} bytes={}\n", s.bytes);
                    Some((Ok(Bytes::from(end)), s))
                }
            },
            Step::Done => None,
        }
    });
    Ok(Box::pin(stream))
}

/// Writes `stream` to `out` safely: a temporary file beside it, fsync,
/// `verify`, rename, fsync of the folder. On any failure the temporary file
/// is removed and `out` is left as it was.
pub async fn write_file(mut stream: ByteStream, out: &Path) -> Result<Verified> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| BackupError::Unsupported(format!("{}: not a file name", out.display())))?;
    let temp = dir.join(format!(".{name}.partial-{}", crate::store::new_key()));
    let result = async {
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .await
            .map_err(io(&temp))?;
        while let Some(chunk) = stream.next().await {
            file.write_all(&chunk?).await.map_err(io(&temp))?;
        }
        file.flush().await.map_err(io(&temp))?;
        file.sync_all().await.map_err(io(&temp))?;
        drop(file);
        let verified = verify(&temp).await.map_err(|e| match e {
            BackupError::Invalid { reason, .. } => BackupError::Invalid {
                path: out.to_path_buf(),
                reason,
            },
            other => other,
        })?;
        tokio::fs::rename(&temp, out).await.map_err(io(out))?;
        sync_dir(&dir).await?;
        Ok(verified)
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&temp).await;
    }
    result
}

async fn sync_dir(dir: &Path) -> Result<()> {
    let d = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(&d).and_then(|f| f.sync_all()))
        .await
        .map_err(|e| BackupError::Export(e.to_string()))?
        .map_err(io(dir))
}

/// Checks that `path` is a whole backup: its header, its trailer, and the
/// checksum of everything before the trailer.
pub async fn verify(path: &Path) -> Result<Verified> {
    let p = path.to_path_buf();
    tokio::task::spawn_blocking(move || verify_blocking(&p))
        .await
        .map_err(|e| BackupError::Export(e.to_string()))?
}

fn verify_blocking(path: &Path) -> Result<Verified> {
    use std::io::{Read, Seek, SeekFrom};
    let invalid = |reason: &str| BackupError::Invalid {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let mut file = std::fs::File::open(path).map_err(io(path))?;
    let len = file.metadata().map_err(io(path))?.len();

    let mut first = Vec::with_capacity(512);
    (&mut file)
        .take(4096)
        .read_to_end(&mut first)
        .map_err(io(path))?;
    let line_end = first.iter().position(|b| *b == b'\n');
    let header_line = line_end
        .and_then(|n| std::str::from_utf8(&first[..n]).ok())
        .and_then(|l| l.strip_prefix(HEAD))
        .ok_or_else(|| invalid("it does not start with a Rodnik backup header"))?;
    let header: Header = serde_json::from_str(header_line)
        .map_err(|e| invalid(&format!("its header does not read: {e}")))?;

    let tail_len = len.min(TAIL_READ);
    file.seek(SeekFrom::Start(len - tail_len))
        .map_err(io(path))?;
    let mut tail = Vec::with_capacity(tail_len as usize);
    file.read_to_end(&mut tail).map_err(io(path))?;
    let truncated = || invalid("it has no end marker: it is truncated, or was still being written");
    let body = tail.strip_suffix(b"\n").ok_or_else(truncated)?;
    let start_in_tail = body
        .iter()
        .rposition(|b| *b == b'\n')
        .map(|i| i + 1)
        .ok_or_else(truncated)?;
    let trailer = std::str::from_utf8(&body[start_in_tail..])
        .ok()
        .and_then(|l| l.strip_prefix(END))
        .ok_or_else(truncated)?;
    let mut sum = None;
    let mut count = None;
    for part in trailer.split_whitespace() {
        if let Some(v) = part.strip_prefix("sha256=") {
            sum = Some(v.to_string());
        } else if let Some(v) = part.strip_prefix("bytes=") {
            count = v.parse::<u64>().ok();
        }
    }
    let (Some(sum), Some(count)) = (sum, count) else {
        return Err(invalid("its end marker does not read"));
    };
    let trailer_at = len - tail_len + start_in_tail as u64;
    if count != trailer_at {
        return Err(invalid(&format!(
            "its end marker counts {count} bytes before it, the file has {trailer_at}: it was cut or spliced"
        )));
    }

    file.seek(SeekFrom::Start(0)).map_err(io(path))?;
    let mut hash = Sha256::new();
    let mut left = trailer_at;
    let mut buf = vec![0u8; 1 << 20];
    while left > 0 {
        let want = buf.len().min(left as usize);
        let n = file.read(&mut buf[..want]).map_err(io(path))?;
        if n == 0 {
            return Err(truncated());
        }
        hash.update(&buf[..n]);
        left -= n as u64;
    }
    let actual = hex::encode(hash.finalize());
    if actual != sum {
        return Err(invalid(
            "its checksum does not match its contents: the file is damaged",
        ));
    }
    Ok(Verified {
        header,
        bytes: len,
        sha256: actual,
    })
}

/// What `restore` did.
#[derive(Debug)]
pub struct Restored {
    pub header: Header,
    pub orders: i64,
    pub clients: i64,
}

/// The folder of an embedded database URL (`surrealkv://path`, or a bare path).
pub fn embedded_folder(db: &str) -> Option<PathBuf> {
    match db.split_once("://") {
        None => Some(PathBuf::from(db)),
        Some(("surrealkv", path)) | Some(("rocksdb", path)) => {
            let path = path.split('?').next().unwrap_or(path);
            Some(PathBuf::from(path))
        }
        _ => None,
    }
}

/// Restores `file` into `target`, a new or empty folder: checks the file
/// whole first (nothing is written if it is not a complete backup), imports
/// it, then brings the schema up to date as every start does.
pub async fn restore(file: &Path, target: &Path) -> Result<Restored> {
    let existed = match std::fs::read_dir(target) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(BackupError::NotEmpty(target.to_path_buf()));
            }
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(BackupError::NotEmpty(target.to_path_buf()))
        }
        Err(e) => return Err(io(target)(e)),
    };
    let verified = verify(file).await?;
    if verified.header.schema_version > SCHEMA_VERSION {
        return Err(BackupError::Unsupported(format!(
            "{} was made by a newer Rodnik (schema {}, this one knows up to {}): restore it with that version",
            file.display(),
            verified.header.schema_version,
            SCHEMA_VERSION
        )));
    }
    tokio::fs::create_dir_all(target)
        .await
        .map_err(io(target))?;
    let marker = target.join(RESTORE_MARKER);
    let result = async {
        tokio::fs::write(&marker, b"a restore into this folder did not finish\n")
            .await
            .map_err(io(&marker))?;
        let url = format!("surrealkv://{}", target.display());
        let store = Store::restore_from(&url, file).await?;
        let orders = store.count_rows("orders").await?;
        let clients = store.count_rows("clients").await?;
        // The engine shuts down when its last handle goes; the folder is
        // done (and free for a server) when it has.
        drop(store);
        wait_released(target).await;
        tokio::fs::remove_file(&marker).await.map_err(io(&marker))?;
        sync_dir(target).await?;
        Ok(Restored {
            header: verified.header.clone(),
            orders,
            clients,
        })
    }
    .await;
    if result.is_err() {
        // Leave nothing that could be mistaken for a database.
        if existed {
            if let Ok(entries) = std::fs::read_dir(target) {
                for e in entries.flatten() {
                    let p = e.path();
                    let _ = if p.is_dir() {
                        std::fs::remove_dir_all(&p)
                    } else {
                        std::fs::remove_file(&p)
                    };
                }
            }
        } else {
            let _ = std::fs::remove_dir_all(target);
        }
    }
    result
}

/// What `serve` writes into its database folder for `rodnik backup --db`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Control {
    /// `http://127.0.0.1:8080`: where this server answers locally.
    pub url: String,
    /// A bearer token for `GET /api/backup`, new at every start.
    pub token: String,
    pub pid: u32,
}

/// Writes the control file (owner-only: the token opens a full copy of the data).
pub async fn write_control(folder: &Path, control: &Control) -> Result<()> {
    let path = folder.join(CONTROL_FILE);
    let temp = folder.join(format!("{CONTROL_FILE}.tmp"));
    let text = serde_json::to_vec(control).map_err(|e| BackupError::Export(e.to_string()))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let t = temp.clone();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut f = opts.open(&t)?;
        f.write_all(&text)?;
        f.sync_all()
    })
    .await
    .map_err(|e| BackupError::Export(e.to_string()))?
    .map_err(io(&temp))?;
    tokio::fs::rename(&temp, &path).await.map_err(io(&path))
}

/// `rodnik backup --db ... --out FILE`: from a SurrealDB server directly, from
/// the running Rodnik server that has the folder open (through its control
/// file), or from the folder itself when nothing has it open.
pub async fn backup_cli(db: &str, root: Option<(String, String)>, out: &Path) -> Result<Verified> {
    if let Some(export_url) = server_export_url(db) {
        let source = Source::Server { export_url, root };
        return write_file(backup_stream(&source).await?, out).await;
    }
    let Some(folder) = embedded_folder(db) else {
        return Err(BackupError::Unsupported(format!(
            "{db}: only an on-disk database or a SurrealDB server can be backed up"
        )));
    };
    if !folder.is_dir() {
        return Err(BackupError::Unsupported(format!(
            "{}: no database folder there",
            folder.display()
        )));
    }
    let control = folder.join(CONTROL_FILE);
    if let Ok(text) = tokio::fs::read(&control).await {
        match serde_json::from_slice::<Control>(&text) {
            Ok(c) => match from_server(&c.url, &c.token, out).await {
                Ok(v) => return Ok(v),
                // A control file left by a server that has stopped: read the folder.
                Err(BackupError::Export(e)) if e.contains("connect") => {
                    tracing::info!(
                        "the server in {} does not answer; reading the folder",
                        control.display()
                    );
                }
                Err(e) => return Err(e),
            },
            Err(e) => tracing::warn!(error = %e, "unreadable {}", control.display()),
        }
    }
    let url = format!("surrealkv://{}", folder.display());
    let db = surrealdb::engine::any::connect(&url).await.map_err(|e| {
        BackupError::Unsupported(format!(
            "cannot open {} ({e}). If a Rodnik server has it open, it must be one that writes {CONTROL_FILE} (this version or later)",
            folder.display()
        ))
    })?;
    db.use_ns("rodnik")
        .use_db("rodnik")
        .await
        .map_err(|e| BackupError::Export(e.to_string()))?;
    let source = Source::Local(Store::without_migrations(db));
    let written = write_file(backup_stream(&source).await?, out).await;
    drop(source);
    wait_released(&folder).await;
    written
}

/// Waits (up to 10 s) until no handle of this process holds the embedded
/// engine's lock on `folder` any more: the engine shuts down in the
/// background once its last handle is dropped, and a command that exits
/// before that cuts its shutdown short.
async fn wait_released(folder: &Path) {
    let lock = folder.join("LOCK");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        if lock_is_free(&lock) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tracing::warn!(folder = %folder.display(), "the database engine did not close within 10 s");
}

#[cfg(unix)]
fn lock_is_free(lock: &Path) -> bool {
    use std::os::fd::AsRawFd;
    let Ok(f) = std::fs::OpenOptions::new().read(true).open(lock) else {
        return true;
    };
    // SAFETY: flock on a descriptor this function owns; it is closed (and
    // any lock taken here released) when `f` drops.
    unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
}

#[cfg(not(unix))]
fn lock_is_free(_lock: &Path) -> bool {
    true
}

/// Downloads a backup from a running server's `GET /api/backup` into `out`.
pub async fn from_server(base: &str, token: &str, out: &Path) -> Result<Verified> {
    let url = format!("{}/api/backup", base.trim_end_matches('/'));
    let resp = reqwest::Client::new()
        .get(&url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| {
            BackupError::Export(if e.is_connect() {
                format!("cannot connect to {url}: {e}")
            } else {
                format!("{url}: {e}")
            })
        })?;
    let status = resp.status();
    if !status.is_success() {
        return Err(BackupError::Server {
            url,
            status: status.as_u16(),
            body: resp.text().await.unwrap_or_default(),
        });
    }
    let stream = resp
        .bytes_stream()
        .map(|c| c.map_err(|e| BackupError::Export(format!("the download broke off: {e}"))));
    write_file(Box::pin(stream), out).await
}

/// Scheduled backups: `rodnik serve --backup-dir DIR --backup-every 6h --backup-keep N`.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub dir: PathBuf,
    pub every: Duration,
    pub keep: usize,
}

const SCHEDULED_PREFIX: &str = "rodnik-";
const SCHEDULED_SUFFIX: &str = ".surql";

/// The complete scheduled backups in `dir`, oldest first (their names sort by time).
pub fn scheduled_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(SCHEDULED_PREFIX) && n.ends_with(SCHEDULED_SUFFIX))
        })
        .collect();
    files.sort();
    files
}

/// One scheduled backup: writes `DIR/rodnik-<UTC time>.surql`, then deletes
/// all but the newest `keep`.
pub async fn scheduled_once(source: &Source, s: &Schedule) -> Result<(PathBuf, Verified, usize)> {
    tokio::fs::create_dir_all(&s.dir)
        .await
        .map_err(io(&s.dir))?;
    // Temporary files of a backup that a crash interrupted.
    if let Ok(entries) = std::fs::read_dir(&s.dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&format!(".{SCHEDULED_PREFIX}")) && n.contains(".partial-") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let mut name = format!(
        "{SCHEDULED_PREFIX}{}{SCHEDULED_SUFFIX}",
        chrono::Utc::now().format("%Y%m%d-%H%M%S%.3fZ")
    );
    if s.dir.join(&name).exists() {
        name = format!(
            "{SCHEDULED_PREFIX}{}-{}{SCHEDULED_SUFFIX}",
            chrono::Utc::now().format("%Y%m%d-%H%M%S%.3fZ"),
            crate::store::new_key()
        );
    }
    let out = s.dir.join(name);
    let verified = write_file(backup_stream(source).await?, &out).await?;
    let files = scheduled_files(&s.dir);
    let mut deleted = 0;
    if files.len() > s.keep {
        for old in &files[..files.len() - s.keep] {
            match tokio::fs::remove_file(old).await {
                Ok(()) => deleted += 1,
                Err(e) => {
                    tracing::warn!(file = %old.display(), error = %e, "deleting an old backup")
                }
            }
        }
    }
    Ok((out, verified, deleted))
}

/// Runs `scheduled_once` every `s.every`, logging each one. The first comes
/// one period after the newest backup already in the folder (at once if
/// that is overdue), so restarts do not postpone backups.
pub fn spawn_schedule(source: Source, s: Schedule) -> tokio::task::JoinHandle<()> {
    if let Some(newest) = scheduled_files(&s.dir).last() {
        if let Ok(modified) = std::fs::metadata(newest).and_then(|m| m.modified()) {
            metrics().backup_at(modified);
        }
    }
    tokio::spawn(async move {
        let age = metrics().backup_age().map(Duration::from_secs_f64);
        let first = match age {
            Some(age) => s.every.saturating_sub(age),
            None => Duration::ZERO,
        };
        tokio::time::sleep(first).await;
        loop {
            let started = std::time::Instant::now();
            match scheduled_once(&source, &s).await {
                Ok((file, v, deleted)) => {
                    metrics().backup_done(true);
                    metrics().backup_at(SystemTime::now());
                    tracing::info!(
                        file = %file.display(),
                        bytes = v.bytes,
                        seconds = started.elapsed().as_secs_f64(),
                        deleted_old = deleted,
                        "backup written"
                    );
                }
                Err(e) => {
                    metrics().backup_done(false);
                    tracing::error!(error = %e, dir = %s.dir.display(), "scheduled backup failed");
                }
            }
            tokio::time::sleep(s.every).await;
        }
    })
}

/// `30s`, `15m`, `6h`, `1d` (or a plain number of seconds).
pub fn parse_every(s: &str) -> std::result::Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a period like 30m, 6h or 1d"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("'{s}': the unit must be s, m, h or d")),
    };
    if secs == 0 {
        return Err("the backup period must be longer than zero".into());
    }
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read() {
        assert_eq!(parse_every("6h"), Ok(Duration::from_secs(6 * 3600)));
        assert_eq!(parse_every("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_every("1d"), Ok(Duration::from_secs(86_400)));
        assert!(parse_every("0h").is_err());
        assert!(parse_every("6 hours").is_err());
        assert!(parse_every("h").is_err());
    }

    #[test]
    fn server_urls_map_to_the_export_endpoint() {
        assert_eq!(
            server_export_url("ws://127.0.0.1:8000/rpc").as_deref(),
            Some("http://127.0.0.1:8000/export")
        );
        assert_eq!(
            server_export_url("wss://db.example:443").as_deref(),
            Some("https://db.example:443/export")
        );
        assert_eq!(server_export_url("surrealkv://data"), None);
        assert_eq!(server_export_url("data/rodnik"), None);
        assert_eq!(
            embedded_folder("surrealkv://data/x?sync=every"),
            Some(PathBuf::from("data/x"))
        );
        assert_eq!(embedded_folder("mem://"), None);
    }

    async fn sample(dir: &Path) -> PathBuf {
        let store = Store::connect("mem://").await.expect("store");
        store
            .run("CREATE clients:one SET name = 'A'", serde_json::Value::Null)
            .await
            .ok();
        let out = dir.join("b.surql");
        write_file(
            backup_stream(&Source::Local(store)).await.expect("stream"),
            &out,
        )
        .await
        .expect("write");
        out
    }

    #[tokio::test]
    async fn a_written_backup_verifies_and_any_cut_or_flip_does_not() {
        let dir = tempfile::tempdir().expect("dir");
        let file = sample(dir.path()).await;
        let v = verify(&file).await.expect("complete");
        assert_eq!(v.header.schema_version, SCHEMA_VERSION);
        let bytes = std::fs::read(&file).expect("read");
        assert_eq!(v.bytes, bytes.len() as u64);
        // No temporary file is left beside it.
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);

        let cut = dir.path().join("cut.surql");
        for at in [bytes.len() - 1, bytes.len() - 10, bytes.len() / 2, 10] {
            std::fs::write(&cut, &bytes[..at]).expect("write");
            let e = verify(&cut).await.expect_err("a cut file");
            assert!(matches!(e, BackupError::Invalid { .. }), "{e}");
        }
        let mut flipped = bytes.clone();
        flipped[bytes.len() / 2] ^= 0x20;
        std::fs::write(&cut, &flipped).expect("write");
        let e = verify(&cut).await.expect_err("a damaged file");
        assert!(e.to_string().contains("checksum"), "{e}");
    }
}
