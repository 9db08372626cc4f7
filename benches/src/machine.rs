//! The machine a figure was measured on, and a process's memory, from `/proc`.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// Cores, memory, load and date, printed as the first line of every bench binary's output.
#[derive(Clone, Debug)]
pub struct Machine {
    /// Processors this process may use (what `nproc` prints).
    pub cores: usize,
    /// Total memory in GiB, rounded down (the `total` column of `free -g`).
    pub memory_gib: u64,
    /// `/proc/loadavg`'s 1, 5 and 15 minute load averages: on a shared machine, how busy the
    /// other tenants kept it.
    pub load: String,
    /// UTC, `YYYY-MM-DD HH:MM`.
    pub date: String,
}

impl Machine {
    /// Reads the figures now.
    pub fn now() -> Machine {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let memory_gib = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| kib_field(&m, "MemTotal:"))
            .map_or(0, |kib| kib / (1024 * 1024));
        let load = std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        Machine {
            cores,
            memory_gib,
            load,
            date: utc_now(),
        }
    }
}

impl fmt::Display for Machine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} UTC, {} cores, {} GiB, load average {}",
            self.date, self.cores, self.memory_gib, self.load
        )
    }
}

/// Peak resident set size of this process in KiB (`VmHWM` in `/proc/self/status`).
pub fn peak_rss_kib() -> Option<u64> {
    status_kib("self", "VmHWM:")
}

/// Current resident set size of this process in KiB (`VmRSS`).
pub fn rss_kib() -> Option<u64> {
    status_kib("self", "VmRSS:")
}

/// A `kB` field of `/proc/<pid>/status` (`pid` may be `self`).
pub fn status_kib(pid: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    kib_field(&status, field)
}

fn kib_field(text: &str, field: &str) -> Option<u64> {
    text.lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// `YYYY-MM-DD HH:MM` in UTC, without a date library (days to civil date, Howard Hinnant's
/// algorithm).
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}")
}

/// CPU time this process's threads have used so far, in nanoseconds (the first field of each
/// `/proc/self/task/<tid>/schedstat`), leaving out threads whose name starts with one of
/// `exclude` (e.g. an in-process server's). Threads that have exited are not counted, so take
/// differences only over spans in which the set of threads does not change.
pub fn threads_cpu_ns(exclude: &[&str]) -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(Result::ok)
        .filter(|task| {
            let name = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            !exclude.iter().any(|prefix| name.starts_with(prefix))
        })
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// Context switches (voluntary plus involuntary, from `/proc/self/task/<tid>/status`) of this
/// process's threads so far, leaving out threads whose name starts with one of `exclude`. A
/// thread that waits for another to wake it switches once per wait, so a difference per call
/// counts how often a call parked a thread.
pub fn threads_context_switches(exclude: &[&str]) -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("status")).ok())
        .filter(|status| {
            let name = status
                .lines()
                .find_map(|l| l.strip_prefix("Name:"))
                .unwrap_or("")
                .trim();
            !exclude.iter().any(|prefix| name.starts_with(prefix))
        })
        .map(|status| {
            status
                .lines()
                .filter_map(|line| {
                    let rest = line
                        .strip_prefix("voluntary_ctxt_switches:")
                        .or_else(|| line.strip_prefix("nonvoluntary_ctxt_switches:"))?;
                    rest.trim().parse::<u64>().ok()
                })
                .sum::<u64>()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kib_fields_of_proc_files() {
        let status = "Name:\tx\nVmHWM:\t   12345 kB\nVmRSS:\t  234 kB\n";
        assert_eq!(kib_field(status, "VmHWM:"), Some(12345));
        assert_eq!(kib_field(status, "VmRSS:"), Some(234));
        assert_eq!(kib_field(status, "VmSwap:"), None);
        assert!(peak_rss_kib().is_some_and(|kib| kib > 0));
    }

    #[test]
    fn counts_cpu_time_of_threads() {
        let before = threads_cpu_ns(&[]);
        let mut x = 0u64;
        for i in 0..1_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        assert!(threads_cpu_ns(&[]) > before);
    }

    #[test]
    fn dates_are_civil_utc() {
        let date = utc_now();
        assert_eq!(date.len(), "2026-05-22 20:50".len());
        assert!(date.starts_with("20"));
    }
}
