//! Steps without state: runtime information, log, time, randomness, configuration,
//! events, reports and capability queries.

use alloc::string::String;
use wasp_guest::abi::caps::DecodingQuery;
use wasp_guest::abi::imports::name;
use wasp_guest::abi::media::Codec;
use wasp_guest::abi::player::{feature, LogLevel, PlayerState, QoeReport, ReportKind, StateReason};
use wasp_guest::events::{self, Event};
use wasp_guest::{caps, config, random, report, time};

use crate::{fail, say, Hex, Progress, Step};

/// Most events one `event_poll` step drains (a tick is bounded work).
const MAX_EVENTS: usize = 256;

/// `runtime_info`, `log`, `time_now`, `random_fill`, `config_read`, `event_poll`,
/// `report_state`, `report`.
pub(crate) fn run(step: Step) -> Progress {
    let import = step.import();
    match step {
        Step::RuntimeInfo => match caps::runtime_info() {
            Ok(info) => {
                let v = info.runtime_version;
                say!(
                    import,
                    "abi {}.{} fuel {} runtime {}.{}.{}",
                    info.abi_major,
                    info.abi_minor,
                    info.fuel_per_tick,
                    v >> 16,
                    (v >> 8) & 0xff,
                    v & 0xff
                );
            }
            Err(status) => fail(import, status),
        },
        Step::Log => {
            // The line is the result: if it arrives, the import works.
            let _ = wasp_guest::log::log(LogLevel::Info, "probe log: ok");
        }
        Step::TimeNow => match time::now() {
            Ok(now) => say!(import, "{now}"),
            Err(status) => fail(import, status),
        },
        Step::RandomFill => {
            let mut bytes = [0u8; 16];
            match random::fill(&mut bytes) {
                Ok(()) => say!(import, "{}", Hex(&bytes)),
                Err(status) => fail(import, status),
            }
        }
        Step::ConfigRead => match config::read() {
            Ok(bytes) => say!(import, "{} bytes", bytes.len()),
            Err(status) => fail(import, status),
        },
        Step::EventPoll => poll_events(),
        Step::ReportState => {
            for state in [PlayerState::Loading, PlayerState::Playing] {
                match report::state(state, StateReason::Command) {
                    Ok(()) => say!(import, "{state} {}", StateReason::Command),
                    Err(status) => fail(import, status),
                }
            }
        }
        Step::Report => {
            let qoe = QoeReport {
                position_us: 1_000_000,
                state: PlayerState::Playing,
                ..QoeReport::default()
            };
            match report::qoe(&qoe) {
                Ok(()) => say!(import, "{} position {}", ReportKind::Qoe, qoe.position_us),
                Err(status) => fail(import, status),
            }
            match report::text(ReportKind::Event, "probe") {
                Ok(()) => say!(import, "{} probe", ReportKind::Event),
                Err(status) => fail(import, status),
            }
        }
        _ => {}
    }
    Progress::Next
}

/// Drains the event queue, one line per event.
fn poll_events() {
    let import = name::EVENT_POLL;
    for polled in 0..MAX_EVENTS {
        let event = match events::poll() {
            Ok(Some(event)) => event,
            Ok(None) => {
                if polled == 0 {
                    say!(import, "none");
                }
                return;
            }
            Err(status) => return fail(import, status),
        };
        match event {
            Event::Key(k) => say!(import, "key {} {}", k.key, k.action),
            Event::Command(c, argument) => {
                say!(
                    import,
                    "command {} {} {}",
                    c.command,
                    c.position_us,
                    argument
                );
            }
            Event::Fetch(f) => say!(import, "fetch {:#010x} {}", f.handle, f.state),
            Event::Decoder(d) => say!(import, "decoder {:#010x} {}", d.handle, d.what),
            Event::Device(d) => say!(import, "device {} {}", d.what, d.value),
        }
    }
}

/// `caps_decoding`, `caps_display`, `caps_audio`, `caps_memory`, `caps_feature`.
pub(crate) fn caps(step: Step) -> Progress {
    let import = step.import();
    match step {
        Step::CapsDecoding => {
            let query = DecodingQuery {
                codec: Codec::H264,
                width: 1920,
                height: 1080,
                framerate_milli: 30_000,
                bitrate_bps: 5_000_000,
                ..DecodingQuery::default()
            };
            match caps::decoding(&query, "avc1.640028") {
                Ok(info) => say!(
                    import,
                    "supported {} smooth {} power_efficient {}",
                    info.supported,
                    info.smooth,
                    info.power_efficient
                ),
                Err(status) => fail(import, status),
            }
        }
        Step::CapsDisplay => match caps::display() {
            Ok(d) => say!(import, "{}x{}", d.width, d.height),
            Err(status) => fail(import, status),
        },
        Step::CapsAudio => match caps::audio() {
            Ok(a) => say!(
                import,
                "{} channels {} Hz latency {} us",
                a.channels,
                a.sample_rate,
                a.latency_us
            ),
            Err(status) => fail(import, status),
        },
        Step::CapsMemory => match caps::memory() {
            Ok(m) => say!(
                import,
                "guest {} store {} decoder {} images {} kv {} fetches {} objects {}",
                m.guest_memory,
                m.media_store,
                m.decoder_queue,
                m.images,
                m.kv_store,
                m.max_fetches,
                m.max_store_objects
            ),
            Err(status) => fail(import, status),
        },
        Step::CapsFeature => features(),
        _ => {}
    }
    Progress::Next
}

/// One `caps_feature` call per v1 bit, lowest first, logged as `0`/`1`.
fn features() {
    let import = name::CAPS_FEATURE;
    let mut line = String::new();
    let mut bit = 1u64;
    while bit & feature::ALL_V1 != 0 {
        match caps::feature(bit) {
            Ok(offered) => {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push(if offered { '1' } else { '0' });
            }
            Err(status) => return fail(import, status),
        }
        bit <<= 1;
    }
    say!(import, "{line}");
}
