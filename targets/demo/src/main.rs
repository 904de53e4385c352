//! `wasp-demo [seconds]`: prints what the hello module does on the test device.

fn main() -> std::process::ExitCode {
    let seconds: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    match wasp_demo::run((seconds * 1e6) as i64) {
        Ok(report) => {
            print!("{report}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wasp-demo: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
