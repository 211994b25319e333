//! sqlx 0.9 no longer sets TCP_NODELAY on its sockets (launchbadge/sqlx#4335). A request that
//! spans two TCP segments, as a bulk INSERT does, then waits about 40 ms for the server's
//! delayed ACK before its last segment leaves: the import ran at 1 900 events/s on PostgreSQL
//! instead of 11 000. The driver has no option for it and does not show its socket, so each new
//! connection sets the option on the process's TCP sockets whose peer is the database server,
//! and on no other socket. Drop this once sqlx sets the option again.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The addresses the server named in a `postgres://` URL resolves to (none if it does not).
pub async fn server_addrs(url: &str) -> Vec<SocketAddr> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || host_port.starts_with('[') => {
            (h.trim_matches(['[', ']']).to_string(), p.parse().unwrap_or(5432))
        }
        _ => (host_port.trim_matches(['[', ']']).to_string(), 5432),
    };
    let host = if host.is_empty() { "localhost".to_string() } else { host };
    match tokio::net::lookup_host((host.as_str(), port)).await {
        Ok(addrs) => addrs.collect(),
        Err(_) => Vec::new(),
    }
}

/// Sets TCP_NODELAY on every socket of the process connected to one of `server`'s addresses.
#[cfg(target_os = "linux")]
pub fn set_on_connections_to(server: &[SocketAddr]) {
    if server.is_empty() {
        return;
    }
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else { return };
    for entry in dir.flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse::<libc::c_int>().ok()) else { continue };
        if peer(fd).is_some_and(|p| server.contains(&p)) {
            let one: libc::c_int = 1;
            // SAFETY: setsockopt reads `one`, for the length given, and nothing else. A
            // descriptor closed or reused since it was looked at only makes the call fail
            // (EBADF, ENOTSOCK, EOPNOTSUPP), and that is ignored.
            unsafe {
                libc::setsockopt(
                    fd,
                    libc::IPPROTO_TCP,
                    libc::TCP_NODELAY,
                    (&one as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                );
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn set_on_connections_to(_server: &[SocketAddr]) {}

/// The remote address of a connected TCP socket; `None` for anything else.
#[cfg(target_os = "linux")]
fn peer(fd: libc::c_int) -> Option<SocketAddr> {
    // SAFETY: sockaddr_storage is plain data for which all zeroes is a valid value.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: getpeername writes at most `len` bytes into `storage` and the length into `len`;
    // a descriptor that is not a connected socket makes it fail, and that gives None.
    let rc = unsafe { libc::getpeername(fd, (&mut storage as *mut libc::sockaddr_storage).cast(), &mut len) };
    if rc != 0 {
        return None;
    }
    match libc::c_int::from(storage.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in, which it is large enough for.
            let a: libc::sockaddr_in = unsafe { std::ptr::read((&storage as *const libc::sockaddr_storage).cast()) };
            let ip = Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
            Some(SocketAddr::new(IpAddr::V4(ip), u16::from_be(a.sin_port)))
        }
        libc::AF_INET6 => {
            // SAFETY: as above, for sockaddr_in6.
            let a: libc::sockaddr_in6 = unsafe { std::ptr::read((&storage as *const libc::sockaddr_storage).cast()) };
            Some(SocketAddr::new(IpAddr::V6(Ipv6Addr::from(a.sin6_addr.s6_addr)), u16::from_be(a.sin6_port)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_server_is_read_from_the_url() {
        let local = |port| SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
        assert_eq!(server_addrs("postgres://u:p@127.0.0.1:5433/db?sslmode=off").await, vec![local(5433)]);
        assert_eq!(server_addrs("postgres://127.0.0.1/db").await, vec![local(5432)]);
        assert!(
            server_addrs("postgres://[::1]:6000/db")
                .await
                .contains(&SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 6000))
        );
    }

    /// Only a socket connected to the server gets the option; another TCP socket keeps Nagle.
    #[cfg(target_os = "linux")]
    #[test]
    fn only_the_servers_sockets_change() {
        use std::os::fd::AsRawFd;
        let nodelay = |s: &std::net::TcpStream| s.nodelay().unwrap_or(false);
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let to_server = std::net::TcpStream::connect(server.local_addr().unwrap()).unwrap();
        let to_other = std::net::TcpStream::connect(other.local_addr().unwrap()).unwrap();
        assert_eq!(peer(to_server.as_raw_fd()), Some(server.local_addr().unwrap()));
        set_on_connections_to(&[server.local_addr().unwrap()]);
        assert!(nodelay(&to_server));
        assert!(!nodelay(&to_other));
    }
}
