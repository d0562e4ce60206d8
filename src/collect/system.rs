//! Machine-wide figures: memory, load, uptime, boot, clock ticks, temperature, open files,
//! pressure stall information.

use std::io;
use std::path::Path;

use super::invalid;

/// Memory and swap in KiB, as /proc/meminfo gives them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    pub total: u64,
    pub available: u64,
    pub swap_total: u64,
    pub swap_free: u64,
}

impl Memory {
    /// Memory in use that cannot be reclaimed: total - available.
    pub fn used(&self) -> u64 {
        self.total.saturating_sub(self.available)
    }

    pub fn swap_used(&self) -> u64 {
        self.swap_total.saturating_sub(self.swap_free)
    }
}

pub fn parse_meminfo(text: &str) -> io::Result<Memory> {
    let (mut free, mut buffers, mut cached, mut reclaimable) = (0, 0, 0, 0);
    let mut available = None;
    let mut m = Memory::default();
    for line in text.lines() {
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        let value = || -> io::Result<u64> {
            rest.split_ascii_whitespace()
                .next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| {
                    invalid(
                        "/proc/meminfo",
                        format!("{key}: '{}' is not a number", rest.trim()),
                    )
                })
        };
        match key {
            "MemTotal" => m.total = value()?,
            "MemFree" => free = value()?,
            "MemAvailable" => available = Some(value()?),
            "Buffers" => buffers = value()?,
            "Cached" => cached = value()?,
            "SReclaimable" => reclaimable = value()?,
            "SwapTotal" => m.swap_total = value()?,
            "SwapFree" => m.swap_free = value()?,
            _ => {}
        }
    }
    if m.total == 0 {
        return Err(invalid("/proc/meminfo", "no MemTotal"));
    }
    // Kernels before 3.14 have no MemAvailable: estimate it as free(1) did.
    m.available = available
        .unwrap_or(free + buffers + cached + reclaimable)
        .min(m.total);
    Ok(m)
}

/// Load averages in hundredths.
pub fn parse_loadavg(text: &str) -> io::Result<[u32; 3]> {
    let mut out = [0u32; 3];
    let mut words = text.split_ascii_whitespace();
    for slot in &mut out {
        let word = words.next().unwrap_or("");
        *slot = parse_hundredths(word)
            .ok_or_else(|| invalid("/proc/loadavg", format!("'{word}' is not a load average")))?
            as u32;
    }
    Ok(out)
}

/// Seconds since boot in hundredths.
pub fn parse_uptime(text: &str) -> io::Result<u64> {
    let word = text.split_ascii_whitespace().next().unwrap_or("");
    parse_hundredths(word)
        .ok_or_else(|| invalid("/proc/uptime", format!("'{word}' is not an uptime")))
}

/// Boot time (UTC seconds) from /proc/stat.
pub fn parse_btime(stat: &str) -> io::Result<u64> {
    stat.lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| invalid("/proc/stat", "no btime line"))
}

/// "12.34" as 1234, exactly (floats would round 0.29 to 28).
fn parse_hundredths(word: &str) -> Option<u64> {
    let (int, frac) = word.split_once('.').unwrap_or((word, ""));
    let int: u64 = int.parse().ok()?;
    let frac = match frac.len() {
        0 => 0,
        1 => frac.parse::<u64>().ok()? * 10,
        _ => frac.get(..2)?.parse::<u64>().ok()?,
    };
    Some(int * 100 + frac)
}

/// File handles the kernel has allocated, and the most it allows (/proc/sys/fs/file-nr: allocated,
/// allocated but unused (always 0 since Linux 2.6), maximum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Files {
    pub allocated: u64,
    pub max: u64,
}

pub fn parse_file_nr(text: &str) -> io::Result<Files> {
    let bad = || {
        invalid(
            "/proc/sys/fs/file-nr",
            format!("'{}' is not three numbers", text.trim()),
        )
    };
    let words: Vec<u64> = text
        .split_ascii_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match words.as_slice() {
        [allocated, _, max] => Ok(Files {
            allocated: *allocated,
            max: *max,
        }),
        _ => Err(bad()),
    }
}

