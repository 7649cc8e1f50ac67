//! `kvlens serve`: build, serve the site on 127.0.0.1, watch the sources,
//! rebuild what changed and reload the open pages.
//!
//! - The model, analyses and drawn figures (`analysis::Prepared` and
//!   `Analyses`), and the products with their memos, stay in memory; an
//!   edit under `content/` (not `nets/`),
//!   `templates/` or `theme/` re-renders pages only. A change to
//!   `workshop.toml` or a toy net prepares again (the model comes from the
//!   cache, or is retrained with progress in the terminal when `[model]`
//!   changed).
//! - Every good build is written to `public/` (atomically, as `build` does)
//!   and served from memory. A failed build keeps the last good site and
//!   shows the error as an overlay in the open pages and in the terminal.
//! - Pages reload through server-sent events; the reload script is injected
//!   into HTML responses only here, never into `build` output. The page keeps
//!   its scroll position across reloads.
//! - Only paths inside the site are served (no `..`, encoded or not).
//!
//! - Watched: `workshop.toml` and the `content/`, `templates/` and `theme/`
//!   folders that exist when serve starts (not `public/`, `target/` …).
//!
//! Side effects: the only module with a server and a watcher.

use crate::analysis::{Analyses, Prepared};
use crate::content;
use crate::diag::Diagnostics;
use crate::httpd::{Reply, Request};
use crate::product::Product;
use crate::session::Session;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// URL prefix of kvlens's own endpoints (never a file of the site).
const PREFIX: &str = "/__kvlens/";
/// How long the watcher waits for more events before it reports (editors
/// write a file in several steps).
const DEBOUNCE: Duration = Duration::from_millis(40);

/// What the open pages are told.
#[derive(Debug, Clone)]
enum Event {
    Reload,
    /// A failed build: the text to show.
    Error(String),
}

/// State shared by the builder and the HTTP threads.
struct Shared {
    /// The last good site, by path below public/.
    files: RwLock<Arc<BTreeMap<String, Vec<u8>>>>,
    /// The current build error, if the last build failed.
    error: Mutex<Option<String>>,
    /// One sender per open page.
    clients: Mutex<Vec<Sender<Event>>>,
}

impl Shared {
    fn broadcast(&self, e: &Event) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(e.clone()).is_ok());
        }
    }
}

