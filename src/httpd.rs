//! The HTTP side of `kvlens serve`: a minimal HTTP/1.1 server on std's
//! `TcpListener`, one thread per connection and one request per connection
//! (`Connection: close`).
//!
//! Why not tiny_http (used before): its connection pool keeps a thread per
//! kept-alive browser connection, and a connection that arrives while those
//! threads are busy can wait in its queue for good (seen as a deck whose
//! last image never loaded, so the page never finished loading). A local
//! preview serves a few dozen files to one browser; closing each connection
//! costs nothing measurable and leaves no state to starve. Only GET and
//! HEAD are served, the request head is capped at 16 KiB and must arrive
//! within 10 s.

use anyhow::Result;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

/// Largest request head accepted.
const MAX_HEAD: u64 = 16 * 1024;
/// How long a client may take to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// One request: its method and target, and the connection to answer on.
pub(crate) struct Request {
    pub method: String,
    /// The request target as sent (`/a/b.html?x`).
    pub target: String,
    stream: TcpStream,
}

/// A complete answer.
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    pub(crate) fn new(status: u16, content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type,
            body,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    }
}

impl Request {
    /// Sends `reply` (headers only for HEAD) and closes the connection.
    pub(crate) fn respond(mut self, reply: Reply) {
        let head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
            reply.status,
            reason(reply.status),
            reply.content_type,
            reply.body.len()
        );
        let _ = self.stream.write_all(head.as_bytes());
        if self.method != "HEAD" {
            let _ = self.stream.write_all(&reply.body);
        }
        let _ = self.stream.flush();
    }

    /// Sends a streaming response head and hands over the connection (for
    /// server-sent events).
    pub(crate) fn into_stream(mut self, content_type: &str) -> std::io::Result<TcpStream> {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
        );
        self.stream.write_all(head.as_bytes())?;
        self.stream.flush()?;
        Ok(self.stream)
    }
}

/// Binds 127.0.0.1:`port`, or a free port when it is busy (or 0). Returns
/// the listener, its address, and whether `port` was busy.
pub(crate) fn bind(port: u16) -> Result<(TcpListener, SocketAddr, bool)> {
    let loopback = |p: u16| SocketAddr::from((Ipv4Addr::LOCALHOST, p));
    let (listener, busy) = match TcpListener::bind(loopback(port)) {
        Ok(l) => (l, false),
        Err(_) => (
            TcpListener::bind(loopback(0))
                .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1: {e}"))?,
            port != 0,
        ),
    };
    let addr = listener.local_addr()?;
    Ok((listener, addr, busy))
}

/// Accepts connections for ever, each on its own thread: reads the request
/// head and calls `handle` (a malformed one gets 400).
pub(crate) fn run(listener: TcpListener, handle: impl Fn(Request) + Send + Sync + 'static) {
    let handle = std::sync::Arc::new(handle);
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let handle = handle.clone();
        std::thread::spawn(move || {
            if let Some(request) = read_request(stream) {
                handle(request);
            }
        });
    }
}

/// Reads the request line and headers; answers 400 itself when they are
/// malformed, too long or too slow.
fn read_request(stream: TcpStream) -> Option<Request> {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let mut reader = BufReader::new(stream.try_clone().ok()?).take(MAX_HEAD);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let parsed = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v)) if v.starts_with("HTTP/1.") => {
            Some((m.to_string(), t.to_string()))
        }
        _ => None,
    };
    // The headers: read up to the blank line (nothing in them is used).
    let mut complete = false;
    loop {
        let mut h = String::new();
        match reader.read_line(&mut h) {
            Ok(0) | Err(_) => break,
            Ok(_) if h == "\r\n" || h == "\n" => {
                complete = true;
                break;
            }
            Ok(_) => {}
        }
    }
    let request = Request {
        method: String::new(),
        target: String::new(),
        stream,
    };
    match parsed {
        Some((method, target)) if complete => Some(Request {
            method,
            target,
            ..request
        }),
        _ => {
            request.respond(Reply::new(
                400,
                "text/plain; charset=utf-8",
                b"bad request".to_vec(),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(raw: &[u8]) -> String {
        let (listener, addr, _) = bind(0).unwrap();
        std::thread::spawn(move || {
            run(listener, |r: Request| {
                let body = format!("{} {}", r.method, r.target).into_bytes();
                r.respond(Reply::new(200, "text/plain", body));
            })
        });
        let mut c = TcpStream::connect(addr).unwrap();
        c.write_all(raw).unwrap();
        c.shutdown(std::net::Shutdown::Write).unwrap();
        let mut out = String::new();
        c.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn answers_one_request_per_connection_and_closes() {
        let out = exchange(b"GET /a%20b.html?x HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
        assert!(out.contains("Content-Length: 17\r\n") && out.contains("Connection: close\r\n"));
        assert!(out.ends_with("\r\n\r\nGET /a%20b.html?x"), "{out}");
        let head = exchange(b"HEAD / HTTP/1.1\r\n\r\n");
        assert!(head.ends_with("Connection: close\r\n\r\n"), "{head}");
    }

    #[test]
    fn malformed_heads_get_400() {
        for raw in [
            &b"GARBAGE\r\n\r\n"[..],
            b"GET / HTTP/2\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\n",
        ] {
            let out = exchange(raw);
            assert!(out.starts_with("HTTP/1.1 400 Bad Request"), "{out}");
        }
    }
}