/// One resource's pressure stall information, in hundredths of a percent of the time some (or
/// all, `full`) runnable tasks were stalled on it, over the last 10 and 60 seconds. `full` is
/// `None` for the CPU on kernels before 5.13, which have only `some`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pressure {
    pub some: [u32; 2],
    pub full: Option<[u32; 2]>,
}

/// Parses /proc/pressure/{cpu,memory,io}: `some avg10=1.23 avg60=0.50 avg300=0.10 total=...`.
pub fn parse_pressure(name: &str, text: &str) -> io::Result<Pressure> {
    let bad = |why: String| invalid(format!("/proc/pressure/{name}"), why);
    let mut out = Pressure::default();
    let mut some = None;
    for line in text.lines() {
        let mut words = line.split_ascii_whitespace();
        let kind = words.next().unwrap_or("");
        let mut avg = [None, None];
        for w in words {
            let slot = match w.split_once('=') {
                Some(("avg10", v)) => (0, v),
                Some(("avg60", v)) => (1, v),
                _ => continue,
            };
            avg[slot.0] = Some(
                parse_hundredths(slot.1).ok_or_else(|| bad(format!("'{w}' is not an average")))?
                    as u32,
            );
        }
        let [Some(a10), Some(a60)] = avg else {
            return Err(bad(format!("'{line}' has no avg10 and avg60")));
        };
        match kind {
            "some" => some = Some([a10, a60]),
            "full" => out.full = Some([a10, a60]),
            other => return Err(bad(format!("'{other}' is not some or full"))),
        }
    }
    out.some = some.ok_or_else(|| bad("no 'some' line".into()))?;
    Ok(out)
}

/// The hottest temperature any sensor reports, in tenths of a degree; `None` without sensors.
pub fn temperature(sys_class: &Path) -> Option<i32> {
    let entries = |dir: &Path| std::fs::read_dir(dir).into_iter().flatten().flatten();
    let zones = entries(&sys_class.join("thermal"))
        .filter(|z| z.file_name().to_string_lossy().starts_with("thermal_zone"))
        .map(|z| z.path().join("temp"));
    hottest(zones).or_else(|| {
        let inputs = entries(&sys_class.join("hwmon")).flat_map(|chip| {
            entries(&chip.path()).map(|f| f.path()).filter(|p| {
                let name = p.file_name().unwrap_or_default().to_string_lossy();
                name.starts_with("temp") && name.ends_with("_input")
            })
        });
        hottest(inputs)
    })
}

/// The highest plausible reading among sensor files holding millidegrees.
fn hottest(files: impl Iterator<Item = std::path::PathBuf>) -> Option<i32> {
    files
        .filter_map(|path| {
            std::fs::read_to_string(path)
                .ok()?
                .trim()
                .parse::<i64>()
                .ok()
        })
        // Disconnected sensors report absurd values such as -273000 or 255000.
        .filter(|milli| (-50_000..=200_000).contains(milli))
        .map(|milli| (milli / 100) as i32)
        .max()
}

/// USER_HZ: the unit of CPU counters in /proc.
pub fn clock_ticks() -> u64 {
    // SAFETY: sysconf has no preconditions.
    positive_or(unsafe { libc::sysconf(libc::_SC_CLK_TCK) }, 100)
}

/// The page size in KiB: the unit of RSS in /proc/PID/stat.
pub fn page_kib() -> u64 {
    // SAFETY: sysconf has no preconditions.
    positive_or(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }, 4096) / 1024
}

/// What sysconf said, or Linux's usual value where it gave none (-1) or nonsense.
fn positive_or(value: libc::c_long, usual: u64) -> u64 {
    if value > 0 { value as u64 } else { usual }
}

#[cfg(test)]
mod pressure_tests {
    use super::*;

