//! The Linux port's V4L2 memory-to-memory decoder (`shims/linux/c/v4l2.c`) has no
//! device under QEMU: its ioctl sequence is checked against a transcript instead.
//! `c/v4l2_fake.c` includes `v4l2.c` with `open`, `ioctl`, `mmap`, `munmap` and
//! `close` replaced by a stateful H.264 decoder as the kernel documents it, plays
//! three access units, drains, seeks and closes, and prints every call; the output
//! must equal `c/v4l2-h264.transcript` line for line (marked not hardware-verified).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::path::Path;
use std::process::Command;

const DIR: &str = env!("CARGO_MANIFEST_DIR");

/// The lines of a transcript that are compared (not `#` comments).
fn calls(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.starts_with('#')).collect()
}

#[test]
fn the_v4l2_decoder_makes_the_transcripts_ioctl_sequence_and_gets_its_pictures() {
    let exe = Path::new(env!("CARGO_TARGET_TMPDIR")).join("v4l2_fake");
    let built = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I"])
        .arg(Path::new(DIR).join("../../shims/linux/c"))
        .arg(Path::new(DIR).join("c/v4l2_fake.c"))
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let ran = Command::new(&exe).output().unwrap();
    let stdout = String::from_utf8_lossy(&ran.stdout);
    assert!(
        ran.status.success() && stdout.contains("v4l2_fake: failures 0"),
        "{stdout}{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let want = std::fs::read_to_string(Path::new(DIR).join("c/v4l2-h264.transcript")).unwrap();
    let (got, want) = (calls(&stdout), calls(&want));
    if let Some(i) = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i)) {
        panic!(
            "call {} differs from the transcript: got {:?}, transcript {:?}",
            i + 1,
            got.get(i),
            want.get(i)
        );
    }
}