/// `kvlens serve`: blocks until Ctrl-C.
pub fn serve(s: &Session, port: u16) -> Result<()> {
    let shared = Arc::new(Shared {
        files: RwLock::new(Arc::new(BTreeMap::new())),
        error: Mutex::new(None),
        clients: Mutex::new(Vec::new()),
    });
    let (listener, addr, busy) = crate::httpd::bind(port)?;
    let (tx, rx) = mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(DEBOUNCE, None, tx)
        .context("cannot start the file watcher")?;
    // The root itself only for workshop.toml (not recursively: a workshop
    // in a source checkout has target/ and .git/ beside it), and the three
    // source folders recursively.
    debouncer
        .watch(&s.root, notify::RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", s.root.display()))?;
    for dir in [content::DIR, "templates", "theme"] {
        let path = s.root.join(dir);
        if path.is_dir() {
            debouncer
                .watch(&path, notify::RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", path.display()))?;
        }
    }
    {
        let shared = shared.clone();
        std::thread::spawn(move || crate::httpd::run(listener, move |r| handle(r, &shared)));
    }
    let mut ctx = Loop {
        s,
        root: s.root_abs(),
        shared: &shared,
        rx: &rx,
        banner: Some(banner(addr, port, busy)),
    };
    // The model-keyed part is prepared again after workshop.toml or a toy
    // net changes; a failure waits for the next edit. `None`: Ctrl-C.
    loop {
        let next = match Prepared::load(s) {
            Ok(prepared) => match Analyses::new(&prepared) {
                // The products' memos live as long as the analyses.
                Ok(analyses) => ctx.serve_edits(&analyses, &crate::build::products())?,
                Err(e) => ctx.failed(&e)?,
            },
            Err(e) => ctx.failed(&e)?,
        };
        if next.is_none() {
            return Ok(());
        }
    }
}

/// The URL line, printed once the first build (good or not) is done.
fn banner(addr: SocketAddr, port: u16, busy: bool) -> String {
    let note = if busy {
        format!(" (port {port} was busy)")
    } else {
        String::new()
    };
    format!("serving http://{addr}/{note} — Ctrl-C to stop")
}

/// What the rebuild loop works with.
struct Loop<'a> {
    s: &'a Session,
    /// The root as the watcher names it (absolute).
    root: PathBuf,
    shared: &'a Shared,
    rx: &'a Receiver<notify_debouncer_full::DebounceEventResult>,
    /// Printed after the first build, then `None`.
    banner: Option<String>,
}

impl Loop<'_> {
    fn announce(&mut self) {
        if let Some(line) = self.banner.take() {
            println!("{line}");
            let _ = std::io::stdout().flush();
        }
    }

    /// Rebuilds on every prose edit until the model must be prepared again
    /// (`Some(Change::Model)`) or Ctrl-C (`None`).
    fn serve_edits(
        &mut self,
        analyses: &Analyses,
        products: &[Box<dyn Product>],
    ) -> Result<Option<Change>> {
        loop {
            let t = Instant::now();
            match rebuild(self.s, analyses, products) {
                Ok(files) => {
                    let pages = files.keys().filter(|k| k.ends_with(".html")).count();
                    let ms = t.elapsed().as_millis();
                    if let Ok(mut f) = self.shared.files.write() {
                        *f = Arc::new(files);
                    }
                    if let Ok(mut e) = self.shared.error.lock() {
                        *e = None;
                    }
                    self.s
                        .ui
                        .status(&format!("built {pages} HTML pages in {ms} ms"));
                    self.shared.broadcast(&Event::Reload);
                }
                Err(e) => fail(self.shared, &e),
            }
            self.announce();
            match wait(self.s, &self.root, self.rx)? {
                Some(Change::Prose) => continue,
                other => return Ok(other),
            }
        }
    }

    /// Reports a failure to prepare and waits for the next edit.
    fn failed(&mut self, e: &anyhow::Error) -> Result<Option<Change>> {
        fail(self.shared, e);
        self.announce();
        wait(self.s, &self.root, self.rx)
    }
}

/// Renders the site from the sources on disk and writes public/.
fn rebuild(
    s: &Session,
    analyses: &Analyses,
    products: &[Box<dyn Product>],
) -> Result<BTreeMap<String, Vec<u8>>> {
    let (tera, content) = crate::build::load_sources(&s.root, products)?;
    let (files, built) =
        crate::build::render(&s.root, analyses, products, &tera, &content, &s.options())?;
    for w in &built.warnings {
        eprintln!("warning: {w}");
    }
    crate::build::write_outputs(&s.root, &analyses.p.config, &files, &built.instructor)?;
    Ok(files.into_iter().map(|f| (f.rel_path, f.bytes)).collect())
}

/// Reports a failed build in the terminal and in the open pages.
fn fail(shared: &Shared, e: &anyhow::Error) {
    let text = error_text(e);
    eprintln!("error: {text}");
    if let Ok(mut err) = shared.error.lock() {
        *err = Some(text.clone());
    }
    shared.broadcast(&Event::Error(text));
}

/// The error as the overlay shows it: every diagnostic with its offending line.
fn error_text(e: &anyhow::Error) -> String {
    let Some(d) = e.downcast_ref::<Diagnostics>() else {
        let mut out = e.to_string();
        for cause in e.chain().skip(1) {
            out.push_str(&format!("\n  caused by: {cause}"));
        }
        return out;
    };
    let mut out = String::new();
    for (i, diag) in d.0.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        out.push_str(&diag.to_string());
        if let Some(line) = diag.line
            && let Ok(text) = std::fs::read_to_string(&diag.file)
            && let Some(src) = text.lines().nth(line - 1)
        {
            out.push_str(&format!("\n  {line} | {src}"));
            if let Some(col) = diag.col {
                let pad = " ".repeat(line.to_string().len() + col.saturating_sub(1));
                out.push_str(&format!("\n  {pad}   ^"));
            }
        }
    }
    out
}

