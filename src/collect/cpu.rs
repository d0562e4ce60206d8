//! CPU time counters from /proc/stat and the percentages between two readings.
//!
//! The arithmetic follows sysstat (sar -u) so figures agree with it to the hundredth of a point:
//! each CPU's interval is the sum of its counter deltas (guest time is inside user time), with
//! sysstat's corrections for guest counters that run ahead of user time and for idle/iowait
//! counters that restart when a CPU comes back online; the machine-wide figure is the sum over
//! the CPUs online in both readings. Unlike sar, a counter that goes backwards contributes
//! nothing instead of a wrapped value, and every percentage is kept within 0..=100.

use std::io;

/// One CPU's cumulative counters, in clock ticks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuTimes {
    pub id: u32,
    pub user: u64,
    pub nice: u64,
    pub system: u64,
    pub idle: u64,
    pub iowait: u64,
    pub irq: u64,
    pub softirq: u64,
    pub steal: u64,
    pub guest: u64,
    pub guest_nice: u64,
}

impl CpuTimes {
    /// The ten counters in /proc/stat order.
    pub fn fields(&self) -> [u64; 10] {
        [
            self.user,
            self.nice,
            self.system,
            self.idle,
            self.iowait,
            self.irq,
            self.softirq,
            self.steal,
            self.guest,
            self.guest_nice,
        ]
    }

    pub fn from_fields(id: u32, f: [u64; 10]) -> CpuTimes {
        CpuTimes {
            id,
            user: f[0],
            nice: f[1],
            system: f[2],
            idle: f[3],
            iowait: f[4],
            irq: f[5],
            softirq: f[6],
            steal: f[7],
            guest: f[8],
            guest_nice: f[9],
        }
    }

    /// All time accounted to the CPU; guest time is already part of user and nice.
    fn total(&self) -> u128 {
        [
            self.user,
            self.nice,
            self.system,
            self.idle,
            self.iowait,
            self.irq,
            self.softirq,
            self.steal,
        ]
        .iter()
        .map(|&v| u128::from(v))
        .sum()
    }
}

/// Percentages of the machine's CPU time between two readings, as sar -u shows them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuUsage {
    pub user: f64,
    pub nice: f64,
    /// system + irq + softirq, as sar -u's %system.
    pub system: f64,
    pub iowait: f64,
    pub steal: f64,
    pub idle: f64,
}

impl CpuUsage {
    /// Time spent working: user + nice + system.
    pub fn busy(&self) -> f64 {
        (self.user + self.nice + self.system).min(100.0)
    }
}

/// Parses the per-CPU `cpuN` lines of /proc/stat (offline CPUs are absent) and `btime`.
pub fn parse_stat(text: &str) -> io::Result<Vec<CpuTimes>> {
    let mut cpus = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("cpu") else {
            continue;
        };
        // The id follows "cpu" directly; the aggregate line ("cpu  123 ...") has none and is
        // left out: the machine-wide figure is summed from the per-CPU lines.
        let Some((id, counters)) = rest.split_once(' ') else {
            continue;
        };
        let Ok(id) = id.parse::<u32>() else {
            continue;
        };
        let words = counters.split_ascii_whitespace();
        let mut f = [0u64; 10];
        for (slot, word) in f.iter_mut().zip(words) {
            *slot = word.parse().map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("/proc/stat: cpu{id}: '{word}' is not a counter"),
                )
            })?;
        }
        cpus.push(CpuTimes::from_fields(id, f));
    }
    if cpus.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "/proc/stat has no cpuN lines",
        ));
    }
    Ok(cpus)
}

