//! Cumulative bytes per network interface from /proc/net/dev.

use std::io;

use super::invalid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetCounters {
    pub name: String,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
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
  eth0: 123456789 1000 0 0 0 0 0 0 987654321 900 0 0 0 0 0 0
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
        assert_eq!((n[1].rx_bytes, n[1].tx_bytes), (5, 7));
        let kept = parse(DEV, &["eth0".into(), "ppp9".into()]).unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].name, "wlan0");
    }

    #[test]
    fn a_reset_counter_counts_from_zero() {
        assert_eq!(delta(100, 150), 50);
        assert_eq!(delta(1_000_000, 400), 400);
    }
}
