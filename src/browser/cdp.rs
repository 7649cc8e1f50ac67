//! The DevTools connection: the websocket to Chromium, commands sent and
//! their responses matched by id, and every event buffered in arrival order
//! for the page operations to look through.

use super::{Browser, COMMAND_TIMEOUT, READ_SLICE};
use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use serde_json::{Value, json};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tungstenite::WebSocket;
use tungstenite::protocol::WebSocketConfig;

/// One CDP event as received: its method, the session it belongs to (none
/// for browser-level events) and its parameters.
#[derive(Debug, Clone)]
pub(super) struct Event {
    pub(super) method: String,
    pub(super) session: Option<String>,
    pub(super) params: Value,
}

/// The fields of an incoming CDP message that kvlens reads.
#[derive(Debug, Deserialize)]
pub(super) struct Incoming {
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

impl Browser {
    /// Sends a command (to the browser, or to a page when `session` is set)
    /// and returns its `result`, buffering events that arrive meanwhile.
    pub fn send(&mut self, method: &str, params: Value, session: Option<&str>) -> Result<Value> {
        self.send_with_timeout(method, params, session, COMMAND_TIMEOUT)
    }

    /// [`Browser::send`] with its own timeout for the response.
    pub(super) fn send_with_timeout(
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
    pub(super) fn read_one(&mut self, doing: &str) -> Result<Option<Incoming>> {
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
    pub(super) fn drain(&mut self, duration: Duration) -> Result<()> {
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

/// Opens the DevTools websocket at `ws_url` (`ws://host:port/path`).
pub(super) fn connect(ws_url: &str) -> Result<WebSocket<TcpStream>> {
    let host_port = ws_url
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .filter(|hp| !hp.is_empty())
        .with_context(|| format!("Chromium printed an unexpected DevTools address {ws_url}"))?;
    // A signal can interrupt the handshake's read (EINTR, seen under a
    // busy test run): that attempt is repeated on a new connection.
    let mut attempt = 0;
    let ws = loop {
        attempt += 1;
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
        match tungstenite::client::client_with_config(ws_url, stream, Some(config)) {
            Ok((ws, _)) => break ws,
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Io(e)))
                if e.kind() == std::io::ErrorKind::Interrupted && attempt < 3 => {}
            Err(e) => {
                return Err(anyhow!(
                    "websocket handshake with Chromium at {ws_url} failed: {e}"
                ));
            }
        }
    };
    // From now on reads time out quickly so waits can check their deadlines;
    // tungstenite keeps partial frames across timeouts.
    ws.get_ref()
        .set_read_timeout(Some(READ_SLICE))
        .with_context(|| format!("cannot configure the connection to {ws_url}"))?;
    Ok(ws)
}

/// The string field `key` of a command's result.
pub(super) fn str_field(result: &Value, key: &str, method: &str) -> Result<String> {
    result
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .with_context(|| format!("Chromium's answer to {method} has no {key}: {result}"))
}
