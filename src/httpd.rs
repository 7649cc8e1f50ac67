//! The HTTP side of `kvlens serve`: a minimal HTTP/1.1 server on std's
//! `TcpListener`, one thread per connection and one request per connection
//! (`Connection: close`).
//!
//! Why not tiny_http (used before): its connection pool keeps a thread per
//! kept-alive browser connection, and a connection that arrives while those
//! threads are busy can wait in its queue for good (seen as a deck whose
//! last image never loaded, so the page never finished loading). Closing
//! each connection costs nothing measurable and leaves no state to starve.
//!
//! Limits, so that a room's network (`serve --lan`) cannot wear it down:
//! - the request head is capped at 16 KiB and must arrive whole within
//!   10 s (a total deadline, not per read: a client trickling one byte at a
//!   time is cut off too); too long or malformed gets 400, too slow 408;
//! - an answer left unread for 30 s is dropped (write timeout);
//! - at most [`Limits::ROOM`]`.connections` connections are served at once;
//!   a connection beyond that gets 503 (with `Retry-After: 1`) from one
//!   refusing thread, so a flood never spawns threads without bound.
//!
//! Only the caller decides what GET/HEAD mean; this module knows nothing of
//! the site.

use anyhow::{Result, bail};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Largest request head accepted.
const MAX_HEAD: u64 = 16 * 1024;
/// How long an answer may stay unread before the connection is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How many ports, from the one asked for, [`bind`] tries.
pub(crate) const PORT_TRIES: u16 = 20;
/// Connections waiting for a 503 beyond which newcomers are just closed.
const REFUSE_QUEUE: usize = 256;

/// How much the server takes on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Connections served at once (event streams included).
    pub connections: usize,
    /// Time for the whole request head.
    pub head_time: Duration,
}

impl Limits {
    /// A room: about 50 devices, each browser opening up to 6 connections
    /// at once (300), plus the presenter's pages and their event streams.
    pub(crate) const ROOM: Limits = Limits {
        connections: 384,
        head_time: Duration::from_secs(10),
    };
}

/// One request: its method and target, who sent it, and the connection to
/// answer on.
pub(crate) struct Request {
    pub method: String,
    /// The request target as sent (`/a/b.html?x`).
    pub target: String,
    /// The peer's address (loopback: this machine).
    pub peer: SocketAddr,
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

