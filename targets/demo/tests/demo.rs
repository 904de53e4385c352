//! The demo plays its script the same way every time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

#[test]
fn the_demo_is_deterministic_and_follows_its_script() {
    let a = wasp_demo::run(5_000_000).unwrap();
    let b = wasp_demo::run(5_000_000).unwrap();
    assert_eq!(a, b, "two runs print the same bytes");
    for expected in [
        "[  0.173 s] hello: fetched 63 bytes: Welcome to wasp: one player module, every device.",
        "[  0.173 s] state -> Playing (Command)",
        "[  1.200 s] hello: focus 2",
        "[  1.400 s] hello: select 2",
        "[  2.000 s] state -> Paused (Key)",
        "[  3.000 s] state -> Playing (Key)",
        "[  4.500 s] state -> Idle (Key)",
        "  final state:      Idle (Key)",
    ] {
        assert!(
            a.lines().any(|l| l == expected),
            "missing `{expected}` in:\n{a}"
        );
    }
    // While Loading or Playing the module redraws every frame (60 Hz).
    let frames: usize = a
        .lines()
        .find_map(|l| l.strip_prefix("  frames presented: "))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(frames > 200, "{frames}");
}
