//! Where a request came from, for the audit trail and the login limits: the
//! peer's address (or, behind a proxy the operator trusts, the address the
//! proxy forwarded for), whether it came over TLS, and the User-Agent.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// How this server is reached, set once at start-up and carried on every
/// request as an extension.
#[derive(Debug, Clone, Default)]
pub struct Transport {
    /// Proxies whose `Forwarded` / `X-Forwarded-For` / `X-Forwarded-Proto`
    /// headers are believed; anyone else's are ignored.
    pub trusted_proxies: TrustedProxies,
    /// The server itself speaks TLS: cookies are `Secure` and HSTS is sent
    /// whatever the headers say.
    pub tls: bool,
}

/// A list of addresses or networks (`10.0.0.1`, `10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses a comma- or space-separated list; names the first entry that
    /// is neither an address nor an address with a prefix length.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut ranges = Vec::new();
        for item in list
            .split([',', ' '])
            .map(str::trim)
            .filter(|i| !i.is_empty())
        {
            let (address, prefix) = match item.split_once('/') {
                Some((address, prefix)) => (address, Some(prefix)),
                None => (item, None),
            };
            let address: IpAddr = address
                .parse()
                .map_err(|_| format!("'{item}' is not an IP address or network"))?;
            let longest = if address.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                Some(p) => p
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= longest)
                    .ok_or_else(|| format!("'{item}' has no valid prefix length"))?,
                None => longest,
            };
            ranges.push((address, prefix));
        }
        Ok(TrustedProxies(ranges))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn contains(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0
            .iter()
            .any(|(network, prefix)| match (canonical(*network), address) {
                (IpAddr::V4(n), IpAddr::V4(a)) => {
                    let mask = u32::MAX.checked_shl(32 - u32::from(*prefix)).unwrap_or(0);
                    u32::from(n) & mask == u32::from(a) & mask
                }
                (IpAddr::V6(n), IpAddr::V6(a)) => {
                    let mask = u128::MAX.checked_shl(128 - u32::from(*prefix)).unwrap_or(0);
                    u128::from(n) & mask == u128::from(a) & mask
                }
                _ => false,
            })
    }
}

/// IPv4 addresses that arrive mapped into IPv6 compare as IPv4.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The addresses a chain of proxies forwarded for, nearest last: the
/// standard `Forwarded` header when present, else `X-Forwarded-For`.
fn forwarded_chain(headers: &HeaderMap) -> Vec<IpAddr> {
    let forwarded: Vec<&str> = headers
        .get_all(header::FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    if !name.trim().eq_ignore_ascii_case("for") {
                        return None;
                    }
                    let value = value.trim().trim_matches('"');
                    // `[2001:db8::1]:4711`, `192.0.2.1:4711` or a bare address.
                    let host = match value.strip_prefix('[') {
                        Some(rest) => rest.split(']').next().unwrap_or(""),
                        None => value.split(':').next().unwrap_or(""),
                    };
                    host.parse().ok().or_else(|| value.parse().ok())
                })
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect()
}

/// The client's address: the peer, unless the peer is a trusted proxy; then
/// the nearest address in the forwarded chain that is not itself a trusted
/// proxy (so a client cannot name itself by sending the header first).
fn client_ip(peer: IpAddr, headers: &HeaderMap, proxies: &TrustedProxies) -> IpAddr {
    if proxies.is_empty() || !proxies.contains(peer) {
        return peer;
    }
    let chain = forwarded_chain(headers);
    let mut client = peer;
    for address in chain.into_iter().rev() {
        client = address;
        if !proxies.contains(address) {
            break;
        }
    }
    client
}

fn transport(parts: &Parts) -> Option<&Transport> {
    parts
        .extensions
        .get::<Arc<Transport>>()
        .map(|transport| transport.as_ref())
}

pub(crate) fn peer_address(parts: &Parts) -> Option<String> {
    let ConnectInfo(peer) = parts.extensions.get::<ConnectInfo<SocketAddr>>()?;
    let proxies = transport(parts)
        .map(|t| t.trusted_proxies.clone())
        .unwrap_or_default();
    Some(client_ip(peer.ip(), &parts.headers, &proxies).to_string())
}

/// Whether the request reached a browser over TLS: this server's own, or a
/// trusted proxy's that says so in `X-Forwarded-Proto` / `Forwarded`.
fn over_tls(transport: Option<&Transport>, peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
    let Some(transport) = transport else {
        return said_https(headers);
    };
    if transport.tls {
        return true;
    }
    // Without a proxy list, the header is believed as before: it can only
    // make cookies stricter.
    (transport.trusted_proxies.is_empty()
        || peer.is_some_and(|p| transport.trusted_proxies.contains(p)))
        && said_https(headers)
}

fn said_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
        || headers
            .get(header::FORWARDED)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("proto=https"))
}

/// The client's address as a handler argument (the peer's, or the one a
/// trusted proxy forwarded for).
pub(crate) struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(peer_address(parts).unwrap_or_default()))
    }
}

/// Whether this request came over TLS.
pub(crate) struct Tls(pub bool);

impl Tls {
    pub(crate) fn from_parts(parts: &Parts) -> Tls {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip());
        Tls(over_tls(transport(parts), peer, &parts.headers))
    }
}

pub(crate) fn user_agent(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, ::1").unwrap();
        let peer: IpAddr = "10.1.2.3".parse().unwrap();
        let sent = headers(&[("x-forwarded-for", "6.6.6.6, 192.0.2.10, 10.9.9.9")]);
        // The nearest untrusted hop: what the client sent first is ignored.
        assert_eq!(client_ip(peer, &sent, &proxies).to_string(), "192.0.2.10");
        // Not from a proxy: the header is the client's own claim.
        let stranger: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(client_ip(stranger, &sent, &proxies), stranger);
        // No list: nobody is believed.
        assert_eq!(client_ip(peer, &sent, &TrustedProxies::default()), peer);
        let standard = headers(&[(
            "forwarded",
            "for=\"[2001:db8::7]:4711\";proto=https, for=10.0.0.2",
        )]);
        assert_eq!(
            client_ip(peer, &standard, &proxies).to_string(),
            "2001:db8::7"
        );
        let mapped: IpAddr = "::ffff:10.0.0.5".parse().unwrap();
        assert!(proxies.contains(mapped));
    }

    #[test]
    fn proxy_lists_name_what_they_cannot_read() {
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
    }
}
