//! The Chromium driver (`kvlens::browser`) against small hand-written pages
//! opened from a temp folder with file:// URLs. Without Chromium these tests
//! skip locally and fail on CI (`CI=true`).

use kvlens::browser::{Browser, file_url, find_chromium, pdf_page_count};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The Chromium binary for browser tests, or `None` (after saying why on
/// stderr) when there is none and `CI` is not `true`. On CI a missing
/// Chromium is a failure, never a silent skip.
pub fn chromium_or_skip() -> Option<PathBuf> {
    match find_chromium(None) {
        Ok(path) => Some(path),
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but the browser tests cannot run: {e:#}");
            }
            // Straight to stderr, past libtest's capture, so a skip is seen.
            let _ = writeln!(std::io::stderr(), "skipping: {e:#}");
            None
        }
    }
}

/// Writes `html` to `<dir>/<name>` and returns its file:// URL.
fn page_file(dir: &Path, name: &str, html: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, html).unwrap();
    file_url(&path)
}

#[test]
fn clean_page_has_no_errors_and_requests_only_itself() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = page_file(
        dir.path(),
        "clean page.html",
        "<!doctype html><html><head><meta charset=utf-8><title>clean</title>\
         <style>body { background: #fff; font: 20px sans-serif }</style></head>\
         <body><h1>Hello</h1><p>Nothing to see.</p>\
         <script>document.body.dataset.ready = 'yes';</script></body></html>",
    );
    assert!(url.contains("clean%20page.html"), "{url}");
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.set_viewport(640, 480, 1.0).unwrap();
    page.goto(&url).unwrap();
    assert_eq!(
        page.eval("document.body.dataset.ready").unwrap(),
        serde_json::json!("yes")
    );
    assert_eq!(page.console_errors(), Vec::<String>::new());
    let requests = page.requests();
    assert_eq!(requests, vec![url.clone()]);
    let dir_url = file_url(dir.path());
    assert!(
        requests[0].starts_with(&dir_url),
        "{requests:?} not in {dir_url}"
    );

    let shot = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/browser-screenshots/clean_page_has_no_errors_and_requests_only_itself.png");
    let _ = std::fs::remove_file(&shot);
    page.screenshot_png(&shot).unwrap();
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        (1_000..2_000_000).contains(&png.len()),
        "implausible PNG size {}",
        png.len()
    );
    // The IHDR chunk holds the size: the viewport set above.
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (640, 480));
}

#[test]
fn console_errors_and_exceptions_are_reported() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = page_file(
        dir.path(),
        "errors.html",
        "<!doctype html><meta charset=utf-8><title>errors</title>\
         <script>console.error('boom'); console.log('fine');</script>\
         <script>throw new Error('kaput');</script>",
    );
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.goto(&url).unwrap();
    let errors = page.console_errors();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("console.error") && e.contains("boom")),
        "{errors:#?}"
    );
    assert!(errors.iter().any(|e| e.contains("kaput")), "{errors:#?}");
    assert!(!errors.iter().any(|e| e.contains("fine")), "{errors:#?}");
    // A failing eval is an error with the exception's text.
    let err = page.eval("null.x").unwrap_err().to_string();
    assert!(err.contains("TypeError"), "{err}");
}

#[test]
fn failed_image_request_is_recorded() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let image = "http://127.0.0.1:9/x.png";
    let url = page_file(
        dir.path(),
        "image.html",
        &format!("<!doctype html><title>image</title><img src=\"{image}\" alt=x>"),
    );
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.goto(&url).unwrap();
    let requests = page.requests();
    assert_eq!(requests, vec![url, image.to_string()]);
    let errors = page.console_errors();
    assert!(errors.iter().any(|e| e.contains(image)), "{errors:#?}");
}

#[test]
fn keys_reach_the_page() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = page_file(
        dir.path(),
        "keys.html",
        "<!doctype html><title>0</title><body><script>\
         let n = 0, typed = '';\
         document.addEventListener('keydown', e => {\
           if (e.key === 'ArrowRight') document.title = String(++n);\
           if (e.key === 'ArrowLeft') document.title = String(--n);\
         });\
         document.addEventListener('keypress', e => { typed += e.key; window.typed = typed; });\
         document.addEventListener('click', e => { window.clicked = e.clientX + ',' + e.clientY; });\
         </script></body>",
    );
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.goto(&url).unwrap();
    assert_eq!(page.eval("document.title").unwrap(), "0");
    for _ in 0..3 {
        page.press("ArrowRight").unwrap();
    }
    page.wait_for("document.title === '3'", Duration::from_secs(5))
        .unwrap();
    page.press("ArrowLeft").unwrap();
    page.wait_for("document.title === '2'", Duration::from_secs(5))
        .unwrap();
    for key in ["k", "V", " ", "?"] {
        page.press(key).unwrap();
    }
    page.wait_for("window.typed === 'kV ?'", Duration::from_secs(5))
        .unwrap();
    page.click(12.0, 34.0).unwrap();
    page.wait_for("window.clicked === '12,34'", Duration::from_secs(5))
        .unwrap();
    let err = page
        .wait_for("document.title === 'never'", Duration::from_millis(200))
        .unwrap_err()
        .to_string();
    assert!(err.contains("document.title === 'never'"), "{err}");
    assert_eq!(page.console_errors(), Vec::<String>::new());
}

#[test]
fn pdf_has_one_page_per_section() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = page_file(
        dir.path(),
        "slides.html",
        "<!doctype html><meta charset=utf-8><title>slides</title><style>\
         @page { size: 160mm 90mm; margin: 0 }\
         html, body { margin: 0 }\
         section { height: 80mm; break-after: page; background: #eef }\
         section:last-child { break-after: auto }\
         </style>\
         <section><h1>One</h1></section>\
         <section><h1>Two</h1></section>\
         <section><h1>Three</h1></section>",
    );
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.goto(&url).unwrap();
    let pdf = page.print_to_pdf().unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    assert_eq!(pdf_page_count(&pdf), 3);
    // Every page is 160 mm × 90 mm = 453.5 × 255.1 pt (Chromium rounds the
    // width to whole CSS pixels, so allow a point).
    let text = String::from_utf8_lossy(&pdf);
    let boxes: Vec<(f64, f64)> = text
        .split("/MediaBox [0 0 ")
        .skip(1)
        .map(|rest| {
            let mut numbers = rest.split([' ', ']']).map(|n| n.parse::<f64>().unwrap());
            (numbers.next().unwrap(), numbers.next().unwrap())
        })
        .collect();
    assert_eq!(boxes.len(), 3, "{boxes:?}");
    for (w, h) in boxes {
        assert!(
            (w - 453.5).abs() < 1.0 && (h - 255.1).abs() < 1.0,
            "{w} × {h} pt"
        );
    }
}

#[test]
fn goto_names_a_missing_file() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = file_url(&dir.path().join("missing.html"));
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    let err = page.goto(&url).unwrap_err().to_string();
    assert!(err.contains(&url), "{err}");
}
