//! Which process carries out a retention run, and whether such a process
//! has ended: a run whose process is gone (kill -9, a crash, a power cut)
//! is interrupted, and the next run need not wait for its heartbeat to go
//! stale. A process is told by the machine's boot id, its process-id
//! namespace (containers on one machine share the boot id but not their
//! process ids) and its process id; one on another machine, in another
//! container or before a reboot cannot be asked, and its run is left to the
//! heartbeat.

use std::sync::OnceLock;

/// The boot id and the process-id namespace; empty where /proc does not
/// tell them.
fn boot_id() -> &'static str {
    static BOOT: OnceLock<String> = OnceLock::new();
    BOOT.get_or_init(|| {
        let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .map(|id| id.trim().to_string())
            .unwrap_or_default();
        let namespace = std::fs::read_link("/proc/self/ns/pid")
            .map(|link| link.to_string_lossy().replace(':', "-"))
            .unwrap_or_default();
        if boot.is_empty() || namespace.is_empty() {
            String::new()
        } else {
            format!("{boot}/{namespace}")
        }
    })
}

/// This process, as a run records it.
pub(crate) fn this_runner() -> String {
    format!("{}:{}", boot_id(), std::process::id())
}

/// Whether the process that recorded `runner` has certainly ended.
pub(crate) fn runner_gone(runner: &str) -> bool {
    let Some((boot, pid)) = runner.rsplit_once(':') else {
        return false;
    };
    if boot.is_empty() || boot != boot_id() {
        return false;
    }
    match pid.parse::<u32>() {
        Ok(pid) if pid != std::process::id() => {
            !std::path::Path::new(&format!("/proc/{pid}")).exists()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_process_is_not_gone_and_an_ended_one_is() {
        assert!(!runner_gone(&this_runner()));
        assert!(!runner_gone("another-machine:1"));
        assert!(!runner_gone("nonsense"));
        if !boot_id().is_empty() {
            let mut child = std::process::Command::new("true").spawn().unwrap();
            let pid = child.id();
            child.wait().unwrap();
            assert!(runner_gone(&format!("{}:{pid}", boot_id())));
        }
    }
}
