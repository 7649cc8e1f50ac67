//! One `browser` module drives Chromium for `--pdf` and the tests.
//!
//! It owns everything about the headless browser: finding the Chromium
//! binary ([`find_chromium`]), launching it with a throw-away profile
//! ([`Browser::launch`]), a small hand-written Chrome DevTools Protocol
//! client over one websocket, and the page operations the PDF export and the
//! browser tests need ([`Page`]). Nothing else in kvlens talks to Chromium.
//!
//! The CDP client is deliberately minimal: messages are plain
//! `serde_json::Value`s and only the fields kvlens reads are looked at, so new
//! fields or events in newer Chromium versions do not break it. Everything is
//! single-threaded: [`Browser`] writes a command and reads messages until the
//! matching response, buffering every event that arrives in the meantime;
//! page operations look for the events they wait for in that buffer.

mod keys;
mod page;
use keys::key_info;
pub use page::Page;

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use tungstenite::WebSocket;
use tungstenite::protocol::WebSocketConfig;

/// Environment variable naming the Chromium binary to use.
pub const CHROMIUM_ENV: &str = "KVLENS_CHROMIUM";

/// Program names looked for on `PATH`, in order, when no binary is named.
pub const CHROMIUM_NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long Chromium may take to print its DevTools address.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(20);
/// How long an ordinary command may take to be answered.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// How long printing to PDF or taking a screenshot may take.
const RENDER_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a navigation may take to fire its load event.
const LOAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long pending events are drained before they are reported.
const DRAIN_TIME: Duration = Duration::from_millis(100);
/// How often [`Page::wait_for`] evaluates its condition.
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// Socket read timeout: the granularity at which waits notice deadlines.
const READ_SLICE: Duration = Duration::from_millis(20);
/// How long `Browser.close` may take before the process is killed.
const CLOSE_GRACE: Duration = Duration::from_secs(5);
/// How many of Chromium's last stderr lines are kept for error messages.
const STDERR_TAIL: usize = 40;

/// Finds the Chromium binary: `explicit` (which must exist), else
/// `$KVLENS_CHROMIUM`, else the first of [`CHROMIUM_NAMES`] on `PATH`.
pub fn find_chromium(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        anyhow::ensure!(
            path.is_file(),
            "Chromium binary {} does not exist (or is not a file)",
            path.display()
        );
        return Ok(path.to_path_buf());
    }
    if let Some(value) = std::env::var_os(CHROMIUM_ENV).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(value);
        anyhow::ensure!(
            path.is_file(),
            "{CHROMIUM_ENV} names {}, which does not exist (or is not a file)",
            path.display()
        );
        return Ok(path);
    }
    let path_var = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path_var).collect();
    for name in CHROMIUM_NAMES {
        for dir in &dirs {
            let candidate = dir.join(name);
            if is_executable(&candidate) {
                return Ok(candidate);
            }
        }
    }
    let names = CHROMIUM_NAMES
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    bail!(
        "cannot find Chromium: {CHROMIUM_ENV} is not set and none of {names} is on PATH; \
         install Debian's `chromium` package or pass --chromium PATH"
    )
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// A `file://` URL for `path` (made absolute against the current folder),
/// with spaces and every other byte outside `A-Z a-z 0-9 - . _ ~ / :`
/// percent-encoded.
pub fn file_url(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let raw = absolute.as_os_str().as_encoded_bytes();
    let mut url = String::from("file://");
    if !raw.starts_with(b"/") {
        url.push('/');
    }
    for &byte in raw {
        match byte {
            b'\\' if cfg!(windows) => url.push('/'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                url.push(char::from(byte))
            }
            _ => url.push_str(&format!("%{byte:02X}")),
        }
    }
    url
}

/// Counts the pages of a PDF by its `/Type /Page` objects (not `/Pages`).
/// Good enough for the PDFs Chromium writes, which keep page objects
/// uncompressed.
pub fn pdf_page_count(pdf: &[u8]) -> usize {
    const TYPE: &[u8] = b"/Type";
    const PAGE: &[u8] = b"/Page";
    let mut count = 0;
    let mut i = 0;
    while i + TYPE.len() <= pdf.len() {
        if !pdf[i..].starts_with(TYPE) {
            i += 1;
            continue;
        }
        let mut j = i + TYPE.len();
        while j < pdf.len() && pdf[j].is_ascii_whitespace() {
            j += 1;
        }
        if pdf[j..].starts_with(PAGE) {
            let after = pdf.get(j + PAGE.len());
            if !after.is_some_and(|b| b.is_ascii_alphanumeric()) {
                count += 1;
            }
        }
        i = j;
    }
    count
}

/// One CDP event as received: its method, the session it belongs to (none
/// for browser-level events) and its parameters.
#[derive(Debug, Clone)]
struct Event {
    method: String,
    session: Option<String>,
    params: Value,
}

