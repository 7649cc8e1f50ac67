//! `kvlens serve --lan` through the real binary: it answers on this
//! machine's room address (a request from that address is a LAN peer, not
//! loopback, so it gets what a learner's phone gets), read-only and inside
//! the site, with live reload for 127.0.0.1 only; a busy port moves to the
//! next one and says so (with and without `--lan`); without `--lan` the
//! room address does not answer; the deck's QR slide shows the room
//! address; bad addresses and a machine with no network give one clear
//! error each.

use crate::common::Workshop;
use crate::serve::{Server, non_loopback_ip, raw, status};
use std::net::{SocketAddr, TcpListener};

/// The course-site slide, at the end of the fixture deck.
const QR_SLIDE: &str = "\n# Scan me {.center}\n\n{{ qr() }}\n";

/// The fixture deck with a QR slide and no `base_url`.
fn talk_with_qr() -> Workshop {
    let w = crate::deck::talk(None);
    w.write(
        "content/deck.md",
        &format!("{}{QR_SLIDE}", crate::deck::DECK),
    );
    w
}

#[test]
fn serve_lan_answers_on_the_room_address_read_only_and_moves_off_a_busy_port() {
    let Some(ip) = non_loopback_ip() else {
        eprintln!("no non-loopback address on this machine: serve --lan is not tested here");
        return;
    };
    let w = talk_with_qr();
    // Hold a port on every address, so serve must take a later one.
    let held = TcpListener::bind("0.0.0.0:0").unwrap();
    let asked = held.local_addr().unwrap().port();
    let server = Server::start_with(&w, &["--port", &asked.to_string(), "--lan"]);
    let b = &server.banner;
    let port = server.port;
    assert!(port > asked, "{b}");
    assert!(
        b.contains(&format!("port {asked} was busy, so port {port}")),
        "{b}"
    );
    let room = format!("http://{ip}:{port}/");
    assert!(b.contains(&room), "the room address is printed:\n{b}");
    assert!(b.contains("warning: anyone on this network"), "{b}");
    let lan = SocketAddr::from((ip, port));
    let get = |path: &str| raw(lan, "GET", path);

    // A learner's view: the pages, without the reload script.
    let page = get("/deck.html");
    assert_eq!(status(&page), 200, "{page}");
    assert!(!page.contains("__kvlens"), "no live reload for a LAN peer");
    let on_disk = std::fs::read_to_string(w.public().join("deck.html")).unwrap();
    assert!(
        page.ends_with(&format!("\r\n\r\n{on_disk}")),
        "a LAN peer gets the page exactly as written to public/"
    );
    // The QR slide shows the room address (no base_url in workshop.toml).
    assert!(
        page.contains(&format!("aria-label=\"QR code of {room}\"")),
        "the QR slide does not show {room}"
    );
    assert_eq!(status(&get("/")), 200);
    for endpoint in ["/__kvlens/events", "/__kvlens/reload.js", "/__kvlens/x"] {
        let r = get(endpoint);
        assert_eq!(status(&r), 403, "{endpoint}: {r}");
    }
    // The presenter's own machine keeps live reload.
    let local = SocketAddr::from(([127, 0, 0, 1], port));
    assert!(raw(local, "GET", "/deck.html").contains("/__kvlens/reload.js"));
    assert_eq!(status(&raw(local, "GET", "/__kvlens/reload.js")), 200);

    // Read-only.
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"] {
        let r = raw(lan, method, "/deck.html");
        assert_eq!(status(&r), 405, "{method}: {r}");
        assert!(r.contains("Allow: GET, HEAD\r\n"), "{r}");
    }
    let head = raw(lan, "HEAD", "/deck.html");
    assert_eq!(status(&head), 200);
    assert!(head.ends_with("\r\n\r\n"), "HEAD has no body");

    // Only the site: no way out, in any spelling.
    for path in [
        "/../workshop.toml",
        "/%2e%2e/workshop.toml",
        "/%2E%2E/workshop.toml",
        "/.%2e/workshop.toml",
        "/..%2fworkshop.toml",
        "/figures/..%2f..%2fworkshop.toml",
        "/..%5cworkshop.toml",
        "/..\\workshop.toml",
        "/figures\\..\\..\\workshop.toml",
        "/%c0%ae%c0%ae/workshop.toml",
        "/a/../../workshop.toml",
    ] {
        let r = get(path);
        assert_eq!(status(&r), 403, "{path}: {r}");
        assert!(!r.contains("[model]"), "{path} leaked workshop.toml");
    }
    // The sources, the instructor area and folders are not files of the site.
    let mut private = vec![
        "/workshop.toml".to_string(),
        "/content/deck.md".to_string(),
        "/content/nets/".to_string(),
        "/%252e%252e/workshop.toml".to_string(),
        "//workshop.toml".to_string(),
        "/instructor/".to_string(),
        "/serve.log".to_string(),
    ];
    // No directory listings: a folder of the site without an index page.
    let folders: Vec<String> = walk(&w.public())
        .iter()
        .filter_map(|f| f.rsplit_once('/').map(|(d, _)| d.to_string()))
        .filter(|d| !w.public().join(d).join("index.html").exists())
        .collect();
    assert!(!folders.is_empty(), "the site has folders");
    private.extend(folders.iter().map(|d| format!("/{d}/")));
    let instructor = w.path().join("instructor");
    let files: Vec<String> = walk(&instructor);
    assert!(!files.is_empty(), "the fixture writes instructor files");
    private.extend(files.iter().map(|f| format!("/instructor/{f}")));
    for path in &private {
        let r = get(path);
        assert_eq!(status(&r), 404, "{path}: {r}");
        assert!(!r.contains("[model]") && !r.contains("+++"), "{path}: {r}");
    }
    drop(held);
    let log = server.log();
    assert!(!log.contains("panicked"), "{log}");
}

