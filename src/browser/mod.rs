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
//!
//! The parts: `launch` (finding and starting Chromium, and closing it),
//! `cdp` (the DevTools connection: commands, responses and buffered
//! events), `page` (one tab) and `keys` (the keys a page can press).

mod cdp;
mod keys;
mod launch;
mod page;
pub use launch::{CHROMIUM_ENV, CHROMIUM_NAMES, find_chromium};
pub use page::Page;

use anyhow::Result;
use cdp::{Event, str_field};
use launch::Process;
use serde_json::json;
use std::net::TcpStream;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tungstenite::WebSocket;

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

#[cfg(test)]
mod tests {
    use super::keys::key_info;
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