/// The fields of an incoming CDP message that kvlens reads.
#[derive(Debug, Deserialize)]
struct Incoming {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default, rename = "sessionId")]
    session_id: Option<String>,
    #[serde(default)]
    params: Option<Value>,
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    error: Option<CdpError>,
}

/// A CDP error response.
#[derive(Debug, Deserialize)]
struct CdpError {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    data: Option<Value>,
}

/// The Chromium process and its throw-away profile. Dropping it kills the
/// process if it is still running, waits for it, then removes the profile.
struct Process {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Process {
    /// Waits up to `grace` for the process to exit on its own.
    fn wait_for_exit(&mut self, grace: Duration) -> bool {
        let deadline = Instant::now() + grace;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => return true,
                Ok(None) if Instant::now() >= deadline => return false,
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A page's session and target, to drive it again with [`Browser::page`]
/// after driving another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageId {
    session: String,
    target_id: String,
}

/// A running headless Chromium and the one DevTools websocket to it.
/// Dropping it closes the browser (`Browser.close`, then a kill if it has not
/// exited within a few seconds), so no Chromium processes are left behind.
pub struct Browser {
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// Every event received so far, in order of arrival.
    events: Vec<Event>,
    /// The last lines Chromium wrote to stderr (kept by the drain thread).
    stderr_tail: Arc<Mutex<Vec<String>>>,
    closed: bool,
    process: Process,
}

impl Browser {
    /// Starts `chromium` headless with a fresh profile and connects to its
    /// DevTools websocket.
    pub fn launch(chromium: &Path) -> Result<Browser> {
        let profile = tempfile::Builder::new()
            .prefix("kvlens-chromium-")
            .tempdir()
            .context("cannot create a temporary Chromium profile folder")?;
        let child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start Chromium ({})", chromium.display()))?;
        let mut process = Process {
            child,
            _profile: profile,
        };
        let stderr = process
            .child
            .stderr
            .take()
            .context("internal error: Chromium's stderr is not piped")?;

        // One thread reads stderr for the life of the process, so the pipe
        // never fills up; until the DevTools line it also hands lines over.
        let stderr_tail = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel::<String>();
        let tail = Arc::clone(&stderr_tail);
        std::thread::Builder::new()
            .name("chromium-stderr".into())
            .spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(mut tail) = tail.lock() {
                        if tail.len() >= STDERR_TAIL {
                            tail.remove(0);
                        }
                        tail.push(line.clone());
                    }
                    let _ = tx.send(line);
                }
            })
            .context("cannot start a thread to read Chromium's stderr")?;

