//! What `kvlens serve` answers: files of the last good build from memory,
//! the reload script and the event stream (for the presenter's machine
//! only), and nothing else: no path outside the site (no `..`, encoded or
//! not, no backslash), no directory listing, no method but GET and HEAD.

use super::{Event, PREFIX, Shared};
use crate::httpd::{Reply, Request};
use std::io::Write;
use std::net::IpAddr;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// One request. Only GET and HEAD (405 otherwise). kvlens's own endpoints
/// (the reload script and the event stream) answer only the presenter's
/// machine (a loopback peer, see [`is_presenter`]); anyone else gets 403
/// there, and pages without the reload script.
pub(super) fn handle(request: Request, shared: &Shared) {
    let presenter = is_presenter(request.peer.ip());
    let reply = if !matches!(request.method.as_str(), "GET" | "HEAD") {
        Reply::text(405, "only GET and HEAD")
    } else if let Some(own) = request
        .target
        .split(['?', '#'])
        .next()
        .and_then(|p| p.strip_prefix(PREFIX))
    {
        match (own, presenter) {
            (_, false) => Reply::text(403, "live reload is for the presenter's machine only"),
            ("events", true) if request.method == "GET" => return events(request, shared),
            ("reload.js", true) => Reply::new(
                200,
                "text/javascript; charset=utf-8",
                RELOAD_JS.as_bytes().to_vec(),
            ),
            _ => Reply::text(404, "no such kvlens endpoint"),
        }
    } else {
        respond(&request.target, shared, presenter)
    };
    request.respond(reply);
}

/// Whether a request from `peer` comes from this machine (loopback, also
/// as an IPv4-mapped IPv6 address): only such pages get live reload. A
/// LAN peer cannot pass for loopback: the kernel does not route loopback
/// addresses in from a network interface.
pub(crate) fn is_presenter(peer: IpAddr) -> bool {
    match peer {
        IpAddr::V4(a) => a.is_loopback(),
        IpAddr::V6(a) => a.is_loopback() || a.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

/// A file of the last good build (`dir/` and `dir` serve `dir/index.html`;
/// there are no directory listings), with the reload script for the
/// presenter.
fn respond(url: &str, shared: &Shared, presenter: bool) -> Reply {
    let Some(path) = site_path(url) else {
        return Reply::text(403, "outside the site");
    };
    let files = match shared.files.read() {
        Ok(f) => f.clone(),
        Err(_) => return Reply::text(500, ""),
    };
    let found = files.get(&path).map(|b| (path.clone(), b)).or_else(|| {
        let index = if path.is_empty() {
            "index.html".to_string()
        } else {
            format!("{}/index.html", path.trim_end_matches('/'))
        };
        files.get(&index).map(|b| (index, b))
    });
    let page = |html: &[u8]| {
        if presenter {
            inject(html)
        } else {
            html.to_vec()
        }
    };
    match found {
        Some((p, bytes)) => {
            let ct = content_type(&p);
            if p.ends_with(".html") {
                Reply::new(200, ct, page(bytes))
            } else {
                Reply::new(200, ct, bytes.clone())
            }
        }
        None => Reply::new(
            404,
            "text/html; charset=utf-8",
            page(format!("<!DOCTYPE html><title>Not found</title><h1>Not found</h1><p><code>/{}</code> is not a file of the site.</p><p><a href=\"/index.html\">Home</a></p></body>", crate::markdown::escape_attr(&path)).as_bytes()),
        ),
    }
}

/// The path below public/ a URL names, or `None` if it leaves the site
/// (`..` in any spelling, backslashes, NUL, bad percent-encoding).
pub(crate) fn site_path(url: &str) -> Option<String> {
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
    fn the_script_goes_before_the_end_of_the_body() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__kvlens/reload.js\"></script></body></html>"
        );
    }

    #[test]
    fn only_loopback_peers_are_the_presenter() {
        for ip in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] {
            assert!(is_presenter(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "192.168.1.20",
            "10.0.0.5",
            "0.0.0.0",
            "::ffff:192.168.1.20",
            "fe80::1",
        ] {
            assert!(!is_presenter(ip.parse().unwrap()), "{ip}");
        }
    }
}
