//! Who is asking: the client's address, for the sign-in limiter (and the sign-in and audit
//! logs). One function, so that every use agrees.
//!
//! `X-Forwarded-For` is believed only when the connection comes from a configured
//! reverse proxy ([`WebConfig::trusted_proxies`](crate::WebConfig), none by default).
//! Then the header is read from the right: each hop that is itself a trusted proxy is
//! skipped, and the first address that is not is the client. Entries left of it are
//! whatever the client sent and are never used. From any other peer the header is ignored,
//! so nobody can pick the address the limiter counts against.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The client's address: `peer` (the connection's address), or, when `peer` is one of
/// `trusted`, the nearest address of `X-Forwarded-For` that is not a trusted proxy.
/// `None` only when there is no peer (a request built in a test without one).
pub fn client_ip(trusted: &[IpNet], peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // A malformed entry: stop at the last address we could trust.
            Err(_) => break,
        }
    }
    Some(client)
}

/// Parses one `trusted_proxies` entry: an address (`10.0.0.5`, `::1`) or a CIDR range
/// (`10.0.0.0/8`).
pub fn parse_proxy(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("not an address or CIDR range: {s:?}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn h(xff: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert("x-forwarded-for", xff.parse().unwrap());
        m
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.9".parse().unwrap();
        let none: Vec<IpNet> = vec![];
        assert_eq!(client_ip(&none, Some(proxy), &h("1.2.3.4")), Some(proxy));
        let trusted = vec![parse_proxy("10.0.0.0/24").unwrap()];
        let want: IpAddr = "203.0.113.7".parse().unwrap();
        // The spoofed left entry is ignored; the nearest untrusted hop is the client.
        assert_eq!(
            client_ip(&trusted, Some(proxy), &h("1.2.3.4, 203.0.113.7, 10.0.0.3")),
            Some(want)
        );
        assert_eq!(
            client_ip(&trusted, Some(proxy), &HeaderMap::new()),
            Some(proxy)
        );
        assert_eq!(
            client_ip(&trusted, Some(proxy), &h("junk")),
            Some(proxy),
            "malformed"
        );
        let other: IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(client_ip(&trusted, Some(other), &h("1.2.3.4")), Some(other));
        assert!(parse_proxy("::1").is_ok() && parse_proxy("nope").is_err());
    }
}