/// What a batch of file events asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    /// Content, templates or theme: re-render.
    Prose,
    /// workshop.toml or a toy net: prepare again.
    Model,
}

/// Classifies a changed path (relative to the root); `None` if it does not matter.
fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let first = parts.next()?;
    match first.as_ref() {
        crate::config::FILE_NAME => Some(Change::Model),
        content::DIR => match parts.next().as_deref() {
            Some("nets") => Some(Change::Model),
            Some(_) => Some(Change::Prose),
            None => None,
        },
        "templates" | "theme" => Some(Change::Prose),
        _ => None,
    }
}

/// Waits for a change that matters; `None` on Ctrl-C.
fn wait(
    s: &Session,
    root: &Path,
    rx: &Receiver<notify_debouncer_full::DebounceEventResult>,
) -> Result<Option<Change>> {
    loop {
        if s.ui.interrupted() {
            return Ok(None);
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Ok(events)) => {
                let mut change = None;
                for e in &events {
                    if matches!(e.kind, notify::EventKind::Access(_)) {
                        continue;
                    }
                    for p in &e.paths {
                        match classify(root, p) {
                            Some(Change::Model) => change = Some(Change::Model),
                            Some(Change::Prose) if change.is_none() => change = Some(Change::Prose),
                            _ => {}
                        }
                    }
                }
                if let Some(c) = change {
                    return Ok(Some(c));
                }
            }
            Ok(Err(errors)) => {
                for e in errors {
                    eprintln!("warning: file watcher: {e}");
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                anyhow::bail!("the file watcher stopped")
            }
        }
    }
}

/// One request: the event stream, or a file of the last good build, or the
/// reload script.
fn handle(request: Request, shared: &Shared) {
    if request.target == format!("{PREFIX}events") {
        events(request, shared);
    } else {
        let reply = respond(&request.target, &request.method, shared);
        request.respond(reply);
    }
}

fn respond(url: &str, method: &str, shared: &Shared) -> Reply {
    if !matches!(method, "GET" | "HEAD") {
        return Reply::new(
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD".to_vec(),
        );
    }
    if url == format!("{PREFIX}reload.js") {
        return Reply::new(
            200,
            "text/javascript; charset=utf-8",
            RELOAD_JS.as_bytes().to_vec(),
        );
    }
    let Some(path) = site_path(url) else {
        return Reply::new(
            403,
            "text/plain; charset=utf-8",
            b"outside the site".to_vec(),
        );
    };
    let files = match shared.files.read() {
        Ok(f) => f.clone(),
        Err(_) => return Reply::new(500, "text/plain; charset=utf-8", Vec::new()),
    };
    let found = files.get(&path).map(|b| (path.clone(), b)).or_else(|| {
        let index = if path.is_empty() {
            "index.html".to_string()
        } else {
            format!("{}/index.html", path.trim_end_matches('/'))
        };
        files.get(&index).map(|b| (index, b))
    });
    match found {
        Some((p, bytes)) => {
            let ct = content_type(&p);
            if p.ends_with(".html") {
                Reply::new(200, ct, inject(bytes))
            } else {
                Reply::new(200, ct, bytes.clone())
            }
        }
        None => Reply::new(
            404,
            "text/html; charset=utf-8",
            inject(format!("<!DOCTYPE html><title>Not found</title><h1>Not found</h1><p><code>/{}</code> is not a file of the site.</p><p><a href=\"/index.html\">Home</a></p></body>", crate::markdown::escape_attr(&path)).as_bytes()),
        ),
    }
}

/// The path below public/ a URL names, or `None` if it leaves the site
/// (`..` in any spelling, backslashes, NUL, bad percent-encoding).
pub fn site_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let path = path.strip_prefix('/')?;
    let decoded = percent_decode(path)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if decoded.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "json" => "application/json",
        "ttf" => "font/ttf",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The page with the reload script before `</body>` (or at the end).