    /// A plain-text answer.
    pub(crate) fn text(status: u16, text: &str) -> Reply {
        Reply::new(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        )
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

/// The status line and headers of `reply`.
fn head(reply: &Reply) -> String {
    let extra = match reply.status {
        405 => "Allow: GET, HEAD\r\n",
        503 => "Retry-After: 1\r\n",
        _ => "",
    };
    format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n{extra}Connection: close\r\n\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.body.len()
    )
}

impl Request {
    /// Sends `reply` (headers only for HEAD) and closes the connection.
    pub(crate) fn respond(self, reply: Reply) {
        send(self.stream, &self.method, &reply);
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

/// Writes the answer; a small one in one write (one packet, no waiting on
/// the peer's acknowledgement of the head).
fn send(mut stream: TcpStream, method: &str, reply: &Reply) {
    let mut bytes = head(reply).into_bytes();
    if method != "HEAD" {
        if reply.body.len() <= 64 * 1024 {
            bytes.extend_from_slice(&reply.body);
        } else {
            let _ = stream.write_all(&bytes);
            bytes = Vec::new();
            let _ = stream.write_all(&reply.body);
        }
    }
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
}

/// Binds `ip`:`port`, or the next free port when it is busy (`port`+1, …,
/// [`PORT_TRIES`] ports in all); port 0 takes any free one. The caller
/// compares the bound port with `port` to tell the user.
pub(crate) fn bind(ip: IpAddr, port: u16) -> Result<(TcpListener, SocketAddr)> {
    let last = port.saturating_add(PORT_TRIES - 1);
    let ports = if port == 0 { 0..=0 } else { port..=last };
    for p in ports {
        match listen(SocketAddr::from((ip, p))) {
            Ok(l) => {
                let addr = l.local_addr()?;
                return Ok((l, addr));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => bail!("cannot listen on {}: {e}", SocketAddr::from((ip, p))),
        }
    }
    bail!(
        "ports {port} to {last} on {ip} are all in use; choose another with --port (0 takes any free one)"
    )
}

/// Connections the kernel holds for accepting. std's `TcpListener::bind`
/// asks for 128: a room's browsers can open 300 connections in the same
/// instant, the kernel drops the SYNs beyond the queue, and those browsers
/// retry only after a second (measured with bench/serve_room.py).
const BACKLOG: i32 = 1024;

/// A listening socket on `addr` with [`BACKLOG`] (otherwise as std makes
/// it: SO_REUSEADDR on Unix, so a restarted serve gets its port back at
/// once).
fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    Ok(socket.into())
}

/// Gives a connection slot back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Accepts connections for ever, each on its own thread up to
/// `limits.connections`: reads the request head and calls `handle` (a
/// malformed one gets 400, a slow one 408). Beyond the cap, 503.
pub(crate) fn run(
    listener: TcpListener,
    limits: Limits,
    handle: impl Fn(Request) + Send + Sync + 'static,
) {
    let handle = Arc::new(handle);
    let open = Arc::new(AtomicUsize::new(0));
    let (refuse, refused) = std::sync::mpsc::sync_channel::<TcpStream>(REFUSE_QUEUE);
    let _ = std::thread::Builder::new()
        .name("kvlens-503".into())
        .spawn(move || {
            // A second's grace to read the head (so closing does not reset
            // the connection before the client reads the answer).
            for stream in refused {
                if let Some(r) = read_request(stream, Duration::from_secs(1)) {
                    r.respond(Reply::text(503, "busy: try again in a moment"));
                }
            }
        });
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(_) => {
                // Out of file descriptors, typically: let some close.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let _ = stream.set_nodelay(true);
        if open.fetch_add(1, Ordering::SeqCst) >= limits.connections {
            open.fetch_sub(1, Ordering::SeqCst);
            // A full queue: just close.
            let _ = refuse.try_send(stream);
            continue;
        }
        let slot = Slot(open.clone());
        let handle = handle.clone();
        // If the thread cannot start, the closure (and the slot) is dropped.
        let _ = std::thread::Builder::new().spawn(move || {
            let _slot = slot;
            if let Some(request) = read_request(stream, limits.head_time) {
                handle(request);
            }
        });
    }
}

/// Reads from the stream until a fixed instant (the read timeout is set to
/// what is left before each read).
struct Deadline {
    stream: TcpStream,
    until: Instant,
    timed_out: bool,
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            self.timed_out = true;
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let r = self.stream.read(buf);
        if let Err(e) = &r
            && matches!(
                e.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            )
        {
            self.timed_out = true;
        }
        r
    }
}

/// Reads the request line and headers within `time`; answers 400 itself
/// when they are malformed or too long, 408 when too slow.
fn read_request(stream: TcpStream, time: Duration) -> Option<Request> {
    let peer = stream.peer_addr().ok()?;
    let deadline = Deadline {
        stream: stream.try_clone().ok()?,
        until: Instant::now() + time,
        timed_out: false,
    };
    let mut reader = BufReader::new(deadline.take(MAX_HEAD));
    let mut line = String::new();
    let _ = reader.read_line(&mut line);
    let mut parts = line.split_whitespace();
    let parsed = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v)) if v.starts_with("HTTP/1.") => {
            Some((m.to_string(), t.to_string()))
        }
        _ => None,
    };
    // The headers: read up to the blank line (nothing in them is used).
    let mut complete = false;
    while parsed.is_some() {
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
    let timed_out = reader.get_ref().get_ref().timed_out;
    match parsed {
        Some((method, target)) if complete => Some(Request {
            method,
            target,
            peer,
            stream,
        }),
        _ => {
            let reply = if timed_out {
                Reply::text(408, "the request took too long")
            } else {
                Reply::text(400, "bad request")
            };
            if let Ok(clone) = stream.try_clone() {
                send(clone, "GET", &reply);
            }
            linger(stream);
            None
        }
    }
}

