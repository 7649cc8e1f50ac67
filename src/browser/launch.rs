//! Launching Chromium: finding the binary, starting it headless with a
//! throw-away profile, reading its DevTools address from stderr, and
//! closing it again (the browser, then the process) when dropped.

use super::cdp::connect;
use super::{Browser, CLOSE_GRACE, LAUNCH_TIMEOUT, STDERR_TAIL};
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// Environment variable naming the Chromium binary to use.
pub const CHROMIUM_ENV: &str = "KVLENS_CHROMIUM";

/// Program names looked for on `PATH`, in order, when no binary is named.
pub const CHROMIUM_NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

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

/// The Chromium process and its throw-away profile. Dropping it kills the
/// process if it is still running, waits for it, then removes the profile.
pub(super) struct Process {
    pub(super) child: Child,
    _profile: tempfile::TempDir,
}

impl Process {
    /// Waits up to `grace` for the process to exit on its own.
    pub(super) fn wait_for_exit(&mut self, grace: Duration) -> bool {
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
