//! `kvlens serve`: build, serve the site on 127.0.0.1 (with `--lan`, to the
//! room's network too), watch the sources, rebuild what changed and reload
//! the open pages.
//!
//! - The model, analyses and drawn figures (`analysis::Prepared` and
//!   `Analyses`), and the products with their memos, stay in memory; an
//!   edit under `content/` (not `nets/`),
//!   `templates/` or `theme/` re-renders pages only. A change to
//!   `workshop.toml` or a toy net prepares again (the model comes from the
//!   cache, or is retrained with progress in the terminal when `[model]`
//!   changed).
//! - Every good build is written to `public/` as `build` writes it (only the
//!   files whose bytes changed; a failed write leaves the old site) and
//!   served from memory. New analyses results go to the analyses cache. A failed build keeps the last good site and
//!   shows the error as an overlay in the open pages and in the terminal.
//! - Pages reload through server-sent events; the reload script is injected
//!   into HTML responses only here, never into `build` output. The page keeps
//!   its scroll position across reloads.
//! - What is answered, and to whom: `site` (files of the site only, GET and
//!   HEAD only; live reload for the presenter's own machine only).
//! - `--lan`: `lan` lists the addresses; the deck's QR slide shows the
//!   first of them when `[site] base_url` is not set (see [`serve`]).
//!
//! - Watched: `workshop.toml` and the `content/`, `templates/` and `theme/`
//!   folders that exist when serve starts (not `public/`, `target/` …).
//!
//! Side effects: the only module with a server and a watcher.

use crate::analysis::{Analyses, Prepared};
use crate::content;
use crate::diag::Diagnostics;
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

mod lan;
mod site;

pub use lan::Listen;

/// URL prefix of kvlens's own endpoints (never a file of the site).
const PREFIX: &str = "/__kvlens/";
/// How long the watcher waits for more events before it reports (editors
/// write a file in several steps, within a few milliseconds; 25 ms, checked
/// every 6 ms, is part of every edit-to-reload).
const DEBOUNCE: Duration = Duration::from_millis(25);

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

/// `kvlens serve`: blocks until Ctrl-C. `port` is the first port tried
/// (the next ones when it is busy; 0: any).
///
/// With `--lan` (`listen` not [`Listen::Loopback`]) and no `[site]
/// base_url`, the config each build sees has `base_url` set to the first
/// room address, so the deck's QR slide shows it. That is the only change
/// to the pages, and only under `serve --lan`: `build` never sees it (the
/// `public/` this serve writes does, until the next build).
pub fn serve(s: &Session, port: u16, listen: Listen) -> Result<()> {
    let shared = Arc::new(Shared {
        files: RwLock::new(Arc::new(BTreeMap::new())),
        error: Mutex::new(None),
        clients: Mutex::new(Vec::new()),
    });
    // Interfaces first: no usable one stops here, before any build.
    let lan = listen.lan_addresses()?;
    let (listener, addr) = crate::httpd::bind(listen.ip(), port)?;
    let qr_url = lan
        .as_ref()
        .and_then(|l| l.first())
        .map(|(_, ip)| lan::url(*ip, addr.port()));
    let banner = match &lan {
        Some(lan) => lan::banner(lan, addr, port, listen),
        None => banner(addr, port),
    };
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
        std::thread::spawn(move || {
            crate::httpd::run(listener, crate::httpd::Limits::ROOM, move |r| {
                site::handle(r, &shared)
            })
        });
    }
    let mut ctx = Loop {
        s,
        root: s.root_abs(),
        shared: &shared,
        rx: &rx,
        banner: Some(banner),
    };
    // The model-keyed part is prepared again after workshop.toml or a toy
    // net changes; a failure waits for the next edit. `None`: Ctrl-C.
    loop {
        let next = match Prepared::load(s) {
            Ok(mut prepared) => {
                if prepared.config.site.base_url.is_none() {
                    prepared.config.site.base_url = qr_url.clone();
                }
                match Analyses::new(&prepared) {
                    // The products' memos live as long as the analyses.
                    Ok(analyses) => ctx.serve_edits(&analyses, &crate::build::products())?,
                    Err(e) => ctx.failed(&e)?,
                }
            }
            Err(e) => ctx.failed(&e)?,
        };
        if next.is_none() {
            return Ok(());
        }
    }
}

/// The URL line (without `--lan`), printed once the first build (good or
/// not) is done.
fn banner(addr: SocketAddr, asked: u16) -> String {
    let note = if asked != 0 && addr.port() != asked {
        format!(" (port {asked} was busy, so port {})", addr.port())
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
                    crate::prof::totals();
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
    let (tera, content) = crate::prof::tally("serve: load sources", || {
        crate::build::load_sources(&s.root, products)
    })?;
    let (files, built) = crate::prof::tally("serve: render", || {
        crate::build::render(&s.root, analyses, products, &tera, &content, &s.options())
    })?;
    for w in &built.warnings {
        eprintln!("warning: {w}");
    }
    analyses.keep();
    crate::prof::tally("serve: write", || {
        crate::build::write_outputs(&s.root, &analyses.p.config, &files, &built.instructor)
    })?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
