//! `kvlens serve --lan`: where to listen and the addresses to print.
//!
//! The network interfaces come from the `if-addrs` crate (getifaddrs on
//! Linux and macOS, GetAdaptersAddresses on Windows): std cannot list
//! them, and reading `/proc` would work on Linux only, while instructors
//! carry macOS and Windows laptops too. A usable interface is up, IPv4, and
//! neither loopback nor link-local (169.254.x.x: no DHCP answered, so
//! phones on the room's network would not reach it), nor unspecified,
//! broadcast or multicast.

use anyhow::{Result, bail};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};

/// Where serve listens, from `--lan` and `--bind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listen {
    /// 127.0.0.1 only (no `--lan`).
    Loopback,
    /// `--lan`: every address of this machine (0.0.0.0).
    Lan,
    /// `--lan --bind ADDR`: that address only.
    Bind(IpAddr),
}

/// An address the site can be opened at, and the interface it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Url {
    pub url: String,
    /// The interface's name, or why the URL is there ("this machine").
    pub note: String,
}

impl Listen {
    /// The IP address to bind.
    pub(crate) fn ip(self) -> IpAddr {
        match self {
            Listen::Loopback => Ipv4Addr::LOCALHOST.into(),
            Listen::Lan => Ipv4Addr::UNSPECIFIED.into(),
            Listen::Bind(ip) => ip,
        }
    }

    /// The room's addresses, best first, before binding (`None` without
    /// `--lan`). An error when `--lan` finds no usable interface.
    pub(crate) fn lan_addresses(self) -> Result<Option<Vec<(String, IpAddr)>>> {
        match self {
            Listen::Loopback => Ok(None),
            Listen::Bind(ip) if !ip.is_unspecified() => Ok(Some(vec![(String::new(), ip)])),
            Listen::Lan | Listen::Bind(_) => {
                let all = if_addrs::get_if_addrs()
                    .map_err(|e| anyhow::anyhow!("cannot list the network interfaces: {e}"))?;
                let found = usable(
                    all.into_iter()
                        .map(|i| (i.name.clone(), i.ip(), i.is_oper_up())),
                    default_route_ip(),
                );
                if found.is_empty() {
                    bail!(
                        "--lan: this machine has no usable network connection (no interface that is up with an IPv4 address other than loopback or 169.254.x.x); \
                         join the room's Wi-Fi or start a hotspot, or serve without --lan for this machine only"
                    );
                }
                Ok(Some(
                    found
                        .into_iter()
                        .map(|(n, ip)| (n, IpAddr::V4(ip)))
                        .collect(),
                ))
            }
        }
    }
}

/// The usable IPv4 interfaces among `(name, address, up)`: the one on the
/// default route first (when there is one), then by name and address.
pub(crate) fn usable(
    all: impl IntoIterator<Item = (String, IpAddr, bool)>,
    default_route: Option<Ipv4Addr>,
) -> Vec<(String, Ipv4Addr)> {
    let mut out: Vec<(String, Ipv4Addr)> = all
        .into_iter()
        .filter_map(|(name, ip, up)| match ip {
            IpAddr::V4(v4)
                if up
                    && !v4.is_loopback()
                    && !v4.is_link_local()
                    && !v4.is_unspecified()
                    && !v4.is_broadcast()
                    && !v4.is_multicast() =>
            {
                Some((name, v4))
            }
            _ => None,
        })
        .collect();
    out.sort_by(|a, b| {
        let first = |x: &(String, Ipv4Addr)| Some(x.1) != default_route;
        (first(a), &a.0, a.1).cmp(&(first(b), &b.0, b.1))
    });
    out.dedup();
    out
}

/// The address this machine would send from to reach another network, if
/// it has a route out (no packet is sent: connecting a UDP socket only
/// picks the route).
fn default_route_ip() -> Option<Ipv4Addr> {
    let s = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    s.connect((Ipv4Addr::new(10, 255, 255, 255), 9)).ok()?;
    match s.local_addr().ok()?.ip() {
        IpAddr::V4(ip) if !ip.is_unspecified() && !ip.is_loopback() => Some(ip),
        _ => None,
    }
}