        let ws_url = wait_for_devtools_url(&rx, &mut process, chromium)?;
        drop(rx);
        let ws = connect(&ws_url)?;
        Ok(Browser {
            ws,
            next_id: 0,
            events: Vec::new(),
            stderr_tail,
            closed: false,
            process,
        })
    }

    /// Opens a new tab on `about:blank`, attaches to it with a flattened
    /// session and enables the `Page`, `Runtime`, `Log` and `Network` domains.
    pub fn new_page(&mut self) -> Result<Page<'_>> {
        let created = self.send("Target.createTarget", json!({ "url": "about:blank" }), None)?;
        let target_id = str_field(&created, "targetId", "Target.createTarget")?;
        let id = self.attach(target_id)?;
        Ok(self.page(&id))
    }

    /// Attaches to a target (a new tab, or a window a page opened) with a
    /// flattened session and enables the `Page`, `Runtime`, `Log` and
    /// `Network` domains.
    fn attach(&mut self, target_id: String) -> Result<PageId> {
        let attached = self.send(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
            None,
        )?;
        let session = str_field(&attached, "sessionId", "Target.attachToTarget")?;
        for domain in ["Page", "Runtime", "Log", "Network"] {
            self.send(&format!("{domain}.enable"), json!({}), Some(&session))?;
        }
        Ok(PageId { session, target_id })
    }

    /// Waits up to `timeout` for a page whose URL contains `needle` that is
    /// not attached yet (e.g. a window opened by `window.open`), and
    /// attaches to it.
    pub fn wait_for_page(&mut self, needle: &str, timeout: Duration) -> Result<PageId> {
        let deadline = Instant::now() + timeout;
        loop {
            let targets = self.send("Target.getTargets", json!({}), None)?;
            let found = targets["targetInfos"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|t| {
                    t["type"] == "page"
                        && t["attached"] == false
                        && t["url"].as_str().is_some_and(|u| u.contains(needle))
                })
                .and_then(|t| t["targetId"].as_str().map(str::to_string));
            if let Some(target_id) = found {
                return self.attach(target_id);
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "no window with `{needle}` in its URL opened within {:.1} s",
                timeout.as_secs_f64()
            );
            self.drain(Duration::from_millis(100))?;
        }
    }

    /// Drives a page attached earlier again.
    pub fn page(&mut self, id: &PageId) -> Page<'_> {
        Page {
            browser: self,
            session: id.session.clone(),
            target_id: id.target_id.clone(),
        }
    }

    /// Sends a command (to the browser, or to a page when `session` is set)
    /// and returns its `result`, buffering events that arrive meanwhile.
    pub fn send(&mut self, method: &str, params: Value, session: Option<&str>) -> Result<Value> {
        self.send_with_timeout(method, params, session, COMMAND_TIMEOUT)
    }

    /// [`Browser::send`] with its own timeout for the response.
    fn send_with_timeout(
        &mut self,
        method: &str,
        params: Value,
        session: Option<&str>,
        timeout: Duration,
    ) -> Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut command = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            command["sessionId"] = Value::String(session.to_string());
        }
        self.ws
            .send(tungstenite::Message::text(command.to_string()))
            .map_err(|e| self.connection_error(&format!("cannot send {method}"), &e))?;
        let deadline = Instant::now() + timeout;
        loop {
            if Instant::now() >= deadline {
                bail!(
                    "Chromium did not answer {method} within {:.1} s",
                    timeout.as_secs_f64()
                );
            }
            let Some(message) = self.read_one(method)? else {
                continue;
            };
            if message.id != Some(id) {
                // Events were buffered by read_one; a late answer to an
                // earlier command that timed out is dropped.
                continue;
            }
            if let Some(error) = message.error {
                let data = match &error.data {
                    Some(Value::String(s)) => format!(" ({s})"),
                    Some(other) => format!(" ({other})"),
                    None => String::new(),
                };
                bail!(
                    "Chromium refused {method}: {} (code {}){data}",
                    error.message,
                    error.code
                );
            }
            return Ok(message.result.unwrap_or(Value::Null));
        }
    }

    /// Reads at most one message, waiting at most [`READ_SLICE`]. Events
    /// are appended to the buffer (and also returned); `None` when nothing
    /// arrived. `doing` names the command or wait, for error messages.
    fn read_one(&mut self, doing: &str) -> Result<Option<Incoming>> {
        let message = match self.ws.read() {
            Ok(message) => message,
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(None);
            }
            Err(e) => {
                return Err(self.connection_error(&format!("lost Chromium while {doing}"), &e));
            }
        };
        let text = match message {
            tungstenite::Message::Text(text) => text,
            tungstenite::Message::Close(_) => {
                self.closed = true;
                return Err(self.connection_error(
                    &format!("lost Chromium while {doing}"),
                    &"the DevTools connection was closed",
                ));
            }
            _ => return Ok(None),
        };
        let incoming: Incoming = serde_json::from_str(text.as_str())
            .with_context(|| format!("Chromium sent a message that is not CDP JSON: {text}"))?;
        if incoming.id.is_none()
            && let Some(method) = &incoming.method
        {
            self.events.push(Event {
                method: method.clone(),
                session: incoming.session_id.clone(),
                params: incoming.params.clone().unwrap_or(Value::Null),
            });
        }
        Ok(Some(incoming))
    }

    /// Reads and buffers events for `duration`.
    fn drain(&mut self, duration: Duration) -> Result<()> {
        let deadline = Instant::now() + duration;
        while Instant::now() < deadline {
            self.read_one("reading events")?;
        }
        Ok(())
    }

    /// An error for a broken connection, with the end of Chromium's stderr.
    fn connection_error(&mut self, what: &str, cause: &dyn std::fmt::Display) -> anyhow::Error {
        let exited = match self.process.child.try_wait() {
            Ok(Some(status)) => format!("; Chromium exited ({status})"),
            _ => String::new(),
        };
        let tail = self
            .stderr_tail
            .lock()
            .map(|t| t.join("\n"))
            .unwrap_or_default();
        anyhow!("{what}: {cause}{exited}\nChromium's stderr ended with:\n{tail}")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.closed {
            // The browser may close the connection before it answers.
            let _ = self.send_with_timeout("Browser.close", json!({}), None, CLOSE_GRACE);
        }
        let _ = self.ws.close(None);
        let _ = self.ws.flush();
        // Process::drop (run after this) kills what is still alive.
        self.process.wait_for_exit(CLOSE_GRACE);
    }
}