    #[test]
    fn open_files_and_pressure_are_read_as_the_kernel_writes_them() {
        assert_eq!(
            parse_file_nr("350\t0\t2466116\n").unwrap(),
            Files {
                allocated: 350,
                max: 2_466_116
            }
        );
        assert!(parse_file_nr("350 0\n").is_err());
        assert!(parse_file_nr("a b c\n").is_err());
        let memory = "some avg10=21.85 avg60=25.16 avg300=10.58 total=7721087198\n\
                      full avg10=0.07 avg60=100.00 avg300=0.00 total=0\n";
        assert_eq!(
            parse_pressure("memory", memory).unwrap(),
            Pressure {
                some: [2185, 2516],
                full: Some([7, 10_000])
            }
        );
        // Kernels before 5.13 write no full line for the CPU.
        let cpu = parse_pressure("cpu", "some avg10=0.00 avg60=1.5 avg300=0.00 total=1\n").unwrap();
        assert_eq!(
            cpu,
            Pressure {
                some: [0, 150],
                full: None
            }
        );
        let err = parse_pressure("io", "some avg10=x avg60=1 total=2\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "/proc/pressure/io: 'avg10=x' is not an average"
        );
        assert!(
            parse_pressure("io", "full avg10=1 avg60=1\n").is_err(),
            "no some line"
        );
        assert!(parse_pressure("io", "some avg300=1\n").is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo_used_is_total_minus_available() {
        let m = parse_meminfo(
            "MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 600 kB\nSwapTotal: 50 kB\nSwapFree: 20 kB\n",
        )
        .unwrap();
        assert_eq!((m.used(), m.available, m.swap_used()), (400, 600, 30));
    }

    #[test]
    fn meminfo_without_memavailable_is_estimated() {
        let m = parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 200 kB\nSReclaimable: 5 kB\n").unwrap();
        assert_eq!(m.available, 315);
    }

    #[test]
    fn loadavg_and_uptime_are_exact_hundredths() {
        assert_eq!(
            parse_loadavg("0.29 1.50 12.07 1/123 456\n").unwrap(),
            [29, 150, 1207]
        );
        assert_eq!(parse_uptime("12345.67 999.00\n").unwrap(), 1234567);
        assert_eq!(parse_hundredths("3"), Some(300));
        assert_eq!(parse_hundredths("3.5"), Some(350));
        assert_eq!(parse_hundredths("0.29"), Some(29));
        assert_eq!(parse_hundredths("2.345"), Some(234));
        assert_eq!(
            parse_btime("cpu 1 2 3\nbtime 1700000000\nprocesses 9\n").unwrap(),
            1_700_000_000
        );
        assert!(parse_btime("cpu 1 2 3\n").is_err());
        assert!(parse_loadavg("x y z").is_err());
    }

    #[test]
    fn hottest_sensor_wins_and_absurd_readings_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        for (zone, value) in [
            ("thermal_zone0", "45500"),
            ("thermal_zone1", "51234"),
            ("thermal_zone2", "-273000"),
        ] {
            let d = dir.path().join("thermal").join(zone);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("temp"), value).unwrap();
        }
        assert_eq!(temperature(dir.path()), Some(512));
        assert_eq!(temperature(&dir.path().join("none")), None);
    }

    #[test]
    fn without_thermal_zones_hwmon_inputs_are_read_and_limits_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let chip = dir.path().join("hwmon/hwmon0");
        std::fs::create_dir_all(&chip).unwrap();
        for (file, value) in [
            ("temp1_input", "-5000"),
            ("temp1_crit", "100000"),
            ("fan1_input", "150000"),
            ("temp2_input", "-60000"),
        ] {
            std::fs::write(chip.join(file), value).unwrap();
        }
        assert_eq!(temperature(dir.path()), Some(-50));
    }

    #[test]
    fn sysconf_without_an_answer_gives_the_usual_value() {
        assert_eq!(positive_or(-1, 100), 100);
        assert_eq!(positive_or(0, 4096), 4096);
        assert_eq!(positive_or(1, 100), 1);
        assert_eq!(positive_or(250, 100), 250);
    }

    #[test]
    fn clock_ticks_and_page_size_are_the_systems() {
        let getconf = |name: &str| -> u64 {
            let out = std::process::Command::new("getconf")
                .arg(name)
                .output()
                .unwrap();
            String::from_utf8(out.stdout)
                .unwrap()
                .trim()
                .parse()
                .unwrap()
        };
        assert_eq!(clock_ticks(), getconf("CLK_TCK"));
        assert_eq!(page_kib(), getconf("PAGESIZE") / 1024);
    }
}
