//! One page (tab) of the browser: navigate, evaluate, press keys, click,
//! screenshot, print to PDF, and read the console errors and requests seen.

use super::cdp::Event;
use super::keys::key_info;
use super::{Browser, DRAIN_TIME, LOAD_TIMEOUT, POLL_INTERVAL, PageId, RENDER_TIMEOUT};
use anyhow::{Context, Result, bail};
use base64::Engine as _;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// One tab, attached through a flattened CDP session. It borrows the
/// [`Browser`] mutably, so one page is driven at a time.
pub struct Page<'a> {
    pub(super) browser: &'a mut Browser,
    pub(super) session: String,
    pub(super) target_id: String,
}

impl Page<'_> {
    /// This page's ids, to come back to it with [`Browser::page`].
    pub fn id(&self) -> PageId {
        PageId {
            session: self.session.clone(),
            target_id: self.target_id.clone(),
        }
    }

    /// The CDP session id of this page.
    pub fn session_id(&self) -> &str {
        &self.session
    }

    /// The CDP target id of this page.
    pub fn target_id(&self) -> &str {
        &self.target_id
    }

    /// Sends a command to this page's session and returns its `result`.
    pub fn send(&mut self, method: &str, params: Value) -> Result<Value> {
        self.browser.send(method, params, Some(&self.session))
    }

    /// Navigates to `url` and waits (up to 10 s) for its load event.
    pub fn goto(&mut self, url: &str) -> Result<()> {
        let start = self.browser.events.len();
        let nav = self
            .send("Page.navigate", json!({ "url": url }))
            .with_context(|| format!("cannot open {url}"))?;
        if let Some(error) = nav.get("errorText").and_then(Value::as_str) {
            bail!("cannot open {url}: {error}");
        }
        // A navigation without a loader id stayed in the same document (only
        // the fragment changed): there is no load event to wait for.
        let Some(loader) = nav.get("loaderId").and_then(Value::as_str) else {
            return Ok(());
        };
        let loader = loader.to_string();
        let deadline = Instant::now() + LOAD_TIMEOUT;
        // The load event that counts is the first after this navigation's
        // commit (Page.frameNavigated with its loader id); an earlier one may
        // belong to the initial about:blank.
        let mut committed: Option<usize> = None;
        let mut scanned = start;
        loop {
            while scanned < self.browser.events.len() {
                let event = &self.browser.events[scanned];
                scanned += 1;
                if event.session.as_deref() != Some(self.session.as_str()) {
                    continue;
                }
                match event.method.as_str() {
                    "Page.frameNavigated"
                        if event.params["frame"]["loaderId"].as_str() == Some(&loader) =>
                    {
                        committed = Some(scanned);
                    }
                    "Page.loadEventFired" if committed.is_some() => return Ok(()),
                    "Inspector.targetCrashed" => bail!("the page crashed while loading {url}"),
                    _ => {}
                }
            }
            if Instant::now() >= deadline {
                bail!(
                    "{url} did not finish loading within {} s{}",
                    LOAD_TIMEOUT.as_secs(),
                    if committed.is_some() {
                        ""
                    } else {
                        " (it never started)"
                    }
                );
            }
            self.browser.read_one(&format!("loading {url}"))?;
        }
    }

    /// Sets the viewport size in CSS pixels and the device pixel ratio.
    pub fn set_viewport(
        &mut self,
        width: u32,
        height: u32,
        device_scale_factor: f64,
    ) -> Result<()> {
        self.send(
            "Emulation.setDeviceMetricsOverride",
            json!({
                "width": width,
                "height": height,
                "deviceScaleFactor": device_scale_factor,
                "mobile": false,
            }),
        )
        .with_context(|| format!("cannot set the viewport to {width}×{height}"))?;
        Ok(())
    }

    /// Evaluates `js` in the page (awaiting a promise result) and returns the
    /// value as JSON (`null` for `undefined`); a thrown exception is an error
    /// with its text.
    pub fn eval(&mut self, js: &str) -> Result<Value> {
        let result = self.send(
            "Runtime.evaluate",
            json!({ "expression": js, "returnByValue": true, "awaitPromise": true }),
        )?;
        if let Some(details) = result.get("exceptionDetails") {
            bail!(
                "JavaScript threw: {} (evaluating `{js}`)",
                exception_text(details)
            );
        }
        let object = &result["result"];
        if let Some(value) = object.get("value") {
            return Ok(value.clone());
        }
        if let Some(special) = object.get("unserializableValue") {
            return Ok(special.clone());
        }
        Ok(Value::Null)
    }

    /// Evaluates `js_condition` every 50 ms until it is truthy; an error if
    /// that has not happened within `timeout` (naming the condition and the
    /// last evaluation error, if any).
    pub fn wait_for(&mut self, js_condition: &str, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        let expression = format!("!!({js_condition})");
        loop {
            let last_error = match self.eval(&expression) {
                Ok(Value::Bool(true)) => return Ok(()),
                Ok(_) => None,
                Err(e) => Some(e),
            };
            if Instant::now() >= deadline {
                let why = last_error
                    .map(|e| format!(" (last attempt: {e:#})"))
                    .unwrap_or_default();
                bail!(
                    "`{js_condition}` did not become true within {:.1} s{why}",
                    timeout.as_secs_f64()
                );
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }

    /// Presses and releases a key: a named key (`ArrowRight`, `ArrowLeft`,
    /// `ArrowUp`, `ArrowDown`, `Space` or `" "`, `Enter`, `Escape`, `Tab`,
    /// `Backspace`, `Home`, `End`, `PageUp`, `PageDown`) or one printable
    /// ASCII character.
    pub fn press(&mut self, key: &str) -> Result<()> {
        let k = key_info(key)?;
        let mut down = json!({
            "type": if k.text.is_some() { "keyDown" } else { "rawKeyDown" },
            "key": k.key,
            "code": k.code,
            "windowsVirtualKeyCode": k.vk,
            "nativeVirtualKeyCode": k.vk,
            "modifiers": k.modifiers,
        });
        if let Some(text) = &k.text {
            down["text"] = json!(text);
            down["unmodifiedText"] = json!(text);
        }
        self.send("Input.dispatchKeyEvent", down)
            .with_context(|| format!("cannot press {key:?}"))?;
        self.send(
            "Input.dispatchKeyEvent",
            json!({
                "type": "keyUp",
                "key": k.key,
                "code": k.code,
                "windowsVirtualKeyCode": k.vk,
                "nativeVirtualKeyCode": k.vk,
                "modifiers": k.modifiers,
            }),
        )
        .with_context(|| format!("cannot release {key:?}"))?;
        Ok(())
    }

    /// Clicks the left mouse button at (`x`, `y`) in CSS pixels.
    pub fn click(&mut self, x: f64, y: f64) -> Result<()> {
        for (kind, buttons) in [("mouseMoved", 0), ("mousePressed", 1), ("mouseReleased", 0)] {
            let mut event = json!({ "type": kind, "x": x, "y": y, "buttons": buttons });
            if kind != "mouseMoved" {
                event["button"] = json!("left");
                event["clickCount"] = json!(1);
            }
            self.send("Input.dispatchMouseEvent", event)
                .with_context(|| format!("cannot click at ({x}, {y})"))?;
        }
        Ok(())
    }

    /// Saves a PNG screenshot of the viewport to `path`, creating its folder.
    pub fn screenshot_png(&mut self, path: &Path) -> Result<()> {
        let result = self
            .browser
            .send_with_timeout(
                "Page.captureScreenshot",
                json!({ "format": "png" }),
                Some(&self.session),
                RENDER_TIMEOUT,
            )
            .with_context(|| format!("cannot take a screenshot for {}", path.display()))?;
        let png = decode_data(&result, "Page.captureScreenshot")?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create directory {}", dir.display()))?;
        }
        std::fs::write(path, png).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Prints the page to PDF (backgrounds on, CSS `@page` size preferred)
    /// and returns the PDF bytes.
    pub fn print_to_pdf(&mut self) -> Result<Vec<u8>> {
        let result = self.browser.send_with_timeout(
            "Page.printToPDF",
            json!({ "printBackground": true, "preferCSSPageSize": true }),
            Some(&self.session),
            RENDER_TIMEOUT,
        )?;
        decode_data(&result, "Page.printToPDF")
    }

    /// Every error the page reported so far, after draining pending events
    /// for ~100 ms: `console.error`/`console.assert` calls, uncaught
    /// exceptions, and browser log entries of level error (with their URL).
    /// Losing the connection while draining is reported as one more error.
    pub fn console_errors(&mut self) -> Vec<String> {
        let drained = self.browser.drain(DRAIN_TIME);
        let mut errors = Vec::new();
        for event in self.own_events() {
            let p = &event.params;
            match event.method.as_str() {
                "Runtime.consoleAPICalled" => {
                    let kind = p["type"].as_str().unwrap_or_default();
                    if kind == "error" || kind == "assert" {
                        let args = p["args"]
                            .as_array()
                            .map(|args| args.iter().map(remote_text).collect::<Vec<_>>())
                            .unwrap_or_default();
                        errors.push(format!("console.{kind}: {}", args.join(" ")));
                    }
                }
                "Runtime.exceptionThrown" => {
                    errors.push(format!(
                        "exception: {}",
                        exception_text(&p["exceptionDetails"])
                    ));
                }
                "Log.entryAdded" => {
                    let entry = &p["entry"];
                    if entry["level"].as_str() == Some("error") {
                        let source = entry["source"].as_str().unwrap_or("log");
                        let text = entry["text"].as_str().unwrap_or_default();
                        let url = entry["url"].as_str().unwrap_or_default();
                        errors.push(if url.is_empty() {
                            format!("{source}: {text}")
                        } else {
                            format!("{source}: {text} ({url})")
                        });
                    }
                }
                _ => {}
            }
        }
        if let Err(e) = drained {
            errors.push(format!("kvlens: {e:#}"));
        }
        errors
    }

    /// Every URL the page requested so far (`Network.requestWillBeSent`), in
    /// order, after draining pending events for ~100 ms. (Should the
    /// connection be lost while draining, the URLs seen before are returned;
    /// the next command reports the loss.)
    pub fn requests(&mut self) -> Vec<String> {
        let _ = self.browser.drain(DRAIN_TIME);
        self.own_events()
            .filter(|e| e.method == "Network.requestWillBeSent")
            .filter_map(|e| e.params["request"]["url"].as_str().map(str::to_string))
            .collect()
    }

    /// The buffered events of this page's session.
    fn own_events(&self) -> impl Iterator<Item = &Event> {
        self.browser
            .events
            .iter()
            .filter(|e| e.session.as_deref() == Some(self.session.as_str()))
    }
}

/// Decodes the base64 `data` field of a screenshot or PDF result.
fn decode_data(result: &Value, method: &str) -> Result<Vec<u8>> {
    let data = result
        .get("data")
        .and_then(Value::as_str)
        .with_context(|| format!("Chromium's answer to {method} has no data"))?;
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .with_context(|| format!("Chromium's answer to {method} is not valid base64"))
}

/// A readable text for CDP `exceptionDetails`: its text plus the exception's
/// description (message and stack) when there is one.
fn exception_text(details: &Value) -> String {
    let text = details["text"].as_str().unwrap_or("exception");
    match details["exception"]["description"].as_str() {
        Some(description) => format!("{text} {description}"),
        None => match details["exception"].get("value") {
            Some(value) => format!("{text} {value}"),
            None => text.to_string(),
        },
    }
}

/// A readable text for a `Runtime.RemoteObject` (a console argument).
fn remote_text(object: &Value) -> String {
    match object.get("value") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => object["description"]
            .as_str()
            .or_else(|| object["unserializableValue"].as_str())
            .or_else(|| object["type"].as_str())
            .unwrap_or_default()
            .to_string(),
    }
}