fn inject(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{PREFIX}reload.js\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// One open page's event stream: the current error at once, then every
/// reload or error; a comment every 15 s finds closed connections.
fn events(request: Request, shared: &Shared) {
    let Ok(mut w) = request.into_stream("text/event-stream") else {
        return;
    };
    let (tx, rx) = mpsc::channel();
    if let Ok(mut c) = shared.clients.lock() {
        c.push(tx);
    }
    let current = shared.error.lock().ok().and_then(|e| e.clone());
    let first = match current {
        Some(text) => sse(&Event::Error(text)),
        None => ": connected\n\n".to_string(),
    };
    if w.write_all(first.as_bytes())
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let msg = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(e) => sse(&e),
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
    }
}

fn sse(e: &Event) -> String {
    match e {
        Event::Reload => "event: reload\ndata: {}\n\n".to_string(),
        Event::Error(text) => {
            let data = serde_json::json!({ "message": text }).to_string();
            format!("event: failed\ndata: {data}\n\n")
        }
    }
}

/// The script `serve` adds to every page: reload on a good build (keeping
/// the scroll position), an overlay on a failed one.
const RELOAD_JS: &str = r#"(function () {
  "use strict";
  var KEY = "kvlens-scroll:" + location.pathname;
  try {
    var y = sessionStorage.getItem(KEY);
    if (y !== null) {
      sessionStorage.removeItem(KEY);
      var restore = function () { window.scrollTo(0, parseFloat(y) || 0); };
      if (document.readyState === "complete") { restore(); } else { window.addEventListener("load", restore); }
    }
  } catch (e) { /* no storage: start at the top */ }
  function overlay(text) {
    var o = document.getElementById("kvlens-overlay");
    if (!o) {
      o = document.createElement("div");
      o.id = "kvlens-overlay";
      o.setAttribute("role", "alert");
      o.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.92);color:#fff;padding:2rem;font:14px/1.5 monospace;white-space:pre-wrap";
      var h = document.createElement("div");
      h.style.cssText = "font:bold 18px sans-serif;color:#ff8080;margin-bottom:1rem";
      h.textContent = "kvlens: the build failed — the page shows the last good build";
      o.appendChild(h);
      var pre = document.createElement("pre");
      pre.id = "kvlens-overlay-text";
      o.appendChild(pre);
      document.body.appendChild(o);
    }
    document.getElementById("kvlens-overlay-text").textContent = text;
  }
  var source = new EventSource("/__kvlens/events");
  source.addEventListener("reload", function () {
    try { sessionStorage.setItem(KEY, String(window.scrollY)); } catch (e) { /* ignore */ }
    location.reload();
  });
  source.addEventListener("failed", function (e) {
    try { overlay(JSON.parse(e.data).message); } catch (err) { overlay(String(e.data)); }
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(site_path("/").as_deref(), Some(""));
        assert_eq!(site_path("/a/b.html?x=1#y").as_deref(), Some("a/b.html"));
        assert_eq!(site_path("/figures/").as_deref(), Some("figures/"));
        assert_eq!(site_path("/a%20b.svg").as_deref(), Some("a b.svg"));
        for bad in [
            "/../workshop.toml",
            "/%2e%2e/workshop.toml",
            "/%2E%2E%2Fworkshop.toml",
            "/a/../../x",
            "/..%5cx",
            "/%00",
            "/%zz",
            "relative",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn changes_are_classified() {
        let root = Path::new("/w");
        let c = |p: &str| classify(root, Path::new(p));
        assert_eq!(c("/w/content/a.md"), Some(Change::Prose));
        assert_eq!(c("/w/templates/page.html"), Some(Change::Prose));
        assert_eq!(c("/w/theme/style.css"), Some(Change::Prose));
        assert_eq!(c("/w/content/nets/toy.toml"), Some(Change::Model));
        assert_eq!(c("/w/workshop.toml"), Some(Change::Model));
        assert_eq!(c("/w/public/index.html"), None);
        assert_eq!(c("/w/.public-new-x/index.html"), None);
        assert_eq!(c("/elsewhere/a.md"), None);
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__kvlens/reload.js\"></script></body></html>"
        );
    }
}