/// Closes a connection whose request was not read to its end without
/// losing the answer already sent: closing with unread data would reset
/// the connection, and the client would see the reset instead. Reads and
/// drops what is still coming, at most 64 KiB and half a second.
fn linger(stream: TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let deadline = Deadline {
        stream,
        until: Instant::now() + Duration::from_millis(500),
        timed_out: false,
    };
    let _ = std::io::copy(&mut deadline.take(64 * 1024), &mut std::io::sink());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn server(limits: Limits) -> SocketAddr {
        let (listener, addr) = bind(Ipv4Addr::LOCALHOST.into(), 0).unwrap();
        std::thread::spawn(move || {
            run(listener, limits, |r: Request| {
                if r.target == "/slow" {
                    std::thread::sleep(Duration::from_secs(2));
                }
                let body = format!("{} {}", r.method, r.target).into_bytes();
                r.respond(Reply::new(200, "text/plain", body));
            })
        });
        addr
    }

    fn exchange_with(addr: SocketAddr, raw: &[u8]) -> String {
        let mut c = TcpStream::connect(addr).unwrap();
        c.write_all(raw).unwrap();
        c.shutdown(std::net::Shutdown::Write).unwrap();
        let mut out = String::new();
        c.read_to_string(&mut out).unwrap();
        out
    }

    fn exchange(raw: &[u8]) -> String {
        exchange_with(server(Limits::ROOM), raw)
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
    fn malformed_and_oversized_heads_get_400() {
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000));
        for raw in [
            &b"GARBAGE\r\n\r\n"[..],
            b"GET / HTTP/2\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\n",
            huge.as_bytes(),
        ] {
            let out = exchange(raw);
            assert!(out.starts_with("HTTP/1.1 400 Bad Request"), "{out}");
        }
    }

    #[test]
    fn a_trickled_head_is_cut_at_the_deadline_not_per_read() {
        let addr = server(Limits {
            connections: 8,
            head_time: Duration::from_millis(600),
        });
        let mut c = TcpStream::connect(addr).unwrap();
        let t = Instant::now();
        // One byte every 100 ms never trips a per-read timeout of 600 ms.
        // Stops writing once the answer is there (writing to a closed
        // connection would reset it and lose the answer).
        let mut peek = [0u8; 1];
        for b in b"GET / HTTP/1.1\r\nHost: x\r\n" {
            c.set_nonblocking(true).unwrap();
            let answered = c.peek(&mut peek).is_ok();
            c.set_nonblocking(false).unwrap();
            if answered || c.write_all(&[*b]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut out = String::new();
        let _ = c.read_to_string(&mut out);
        assert!(out.starts_with("HTTP/1.1 408"), "{out:?}");
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    }

    #[test]
    fn beyond_the_cap_a_connection_gets_503_at_once() {
        let addr = server(Limits {
            connections: 2,
            head_time: Duration::from_secs(5),
        });
        // Two slow requests hold both slots.
        let busy: Vec<_> = (0..2)
            .map(|_| {
                let mut c = TcpStream::connect(addr).unwrap();
                c.write_all(b"GET /slow HTTP/1.1\r\n\r\n").unwrap();
                c
            })
            .collect();
        std::thread::sleep(Duration::from_millis(200));
        let t = Instant::now();
        let out = exchange_with(addr, b"GET / HTTP/1.1\r\n\r\n");
        assert!(out.starts_with("HTTP/1.1 503"), "{out}");
        assert!(out.contains("Retry-After: 1\r\n"), "{out}");
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
        for mut c in busy {
            let mut out = String::new();
            c.read_to_string(&mut out).unwrap();
            assert!(out.ends_with("GET /slow"), "{out}");
        }
        // The slots are free again.
        let out = exchange_with(addr, b"GET /again HTTP/1.1\r\n\r\n");
        assert!(out.ends_with("GET /again"), "{out}");
    }

    #[test]
    fn a_busy_port_takes_the_next_one() {
        let (held, addr) = bind(Ipv4Addr::LOCALHOST.into(), 0).unwrap();
        let port = addr.port();
        if port > u16::MAX - PORT_TRIES {
            return;
        }
        let (_l, next) = bind(Ipv4Addr::LOCALHOST.into(), port).unwrap();
        assert!(
            next.port() > port && next.port() < port + PORT_TRIES,
            "{next}"
        );
        drop(held);
    }
}
