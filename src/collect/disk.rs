//! Space on mounted file systems: /proc/self/mounts and statvfs(3).

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use anyhow::Result;

/// One mounted file system's space, in KiB.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Disk {
    pub path: String,
    pub device: String,
    pub fstype: String,
    #[serde(rename = "total_kib")]
    pub total: u64,
    #[serde(rename = "used_kib")]
    pub used: u64,
    #[serde(rename = "avail_kib")]
    /// Free to unprivileged users, as df's "Avail".
    pub avail: u64,
}

/// File systems that hold no user data (kernel interfaces, memory, images that are always full)
/// or that may hang statvfs when their server is away (network file systems).
const SKIPPED_TYPES: &[&str] = &[
    "autofs",
    "binfmt_misc",
    "bpf",
    "cgroup",
    "cgroup2",
    "configfs",
    "debugfs",
    "devpts",
    "devtmpfs",
    "efivarfs",
    "fusectl",
    "hugetlbfs",
    "mqueue",
    "nsfs",
    "overlay",
    "proc",
    "pstore",
    "ramfs",
    "rpc_pipefs",
    "securityfs",
    "selinuxfs",
    "squashfs",
    "sysfs",
    "tmpfs",
    "tracefs",
    "iso9660",
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "sshfs",
    "fuse.sshfs",
    "9p",
];

/// Reads the mount table and the space of each real, local file system, once per device.
pub fn read(mounts: &Path, exclude: &[String]) -> Result<Vec<Disk>> {
    let text = super::read_text(mounts)?;
    let mut disks: Vec<Disk> = Vec::new();
    for line in text.lines() {
        let mut f = line.split_ascii_whitespace();
        let (Some(device), Some(path), Some(fstype)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let (device, path) = (unescape(device), unescape(path));
        if SKIPPED_TYPES.contains(&fstype)
            || exclude.contains(&path)
            // A device mounted twice (bind mounts, btrfs subvolumes) is counted at its first mount.
            || disks.iter().any(|d| d.device == device && device.starts_with('/'))
        {
            continue;
        }
        let Some((total, used, avail)) = space(&path) else {
            continue; // vanished or inaccessible mount: skip, as df does
        };
        if total == 0 {
            continue;
        }
        disks.push(Disk {
            path,
            device,
            fstype: fstype.to_string(),
            total,
            used,
            avail,
        });
    }
    Ok(disks)
}

/// (total, used, available) in KiB.
fn space(path: &str) -> Option<(u64, u64, u64)> {
    let c = CString::new(Path::new(path).as_os_str().as_bytes()).ok()?;
    // SAFETY: an all-zero statvfs is a valid value; statvfs only writes into it.
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `s` a valid out-pointer.
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    let unit = s.f_frsize as u64;
    let kib = |blocks: u64| blocks.saturating_mul(unit) / 1024;
    let total = kib(s.f_blocks as u64);
    let used = total.saturating_sub(kib(s.f_bfree as u64));
    Some((total, used, kib(s.f_bavail as u64)))
}

/// Undoes the octal escapes the kernel writes for spaces, tabs, newlines and backslashes.
fn unescape(field: &str) -> String {
    if !field.contains('\\') {
        return field.to_string();
    }
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && let Some(oct) = field.get(i + 1..i + 4)
            && let Ok(v) = u8::from_str_radix(oct, 8)
        {
            out.push(v);
            i += 4;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_mount_points_are_decoded() {
        assert_eq!(unescape("/mnt/my\\040disk"), "/mnt/my disk");
        assert_eq!(unescape("/plain"), "/plain");
    }

    #[test]
    fn pseudo_file_systems_and_repeated_devices_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let mounts = dir.path().join("mounts");
        std::fs::write(
            &mounts,
            "proc /proc proc rw 0 0\n/dev/root / ext4 rw 0 0\ntmpfs /run tmpfs rw 0 0\n/dev/root /srv ext4 rw 0 0\n/dev/gone /gone ext4 rw 0 0\n",
        )
        .unwrap();
        let disks = read(&mounts, &[]).unwrap();
        assert_eq!(disks.len(), 1, "{disks:?}");
        assert_eq!(disks[0].path, "/");
        assert!(disks[0].total > 0 && disks[0].used <= disks[0].total);
        // With "/" excluded, the same device is counted at its next mount point.
        let rest = read(&mounts, &["/".to_string()]).unwrap();
        assert_eq!(
            rest.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
            ["/srv"]
        );
    }

    #[test]
    fn distinct_devices_and_unnamed_ones_are_each_counted() {
        let dir = tempfile::tempdir().unwrap();
        let mounts = dir.path().join("mounts");
        // Two devices, and a ZFS pool (a name, not a device path) at two datasets: all four.
        std::fs::write(
            &mounts,
            "/dev/root / ext4 rw 0 0\n/dev/other /tmp ext4 rw 0 0\ntank /etc zfs rw 0 0\ntank /var zfs rw 0 0\n",
        )
        .unwrap();
        let disks = read(&mounts, &[]).unwrap();
        let paths: Vec<_> = disks.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["/", "/tmp", "/etc", "/var"]);
    }

    #[test]
    fn space_is_in_kib_as_df_reports_it() {
        let out = std::process::Command::new("df")
            .args(["-Pk", "/"])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let line = text.lines().nth(1).unwrap();
        let f: Vec<u64> = line
            .split_whitespace()
            .skip(1)
            .take(3)
            .map(|v| v.parse().unwrap())
            .collect();
        let (total, used, avail) = space("/").unwrap();
        assert_eq!(total, f[0], "df: {text}");
        // Used and available move between the two readings on a busy disk.
        assert!(used.abs_diff(f[1]) < 64 * 1024, "used {used}, df: {text}");
        assert!(
            avail.abs_diff(f[2]) < 64 * 1024,
            "avail {avail}, df: {text}"
        );
    }
}