/// Machine-wide CPU percentages between two readings of per-CPU counters; `None` when no CPU
/// was online in both or no time passed.
pub fn usage(prev: &[CpuTimes], curr: &[CpuTimes]) -> Option<CpuUsage> {
    let mut all_p = [0u128; 10];
    let mut all_c = [0u128; 10];
    let mut interval: u128 = 0;
    for c in curr {
        let Some(p) = prev.iter().find(|p| p.id == c.id) else {
            continue; // came online since the previous reading: no reference values
        };
        if c.total() == 0 || p.total() == 0 {
            continue;
        }
        let mut p = *p;
        // A CPU back online restarts idle and iowait from zero; iowait may also move to idle.
        if c.iowait < p.iowait {
            p.iowait = if c.idle > p.idle { c.iowait } else { 0 };
        }
        if c.idle < p.idle {
            p.idle = 0;
        }
        // Guest time is read a moment after user time and may exceed its share of it.
        let shift = |cu: u64, cg: u64, pu: u64, pg: u64| -> u128 {
            let (c_own, p_own) = (
                i128::from(cu) - i128::from(cg),
                i128::from(pu) - i128::from(pg),
            );
            u128::try_from(p_own - c_own).unwrap_or(0)
        };
        let ishift = shift(c.user, c.guest, p.user, p.guest)
            + shift(c.nice, c.guest_nice, p.nice, p.guest_nice);
        interval += c.total().saturating_sub(p.total()) + ishift;
        for (i, (cv, pv)) in c.fields().iter().zip(p.fields()).enumerate() {
            all_c[i] += u128::from(*cv);
            all_p[i] += u128::from(pv);
        }
    }
    if interval == 0 {
        return None;
    }
    let pct = |fields: &[usize]| -> f64 {
        let c: u128 = fields.iter().map(|&i| all_c[i]).sum();
        let p: u128 = fields.iter().map(|&i| all_p[i]).sum();
        (c.saturating_sub(p) as f64 / interval as f64 * 100.0).clamp(0.0, 100.0)
    };
    // Indices into CpuTimes::fields().
    let (user, nice, system, idle, iowait, irq, softirq, steal) = (0, 1, 2, 3, 4, 5, 6, 7);
    Some(CpuUsage {
        user: pct(&[user]),
        nice: pct(&[nice]),
        system: pct(&[system, irq, softirq]),
        iowait: pct(&[iowait]),
        steal: pct(&[steal]),
        idle: pct(&[idle]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cpu(id: u32, user: u64, system: u64, idle: u64, iowait: u64) -> CpuTimes {
        CpuTimes {
            id,
            user,
            system,
            idle,
            iowait,
            ..CpuTimes::default()
        }
    }

    #[test]
    fn parses_per_cpu_lines_and_ignores_the_aggregate() {
        let text = "cpu  10 0 10 100 0 0 0 0 0 0\ncpu0 4 1 5 50 2 3 4 5 0 0\ncpu1 6 0 5 50 0 0 0 0 0 0\nintr 1 2\nbtime 1700000000\n";
        let cpus = parse_stat(text).unwrap();
        assert_eq!(cpus.len(), 2);
        assert_eq!(cpus[0].fields(), [4, 1, 5, 50, 2, 3, 4, 5, 0, 0]);
        assert_eq!(cpus[1].id, 1);
    }

    #[test]
    fn old_kernels_without_steal_or_guest_columns_parse_as_zero() {
        let cpus = parse_stat("cpu0 1 2 3 4\n").unwrap();
        assert_eq!(cpus[0].fields(), [1, 2, 3, 4, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn machine_wide_is_the_sum_of_per_cpu_deltas() {
        let prev = [cpu(0, 100, 100, 1000, 0), cpu(1, 100, 100, 1000, 0)];
        // CPU 0 fully busy in user, CPU 1 idle: the machine is 50% busy.
        let curr = [cpu(0, 200, 100, 1000, 0), cpu(1, 100, 100, 1100, 0)];
        let u = usage(&prev, &curr).unwrap();
        assert_eq!(u.user, 50.0);
        assert_eq!(u.idle, 50.0);
        assert_eq!(u.busy(), 50.0);
    }

    #[test]
    fn counters_going_backwards_never_give_negative_or_over_100() {
        let prev = [cpu(0, 5000, 5000, 90000, 300)];
        let curr = [cpu(0, 10, 10, 100, 0)]; // reset, as after a reboot
        if let Some(u) = usage(&prev, &curr) {
            for v in [
                u.user,
                u.nice,
                u.system,
                u.iowait,
                u.steal,
                u.idle,
                u.busy(),
            ] {
                assert!((0.0..=100.0).contains(&v), "{u:?}");
            }
        }
    }

    #[test]
    fn a_cpu_offline_in_either_reading_is_left_out() {
        let prev = [cpu(0, 0, 0, 100, 0), cpu(1, 0, 0, 100, 0)];
        let curr = [cpu(0, 100, 0, 100, 0), cpu(2, 0, 0, 500, 0)];
        let u = usage(&prev, &curr).unwrap();
        assert_eq!(u.user, 100.0);
    }

    #[test]
    fn no_elapsed_ticks_means_no_rate() {
        let same = [cpu(0, 1, 1, 1, 1)];
        assert_eq!(usage(&same, &same), None);
        assert_eq!(usage(&[], &same), None);
    }

    #[test]
    fn iowait_moving_to_idle_is_not_a_cpu_coming_online() {
        // sysstat: iowait fell but idle rose, so the previous iowait is taken as the current one.
        let prev = [cpu(0, 0, 0, 1000, 50)];
        let curr = [cpu(0, 0, 0, 1100, 40)];
        let u = usage(&prev, &curr).unwrap();
        assert_eq!(u.idle, 100.0);
        assert_eq!(u.iowait, 0.0);
    }

    #[test]
    fn busy_is_user_nice_and_system() {
        let u = CpuUsage {
            user: 20.0,
            nice: 10.0,
            system: 5.0,
            iowait: 1.0,
            steal: 2.0,
            idle: 62.0,
        };
        assert_eq!(u.busy(), 35.0);
        let full = CpuUsage {
            user: 60.0,
            nice: 30.0,
            system: 20.0,
            ..u
        };
        assert_eq!(full.busy(), 100.0);
    }

    #[test]
    fn rising_iowait_is_counted() {
        // Both iowait and idle rise: nothing to correct.
        let prev = [cpu(0, 0, 0, 1000, 50)];
        let curr = [cpu(0, 0, 0, 1090, 60)];
        let u = usage(&prev, &curr).unwrap();
        assert_eq!((u.iowait, u.idle), (10.0, 90.0));
    }

    #[test]
    fn iowait_falling_while_idle_stands_still_is_a_cpu_back_online() {
        // sysstat: idle did not rise, so iowait restarted from zero (and idle did not fall, so
        // it is kept): the interval is 100 user + 40 iowait ticks.
        let prev = [cpu(0, 0, 0, 1000, 50)];
        let curr = [cpu(0, 100, 0, 1000, 40)];
        let u = usage(&prev, &curr).unwrap();
        assert_eq!(u.user, 100.0 / 140.0 * 100.0);
        assert_eq!(u.iowait, 40.0 / 140.0 * 100.0);
        assert_eq!(u.idle, 0.0);
    }

    #[test]
    fn a_cpu_with_no_time_in_either_reading_is_left_out() {
        let none = CpuTimes {
            id: 1,
            ..CpuTimes::default()
        };
        let prev = [cpu(0, 100, 0, 1000, 0), none];
        let curr = [cpu(0, 200, 0, 1000, 0), cpu(1, 0, 0, 500, 0)];
        assert_eq!(usage(&prev, &curr).unwrap().user, 100.0);
        // And the other way round: a CPU whose counters read zero now.
        let curr = [
            cpu(0, 200, 0, 1000, 0),
            CpuTimes {
                id: 1,
                ..CpuTimes::default()
            },
        ];
        let prev = [cpu(0, 100, 0, 1000, 0), cpu(1, 0, 0, 500, 0)];
        assert_eq!(usage(&prev, &curr).unwrap().user, 100.0);
    }

    #[test]
    fn guest_time_ahead_of_user_time_lengthens_the_interval_as_sysstat_does() {
        // Guest is read a moment after user: user - guest falls by 10 ticks (500 -> 490), and
        // nice - guest_nice by 5 (100 -> 95). sysstat adds both to the interval: the deltas sum
        // to 90 + 5 + 10 + 100 = 205 ticks, the interval is 220.
        let prev = CpuTimes {
            user: 1000,
            guest: 500,
            nice: 200,
            guest_nice: 100,
            system: 100,
            idle: 1000,
            ..CpuTimes::default()
        };
        let curr = CpuTimes {
            user: 1090,
            guest: 600,
            nice: 205,
            guest_nice: 110,
            system: 110,
            idle: 1100,
            ..CpuTimes::default()
        };
        let u = usage(&[prev], &[curr]).unwrap();
        assert_eq!(u.user, 90.0 / 220.0 * 100.0);
        assert_eq!(u.nice, 5.0 / 220.0 * 100.0);
        assert_eq!(u.system, 10.0 / 220.0 * 100.0);
        assert_eq!(u.idle, 100.0 / 220.0 * 100.0);
        // Guest within user time changes nothing.
        let (mut p, mut c) = (prev, curr);
        (p.guest, c.guest, p.guest_nice, c.guest_nice) = (0, 50, 0, 5);
        assert_eq!(usage(&[p], &[c]).unwrap().user, 90.0 / 205.0 * 100.0);
    }

    proptest! {
        #[test]
        fn percentages_stay_in_range_and_sum_to_100(
            prev in proptest::collection::vec(proptest::array::uniform10(0u64..1_000_000), 1..4),
            step in proptest::collection::vec(proptest::array::uniform10(0u64..10_000), 1..4),
        ) {
            let p: Vec<CpuTimes> = prev.iter().enumerate().map(|(i, f)| CpuTimes::from_fields(i as u32, *f)).collect();
            let c: Vec<CpuTimes> = p.iter().zip(&step).map(|(p, s)| {
                let mut f = p.fields();
                for (v, d) in f.iter_mut().zip(s) { *v += d; }
                CpuTimes::from_fields(p.id, f)
            }).collect();
            if let Some(u) = usage(&p, &c) {
                for v in [u.user, u.nice, u.system, u.iowait, u.steal, u.idle, u.busy()] {
                    prop_assert!((0.0..=100.0).contains(&v));
                }
            }
            // Arbitrary readings (counters going anywhere) must stay in range too.
            let wild: Vec<CpuTimes> = step.iter().enumerate().map(|(i, f)| CpuTimes::from_fields(i as u32, *f)).collect();
            if let Some(u) = usage(&p, &wild) {
                for v in [u.user, u.nice, u.system, u.iowait, u.steal, u.idle, u.busy()] {
                    prop_assert!((0.0..=100.0).contains(&v));
                }
            }
        }

        #[test]
        fn monotonic_readings_sum_to_100(
            prev in proptest::array::uniform10(0u64..1_000_000),
            step in proptest::array::uniform8(1u64..10_000),
        ) {
            // Guest counters stay zero so user and nice own all their time.
            let mut p = CpuTimes::from_fields(0, prev);
            p.guest = 0;
            p.guest_nice = 0;
            let mut c = p;
            for (v, d) in [&mut c.user, &mut c.nice, &mut c.system, &mut c.idle, &mut c.iowait, &mut c.irq, &mut c.softirq, &mut c.steal].into_iter().zip(step) {
                *v += d;
            }
            let u = usage(&[p], &[c]).unwrap();
            let sum = u.user + u.nice + u.system + u.iowait + u.steal + u.idle;
            prop_assert!((sum - 100.0).abs() < 1e-9, "{sum}");
        }
    }
}