/// Waits for Chromium's `DevTools listening on ws://…` line and returns the
/// websocket URL; on failure kills nothing (the caller's `Process` does) and
/// reports the stderr seen so far.
fn wait_for_devtools_url(
    rx: &mpsc::Receiver<String>,
    process: &mut Process,
    chromium: &Path,
) -> Result<String> {
    const PREFIX: &str = "DevTools listening on ";
    let deadline = Instant::now() + LAUNCH_TIMEOUT;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                if let Some(pos) = line.find(PREFIX) {
                    let url = line[pos + PREFIX.len()..].trim();
                    if url.starts_with("ws://") {
                        return Ok(url.to_string());
                    }
                }
                seen.push(line);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => bail!(
                "Chromium ({}) did not print its DevTools address within {} s; its stderr so far:\n{}",
                chromium.display(),
                LAUNCH_TIMEOUT.as_secs(),
                seen.join("\n")
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                process.wait_for_exit(Duration::from_secs(2));
                let status = match process.child.try_wait() {
                    Ok(Some(status)) => status.to_string(),
                    Ok(None) => "stderr closed, still running".to_string(),
                    Err(e) => format!("status unknown: {e}"),
                };
                bail!(
                    "Chromium ({}) exited ({status}) before printing its DevTools address; its stderr:\n{}",
                    chromium.display(),
                    seen.join("\n")
                )
            }
        }
    }
}

/// Opens the DevTools websocket at `ws_url` (`ws://host:port/path`).
fn connect(ws_url: &str) -> Result<WebSocket<TcpStream>> {
    let host_port = ws_url
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .filter(|hp| !hp.is_empty())
        .with_context(|| format!("Chromium printed an unexpected DevTools address {ws_url}"))?;
    let stream = TcpStream::connect(host_port)
        .with_context(|| format!("cannot connect to Chromium's DevTools at {ws_url}"))?;
    stream
        .set_read_timeout(Some(COMMAND_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(COMMAND_TIMEOUT)))
        .and_then(|()| stream.set_nodelay(true))
        .with_context(|| format!("cannot configure the connection to {ws_url}"))?;
    // PDFs of long documents arrive as one large base64 message.
    let config = WebSocketConfig::default()
        .max_message_size(Some(1 << 30))
        .max_frame_size(Some(1 << 30));
    let (ws, _) = tungstenite::client::client_with_config(ws_url, stream, Some(config))
        .map_err(|e| anyhow!("websocket handshake with Chromium at {ws_url} failed: {e}"))?;
    // From now on reads time out quickly so waits can check their deadlines;
    // tungstenite keeps partial frames across timeouts.
    ws.get_ref()
        .set_read_timeout(Some(READ_SLICE))
        .with_context(|| format!("cannot configure the connection to {ws_url}"))?;
    Ok(ws)
}

/// The string field `key` of a command's result.
fn str_field(result: &Value, key: &str, method: &str) -> Result<String> {
    result
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .with_context(|| format!("Chromium's answer to {method} has no {key}: {result}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_page_count_counts_page_objects_not_the_page_tree() {
        let pdf = b"%PDF-1.4\n\
            1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n\
            2 0 obj <</Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3>> endobj\n\
            3 0 obj <</Type /Page /Parent 2 0 R>> endobj\n\
            4 0 obj <</Type/Page/Parent 2 0 R>> endobj\n\
            5 0 obj <</Type\n/Page\n/Parent 2 0 R>> endobj\n\
            6 0 obj <</Type /PageLabel>> endobj\n\
            trailer <</Root 1 0 R>>\n%%EOF";
        assert_eq!(pdf_page_count(pdf), 3);
        assert_eq!(pdf_page_count(b""), 0);
        assert_eq!(pdf_page_count(b"/Type"), 0);
        assert_eq!(pdf_page_count(b"/Type /Page"), 1);
    }

    #[test]
    fn file_url_is_absolute_and_percent_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/ü#x.html")),
            "file:///tmp/a%20b/%C3%BC%23x.html"
        );
        let relative = file_url(Path::new("x.html"));
        assert!(relative.starts_with("file:///"), "{relative}");
        assert!(relative.ends_with("/x.html"), "{relative}");
    }

    #[test]
    fn find_chromium_checks_an_explicit_path() {
        let missing = Path::new("/nonexistent/kvlens/chromium");
        let err = find_chromium(Some(missing)).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/kvlens/chromium"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("chromium");
        std::fs::write(&fake, "").unwrap();
        assert_eq!(find_chromium(Some(&fake)).unwrap(), fake);
    }

    #[test]
    fn keys_have_codes_and_text() {
        let right = key_info("ArrowRight").unwrap();
        assert_eq!((right.code.as_str(), right.vk), ("ArrowRight", 39));
        assert!(right.text.is_none());
        let space = key_info(" ").unwrap();
        assert_eq!(
            (space.code.as_str(), space.vk, space.text.as_deref()),
            ("Space", 32, Some(" "))
        );
        let a = key_info("a").unwrap();
        assert_eq!((a.code.as_str(), a.vk, a.modifiers), ("KeyA", 65, 0));
        let q = key_info("?").unwrap();
        assert_eq!((q.code.as_str(), q.vk, q.modifiers), ("Slash", 191, 8));
        assert!(key_info("NoSuchKey").is_err());
        assert!(key_info("").is_err());
    }
}