/// Every file below `dir`, relative and with `/`.
fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.map(Result::unwrap) {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() {
            out.extend(walk(&e.path()).into_iter().map(|f| format!("{name}/{f}")));
        } else {
            out.push(name);
        }
    }
    out.sort();
    out
}

#[test]
fn bad_listen_addresses_give_one_clear_error_before_any_build() {
    let w = Workshop::new("");
    let o = w.run(&["serve", "--bind", "0.0.0.0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--lan"),
        "--bind needs --lan"
    );
    // An address this machine does not have (TEST-NET-3).
    let o = w.run(&["serve", "--lan", "--bind", "203.0.113.7", "--port", "0"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: cannot listen on 203.0.113.7:0"),
        "{err}"
    );
    assert!(!err.contains("training"), "{err}");
}

#[test]
fn with_no_network_serve_lan_says_so_and_fails() {
    // A network namespace of its own has only a loopback interface (root
    // only; skipped where `unshare` cannot make one).
    let probe = std::process::Command::new("unshare")
        .args(["--net", "true"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("unshare --net is not available here: the no-network case is not tested");
        return;
    }
    let w = Workshop::new("");
    let bin = env!("CARGO_BIN_EXE_kvlens");
    let o = std::process::Command::new("unshare")
        .args(["--net", bin, "--root"])
        .arg(w.path())
        .args(["serve", "--lan", "--port", "0"])
        .env("KVLENS_CACHE_DIR", w.cache.path())
        .env_remove("KVLENS_MNIST_DIR")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("--lan: this machine has no usable network connection"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one message: {err}");
}

#[test]
fn without_lan_a_busy_port_moves_to_the_next_and_only_loopback_answers() {
    let w = crate::site::course();
    let held = TcpListener::bind("127.0.0.1:0").unwrap();
    let asked = held.local_addr().unwrap().port();
    let server = Server::start_with(&w, &["--port", &asked.to_string()]);
    let port = server.port;
    assert!(port > asked && port < asked + 20, "{}", server.banner);
    assert_eq!(
        server.banner,
        format!(
            "serving http://127.0.0.1:{port}/ (port {asked} was busy, so port {port}) — Ctrl-C to stop"
        )
    );
    let local = SocketAddr::from(([127, 0, 0, 1], port));
    assert_eq!(status(&raw(local, "GET", "/keys.html")), 200);
    assert_eq!(status(&raw(local, "POST", "/keys.html")), 405);
    if let Some(ip) = non_loopback_ip() {
        assert!(
            std::net::TcpStream::connect_timeout(
                &(ip, port).into(),
                std::time::Duration::from_secs(2)
            )
            .is_err(),
            "serve without --lan answered on {ip}"
        );
    }
    drop(held);
}
