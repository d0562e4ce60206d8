//! Cumulative bytes, errors and drops per network interface from /proc/net/dev; each
//! interface's state and link speed from /sys/class/net.

use std::io;
use std::path::Path;

use super::invalid;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetCounters {
    pub name: String,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    /// Receive errors, receive drops, transmit errors, transmit drops (as sar -n EDEV's rxerr,
    /// rxdrop, txerr, txdrop count them).
    pub errors: [u64; 4],
    /// Whether the interface is up (operstate "up"); `None` where the kernel does not know
    /// ("unknown", as for many virtual interfaces) or there is no /sys.
    pub up: Option<bool>,
    /// The link's speed in Mb/s, where the driver reports one.
    pub speed_mbps: Option<u32>,
}

/// Each interface's operational state and link speed, from /sys/class/net/NAME.
pub fn link(sys_class_net: &Path, n: &mut NetCounters) {
    let read = |file: &str| std::fs::read_to_string(sys_class_net.join(&n.name).join(file));
    n.up = match read("operstate").as_deref().map(str::trim) {
        Ok("up") => Some(true),
        Ok("down" | "lowerlayerdown" | "notpresent" | "dormant") => Some(false),
        _ => None,
    };
    // Reading speed fails (EINVAL) on a link that is down; -1 means unknown.
    n.speed_mbps = read("speed")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|&v| v > 0)
        .and_then(|v| u32::try_from(v).ok());
}

/// Parses /proc/net/dev, leaving out the loopback and excluded interfaces.
pub fn parse(text: &str, exclude: &[String]) -> io::Result<Vec<NetCounters>> {
    let mut out = Vec::new();
    for line in text.lines().skip(2) {
        let Some((name, rest)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if name == "lo" || exclude.iter().any(|e| e == name) {
            continue;
        }
        let fields: Vec<&str> = rest.split_ascii_whitespace().collect();
        let counter = |i: usize| -> io::Result<u64> {
            fields.get(i).and_then(|v| v.parse().ok()).ok_or_else(|| {
                invalid(
                    "/proc/net/dev",
                    format!("{name}: field {} is not a counter", i + 1),
                )
            })
        };
        out.push(NetCounters {
            name: name.to_string(),
            rx_bytes: counter(0)?,
            tx_bytes: counter(8)?,
            errors: [counter(2)?, counter(3)?, counter(10)?, counter(11)?],
            up: None,
            speed_mbps: None,
        });
    }
    Ok(out)
}

/// Bytes moved since the previous reading of the same counter. A counter that went backwards was
/// reset (interface re-created, driver reloaded, reboot): what it shows now moved since then.
pub fn delta(prev: u64, curr: u64) -> u64 {
    if curr >= prev { curr - prev } else { curr }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: &str = "Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 1000 10 0 0 0 0 0 0 1000 10 0 0 0 0 0 0
  eth0: 123456789 1000 3 4 0 0 0 0 987654321 900 5 6 0 0 0 0
 wlan0:5 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0
";

    #[test]
    fn reads_rx_and_tx_bytes_and_skips_loopback() {
        let n = parse(DEV, &[]).unwrap();
        assert_eq!(n.len(), 2);
        assert_eq!(
            (n[0].name.as_str(), n[0].rx_bytes, n[0].tx_bytes),
            ("eth0", 123456789, 987654321)
        );
        assert_eq!(n[0].errors, [3, 4, 5, 6]);
        assert_eq!((n[1].rx_bytes, n[1].tx_bytes), (5, 7));
        let kept = parse(DEV, &["eth0".into(), "ppp9".into()]).unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].name, "wlan0");
    }

    #[test]
    fn the_link_state_and_speed_come_from_sys_where_known() {
        let dir = tempfile::tempdir().unwrap();
        let put = |iface: &str, file: &str, text: &str| {
            std::fs::create_dir_all(dir.path().join(iface)).unwrap();
            std::fs::write(dir.path().join(iface).join(file), text).unwrap();
        };
        put("eth0", "operstate", "up\n");
        put("eth0", "speed", "1000\n");
        put("veth1", "operstate", "unknown\n");
        put("veth1", "speed", "-1\n");
        put("wlan0", "operstate", "down\n");
        let linked = |name: &str| {
            let mut n = NetCounters {
                name: name.into(),
                ..NetCounters::default()
            };
            link(dir.path(), &mut n);
            (n.up, n.speed_mbps)
        };
        assert_eq!(linked("eth0"), (Some(true), Some(1000)));
        assert_eq!(linked("veth1"), (None, None));
        assert_eq!(linked("wlan0"), (Some(false), None));
        assert_eq!(linked("gone0"), (None, None));
    }

    #[test]
    fn a_reset_counter_counts_from_zero() {
        assert_eq!(delta(100, 150), 50);
        assert_eq!(delta(1_000_000, 400), 400);
    }
}
