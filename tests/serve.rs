//! `kvlens serve` through the real binary: pages reload after an edit, a
//! broken edit shows an overlay and the fix clears it, a prose edit does not
//! retrain, paths outside the site are refused, only loopback listens, and
//! Ctrl-C leaves no temporary folders.

use crate::browser::chromium_or_skip;
use crate::common::Workshop;
use crate::site::{KEYS, course};
use kvlens::browser::Browser;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct Server {
    child: Child,
    pub url: String,
    pub port: u16,
    log: std::path::PathBuf,
    /// What serve printed on stdout when it was ready (the URL line, or
    /// with `--lan` the block of addresses and the warning).
    pub banner: String,
}

impl Server {
    /// `kvlens serve --port 0` on `w`; waits (up to 120 s: the first build
    /// trains the fixture model) for the URL line.
    fn start(w: &Workshop) -> Server {
        Server::start_with(w, &["--port", "0"])
    }

    /// `kvlens serve ARGS` on `w`; waits for the URL line (with `--lan`, for
    /// the whole block up to the warning).
    pub(crate) fn start_with(w: &Workshop, args: &[&str]) -> Server {
        let log = w.path().join("serve.log");
        let mut child = w
            .cmd()
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let recv = |rx: &mpsc::Receiver<String>| {
            rx.recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| {
                    panic!(
                        "serve printed no URL; its log:\n{}",
                        std::fs::read_to_string(&log).unwrap_or_default()
                    )
                })
        };
        let mut banner = recv(&rx);
        if banner.contains("local network") {
            loop {
                let line = recv(&rx);
                banner.push('\n');
                banner.push_str(&line);
                if line.starts_with("warning:") {
                    break;
                }
            }
        }
        let url = banner
            .split_whitespace()
            .find(|t| t.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no URL in {banner:?}"))
            .trim_end_matches('/')
            .to_string();
        let port = url.rsplit(':').next().unwrap().parse().unwrap();
        Server {
            child,
            url,
            port,
            log,
            banner,
        }
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Ctrl-C, then the exit status.
    pub(crate) fn interrupt(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(
            std::process::Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        for _ in 0..100 {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        panic!("serve did not stop on Ctrl-C");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw HTTP/1.0 GET of `path` exactly as written (no client normalising it).
fn raw_get(port: u16, path: &str) -> String {
    raw(
        std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        "GET",
        path,
    )
}

/// A raw HTTP/1.0 request to `addr` exactly as written.
pub(crate) fn raw(addr: std::net::SocketAddr, method: &str, path: &str) -> String {
    let mut s = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(s, "{method} {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

/// The status code of a raw HTTP response.
pub(crate) fn status(response: &str) -> u16 {
    response
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// This machine's address on its default route, if it has one besides loopback.
pub(crate) fn non_loopback_ip() -> Option<std::net::IpAddr> {
    let s = UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("10.255.255.255:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn serves_only_the_site_on_loopback_and_stops_cleanly() {
    let w = course();
    let server = Server::start(&w);
    let ok = raw_get(server.port, "/keys.html");
    assert_eq!(status(&ok), 200, "{ok}");
    assert!(
        ok.contains("/__kvlens/reload.js"),
        "the reload script is injected under serve"
    );
    assert!(
        !std::fs::read_to_string(w.public().join("keys.html"))
            .unwrap()
            .contains("__kvlens"),
        "but never into the files build writes"
    );
    for path in [
        "/../workshop.toml",
        "/%2e%2e/workshop.toml",
        "/figures/..%2f..%2fworkshop.toml",
        "/..%5cworkshop.toml",
    ] {
        let r = raw_get(server.port, path);
        assert_eq!(status(&r), 403, "{path}: {r}");
        assert!(!r.contains("[model]"), "{path} leaked workshop.toml");
    }
    assert_eq!(status(&raw_get(server.port, "/nope.html")), 404);
    match non_loopback_ip() {
        Some(ip) => assert!(
            TcpStream::connect_timeout(&(ip, server.port).into(), Duration::from_secs(2)).is_err(),
            "serve answered on {ip}"
        ),
        None => eprintln!("no non-loopback address on this machine: that check is skipped"),
    }
    let status = server.interrupt();
    assert!(status.success() || status.code() == Some(130), "{status:?}");
    w.assert_no_temp_dirs();
}

#[test]
fn an_edit_reloads_the_open_page_a_broken_one_shows_an_overlay_and_the_fix_clears_it() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let w = course();
    let server = Server::start(&w);
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.set_viewport(1000, 700, 1.0).unwrap();
    page.goto(&format!("{}/keys.html", server.url)).unwrap();
    page.wait_for(
        "document.body.innerText.includes('pairs and reads')",
        TIMEOUT,
    )
    .unwrap();
    // Scroll down; a reload keeps the position.
    page.eval("window.scrollTo(0, 400)").unwrap();
    page.eval("window.__before = 'marker'").unwrap();
    let keys = w.path().join("content/keys.md");
    std::fs::write(
        &keys,
        KEYS.replace("The net has", "Freshly edited: the net has"),
    )
    .unwrap();
    page.wait_for(
        "document.body.innerText.includes('Freshly edited')",
        TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("{e:#}\nserve log:\n{}", server.log()));
    assert_eq!(
        page.eval("window.__before === undefined").unwrap(),
        serde_json::json!(true),
        "the page reloaded"
    );
    page.wait_for("Math.abs(window.scrollY - 400) < 2", TIMEOUT)
        .unwrap();
    // A broken edit: overlay with the position and the offending line.
    std::fs::write(
        &keys,
        KEYS.replace(
            "The net has",
            "Broken {{ valeu(of=\"hidden\") }} here: the net has",
        ),
    )
    .unwrap();
    page.wait_for("!!document.getElementById('kvlens-overlay')", TIMEOUT)
        .unwrap_or_else(|e| panic!("{e:#}\nserve log:\n{}", server.log()));
    let text = page
        .eval("document.getElementById('kvlens-overlay').innerText")
        .unwrap();
    let text = text.as_str().unwrap().to_string();
    assert!(
        text.contains("keys.md:8:11: unknown shortcode `valeu`"),
        "{text}"
    );
    assert!(text.contains("| Broken {{ valeu"), "{text}");
    assert!(
        page.eval("document.body.innerText")
            .unwrap()
            .as_str()
            .unwrap()
            .contains("Freshly edited"),
        "the last good page stays"
    );
    // The fix clears it.
    std::fs::write(
        &keys,
        KEYS.replace("The net has", "Fixed again: the net has"),
    )
    .unwrap();
    page.wait_for("document.body.innerText.includes('Fixed again') && !document.getElementById('kvlens-overlay')", TIMEOUT)
        .unwrap();
    assert_eq!(page.console_errors(), Vec::<String>::new());
    drop(page);
    drop(browser);
    let log = server.log();
    // The first build trains the fixture model; no edit after it retrains.
    let after_first = &log[log.find("built ").unwrap()..];
    assert!(
        !after_first.contains("training"),
        "a prose edit retrained:\n{log}"
    );
    assert!(log.matches("built ").count() >= 3, "{log}");
    assert!(
        log.contains("unknown shortcode `valeu`"),
        "the terminal shows the error too:\n{log}"
    );
}

#[test]
fn a_model_change_retrains_with_progress_and_rebuilds() {
    let w = course();
    let server = Server::start(&w);
    let toml = std::fs::read_to_string(w.path().join("workshop.toml")).unwrap();
    w.write("workshop.toml", &toml.replace("epochs = 3", "epochs = 4"));
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let log = server.log();
        let retrained = log.matches("training 784-16-10").count() == 2;
        let rebuilt = log
            .split_once("epoch   4/4")
            .is_some_and(|(_, rest)| rest.contains("built "));
        if retrained && rebuilt {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no retrain and rebuild:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(w.public().join("build-report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["model"]["config"]["epochs"], 4);
}

#[test]
fn a_deck_under_serve_reloads_after_an_edit_on_the_same_slide() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let w = crate::deck::talk(None);
    let server = Server::start(&w);
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.set_viewport(1280, 720, 1.0).unwrap();
    // Every image of the deck loads: the page finishes loading (a server
    // that starved a connection left one image pending for ever).
    page.goto(&format!("{}/deck.html#slide-4", server.url))
        .unwrap_or_else(|e| panic!("{e:#}\nserve log:\n{}", server.log()));
    page.wait_for(
        "document.documentElement.dataset.ready === '1' && window.kvDeck.state().index === 3",
        TIMEOUT,
    )
    .unwrap();
    std::fs::write(
        w.path().join("content/deck.md"),
        crate::deck::DECK.replace("A slide without a heading", "An edited slide"),
    )
    .unwrap();
    page.wait_for(
        "!!document.getElementById('slide-4') && document.getElementById('slide-4').textContent.includes('An edited slide') \
         && document.documentElement.dataset.ready === '1'",
        TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("{e:#}\nserve log:\n{}", server.log()));
    assert_eq!(
        page.eval("window.kvDeck.state().index").unwrap(),
        serde_json::json!(3),
        "the reload keeps the slide"
    );
    assert_eq!(page.console_errors(), Vec::<String>::new());
}