/// `http://ADDR/` (IPv6 in brackets).
pub(crate) fn url(ip: IpAddr, port: u16) -> String {
    format!("http://{}/", SocketAddr::from((ip, port)))
}

/// What serve prints once bound: the addresses, first the room's, then
/// this machine's (which alone gets live reload), and the warning.
pub(crate) fn banner(
    lan: &[(String, IpAddr)],
    bound: SocketAddr,
    asked: u16,
    listen: Listen,
) -> String {
    let port = bound.port();
    let moved = if asked != 0 && port != asked {
        format!(" (port {asked} was busy, so port {port})")
    } else {
        String::new()
    };
    let mut out = format!("serving to the local network{moved} — Ctrl-C to stop\n");
    let mut urls: Vec<Url> = lan
        .iter()
        .map(|(name, ip)| Url {
            url: url(*ip, port),
            note: if name.is_empty() {
                "--bind".to_string()
            } else {
                name.clone()
            },
        })
        .collect();
    let ip = listen.ip();
    let here = ip.is_unspecified() || ip.is_loopback();
    if here {
        urls.push(Url {
            url: url(Ipv4Addr::LOCALHOST.into(), port),
            note: "this machine, with live reload".to_string(),
        });
    }
    let width = urls.iter().map(|u| u.url.len()).max().unwrap_or(0);
    for u in &urls {
        out.push_str(&format!("  {:width$}  ({})\n", u.url, u.note));
    }
    out.push_str(
        "warning: anyone on this network can open these addresses and read the site \
         (the learners' pages and downloads only: never instructor/ unless keys are \
         published, never the workshop's sources).",
    );
    out.push_str(if here {
        " Pages reload by themselves after an edit only at the 127.0.0.1 address."
    } else {
        " Pages do not reload by themselves (live reload needs 127.0.0.1)."
    });
    out.push_str(" Stop with Ctrl-C when the session ends.");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_up_ipv4_non_loopback_non_link_local_interfaces_are_usable() {
        let all = vec![
            ("lo".to_string(), v4("127.0.0.1"), true),
            ("wlan0".to_string(), v4("192.168.1.23"), true),
            ("wlan0".to_string(), v4("fe80::1"), true),
            ("docker0".to_string(), v4("172.17.0.1"), true),
            ("eth1".to_string(), v4("10.1.2.3"), false),
            ("eth2".to_string(), v4("169.254.3.4"), true),
            ("wlan0".to_string(), v4("192.168.1.23"), true),
        ];
        let ip = |s: &str| s.parse::<Ipv4Addr>().unwrap();
        // The default route's interface first, then by name.
        assert_eq!(
            usable(all.clone(), Some(ip("192.168.1.23"))),
            vec![
                ("wlan0".to_string(), ip("192.168.1.23")),
                ("docker0".to_string(), ip("172.17.0.1")),
            ]
        );
        assert_eq!(
            usable(all.clone(), None),
            vec![
                ("docker0".to_string(), ip("172.17.0.1")),
                ("wlan0".to_string(), ip("192.168.1.23")),
            ]
        );
        assert!(usable(all.into_iter().take(1), None).is_empty());
    }

    #[test]
    fn the_banner_lists_every_address_and_warns() {
        let lan = vec![("wlan0".to_string(), v4("192.168.1.23"))];
        let b = banner(&lan, "0.0.0.0:1112".parse().unwrap(), 1111, Listen::Lan);
        assert!(b.contains("(port 1111 was busy, so port 1112)"), "{b}");
        assert!(b.contains("  http://192.168.1.23:1112/  (wlan0)"), "{b}");
        assert!(b.contains("http://127.0.0.1:1112/"), "{b}");
        assert!(b.contains("warning: anyone on this network"), "{b}");
        let only = banner(
            &[(String::new(), v4("192.168.1.23"))],
            "192.168.1.23:1111".parse().unwrap(),
            1111,
            Listen::Bind(v4("192.168.1.23")),
        );
        assert!(
            !only.contains("http://127.0.0.1") && !only.contains("busy"),
            "{only}"
        );
        assert!(
            only.contains("  http://192.168.1.23:1111/  (--bind)\n"),
            "{only}"
        );
    }
}
