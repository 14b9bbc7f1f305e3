//! The client's address behind reverse proxies. `X-Forwarded-For` and `Forwarded` are written by
//! whoever sends the request, so they are believed only when the socket's peer is a proxy the
//! config names (`trusted_proxies`), and then only up to the first hop that is not such a proxy:
//! reading from the right, each trusted proxy vouches for the address left of it, and the first
//! address no trusted proxy is known to have written is the client (anything further left is
//! the client's own claim). Without `trusted_proxies`, the peer is the client.
//!
//! `X-Forwarded-For` is read when present, `Forwarded` (RFC 7239) otherwise: the proxy must
//! append to the one it uses (nginx `$proxy_add_x_forwarded_for`), see docs/security.md.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The address rate limits and logs attribute a request to.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops = forwarded_for(headers);
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop {
            // A hop that is not an address (garbage, `unknown`, an obfuscated name): nothing
            // left of it can be attributed; the last proxy that wrote a real address stands.
            None => break,
            Some(ip) => {
                client = *ip;
                if !is_trusted(ip) {
                    break;
                }
            }
        }
    }
    client
}

/// IPv4-mapped IPv6 (`::ffff:127.0.0.1`, what a dual-stack socket reports) as plain IPv4, so
/// `127.0.0.1` in the config matches it.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The hops of `X-Forwarded-For` (all its lines, in order), else of `Forwarded`'s `for=`.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let lines = |name: &str| -> Vec<String> {
        headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect()
    };
    let xff = lines("x-forwarded-for");
    if !xff.is_empty() {
        return xff.iter().flat_map(|l| l.split(',')).map(|h| parse_hop(h.trim())).collect();
    }
    lines("forwarded")
        .iter()
        .flat_map(|l| l.split(','))
        .map(|element| {
            let value = element.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                k.trim().eq_ignore_ascii_case("for").then(|| v.trim().trim_matches('"'))
            });
            value.and_then(parse_hop)
        })
        .collect()
}

/// `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_hop(h: &str) -> Option<IpAddr> {
    if let Ok(ip) = h.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(sa) = h.parse::<SocketAddr>() {
        return Some(canonical(sa.ip()));
    }
    let inner = h.strip_prefix('[')?.split(']').next()?;
    inner.parse::<IpAddr>().ok().map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn headers_are_ignored_unless_the_peer_is_trusted() {
        let h = headers(&[("x-forwarded-for", "203.0.113.7"), ("forwarded", "for=203.0.113.8")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &[]), ip("127.0.0.1"));
        assert_eq!(client_ip(ip("192.0.2.1"), &h, &nets(&["127.0.0.1/32"])), ip("192.0.2.1"));
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &nets(&["127.0.0.1/32"])), ip("203.0.113.7"));
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let t = nets(&["10.0.0.0/8", "127.0.0.1/32"]);
        // The client forged "1.2.3.4"; the edge proxy 10.0.0.2 appended what it saw.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.7, 10.0.0.2")]);
        assert_eq!(client_ip(ip("10.0.0.3"), &h, &t), ip("203.0.113.7"));
        // Two header lines read as one list.
        let h = headers(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &t), ip("203.0.113.9"));
        // Every hop trusted: the leftmost is as far as we can see.
        let h = headers(&[("x-forwarded-for", "10.1.1.1, 10.0.0.2")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &t), ip("10.1.1.1"));
        // Garbage stops the walk at the last real address.
        let h = headers(&[("x-forwarded-for", "203.0.113.7, nonsense, 10.0.0.2")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &t), ip("10.0.0.2"));
        let h = headers(&[("x-forwarded-for", "")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &t), ip("127.0.0.1"));
    }

    #[test]
    fn forwarded_ports_brackets_and_mapped_addresses() {
        let t = nets(&["127.0.0.1/32", "::1/128"]);
        let h = headers(&[("forwarded", "for=1.2.3.4, for=\"[2001:db8::1]:4711\";proto=https")]);
        assert_eq!(client_ip(ip("::1"), &h, &t), ip("2001:db8::1"));
        let h = headers(&[("forwarded", "proto=https;For=203.0.113.7:8080")]);
        assert_eq!(client_ip(ip("::ffff:127.0.0.1"), &h, &t), ip("203.0.113.7"));
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &t), ip("127.0.0.1"));
        // X-Forwarded-For wins when both are there.
        let h = headers(&[("forwarded", "for=1.1.1.1"), ("x-forwarded-for", "2.2.2.2")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &t), ip("2.2.2.2"));
    }
}
