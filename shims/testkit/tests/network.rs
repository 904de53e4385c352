//! The trace-driven network: exact shares, trace steps and wrap-around, outages,
//! transient faults, the transfer log and event-exact stepping.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::sync::Arc;

use wasp_core::abi::fetch::{FetchRequest, FetchState};
use wasp_core::abi::Status;
use wasp_core::{HostEvent, Port};
use wasp_testkit::net::{BodySource, Fault, Outcome};
use wasp_testkit::{TestPort, Trace, START_US};

const S: i64 = 1_000_000;

/// A port with a shared link of constant `bytes_per_sec` and no latency.
fn shared(bytes_per_sec: u64) -> TestPort {
    let mut port = TestPort::new();
    port.network.link.latency_us = 0;
    port.network.set_trace(Trace::constant(bytes_per_sec));
    port
}

fn open(port: &mut TestPort, url: &str) -> u32 {
    port.fetch_open(&FetchRequest::get(), url, "").unwrap()
}

fn received(port: &mut TestPort, id: u32) -> u64 {
    port.fetch_info(id).received
}

#[test]
fn two_transfers_share_the_link_from_when_the_second_starts() {
    let mut port = shared(1_000);
    port.serve("mem://a", vec![1u8; 10_000]);
    port.serve("mem://b", vec![2u8; 3_000]);
    let a = open(&mut port, "mem://a");
    port.advance(2 * S);
    assert_eq!(received(&mut port, a), 2_000);
    let b = open(&mut port, "mem://b");
    // Halves from now on: B needs 6 s for its 3000 bytes.
    assert_eq!(port.next_event_us(), START_US + 8 * S);
    port.advance(3 * S);
    assert_eq!(
        (received(&mut port, a), received(&mut port, b)),
        (3_500, 1_500)
    );
    port.advance(3 * S);
    assert_eq!(port.fetch_info(b).state, FetchState::Done);
    assert_eq!(received(&mut port, a), 5_000);
    // A is alone again: its last 5000 bytes take 5 s.
    assert_eq!(port.next_event_us(), START_US + 13 * S);
    port.advance(5 * S - 1);
    assert_eq!(received(&mut port, a), 9_999);
    port.advance(1);
    assert_eq!(port.fetch_info(a).state, FetchState::Done);
    assert_eq!(port.network.delivered_bytes, 13_000);
    assert_eq!(
        port.network.next_event_us(&port.transfers, port.now),
        i64::MAX
    );
}

#[test]
fn thirds_of_a_share_carry_their_fractions_exactly() {
    let mut port = shared(1_000);
    for url in ["mem://1", "mem://2", "mem://3"] {
        port.serve(url, vec![0u8; 100_000]);
    }
    let ids: Vec<u32> = ["mem://1", "mem://2", "mem://3"]
        .iter()
        .map(|u| open(&mut port, u))
        .collect();
    port.advance(S);
    let got: Vec<u64> = ids.iter().map(|&id| received(&mut port, id)).collect();
    assert_eq!(got, [333, 333, 333]);
    // 2 s more in uneven steps: each has exactly a third of 3000 bytes.
    for step in [7, 999_993, 123_457, 876_543] {
        port.advance(step);
    }
    let got: Vec<u64> = ids.iter().map(|&id| received(&mut port, id)).collect();
    assert_eq!(got, [1_000, 1_000, 1_000]);
}

#[test]
fn a_trace_step_mid_transfer_changes_its_speed() {
    let mut port = TestPort::new();
    port.network.link.latency_us = 0;
    port.network
        .set_trace(Trace::steps(&[(0, 1_000), (2 * S, 4_000)]).unwrap());
    port.serve("mem://x", vec![0u8; 10_000]);
    let id = open(&mut port, "mem://x");
    assert_eq!(port.next_event_us(), START_US + 2 * S);
    port.advance(2 * S);
    assert_eq!(received(&mut port, id), 2_000);
    assert_eq!(port.next_event_us(), START_US + 4 * S);
    port.advance(S);
    assert_eq!(received(&mut port, id), 6_000);
    port.advance(S);
    assert_eq!(port.fetch_info(id).state, FetchState::Done);
    assert_eq!(port.network.log[0].end_us, Some(START_US + 4 * S));
}

#[test]
fn a_repeating_trace_wraps_around() {
    let mut port = TestPort::new();
    port.network.link.latency_us = 0;
    // 1000 B/s for a second, then nothing for a second, again and again.
    let trace = Trace::steps(&[(0, 1_000), (S, 0)])
        .unwrap()
        .repeating(2 * S)
        .unwrap();
    assert_eq!(trace.at(START_US + 5 * S + 500_000), (0, START_US + 6 * S));
    assert_eq!(trace.at(START_US + 6 * S), (1_000, START_US + 7 * S));
    port.network.set_trace(trace);
    port.serve("mem://x", vec![0u8; 2_500]);
    let id = open(&mut port, "mem://x");
    port.advance(3 * S);
    assert_eq!(received(&mut port, id), 2_000);
    // Nothing moves until the trace comes back at 4 s.
    assert_eq!(port.next_event_us(), START_US + 4 * S);
    port.advance_to(START_US + 4 * S);
    assert_eq!(received(&mut port, id), 2_000);
    assert_eq!(port.next_event_us(), START_US + 4 * S + 500_000);
    port.advance_to(START_US + 4 * S + 500_000);
    assert_eq!(port.fetch_info(id).state, FetchState::Done);
}

#[test]
fn measured_traces_parse_with_their_times_shifted_to_zero() {
    let text = "# a comment\n\n10.5\t8\n11.5   16 \n12.5 4\n";
    let trace = Trace::parse_mbps(text, 0.5).unwrap();
    assert_eq!(
        trace.samples(),
        [(0, 500_000), (S, 1_000_000), (2 * S, 250_000)]
    );
    // The last sample lasts as long as the interval before it, then it repeats.
    assert_eq!(trace.period_us(), Some(3 * S));
    assert_eq!(trace.at(START_US + 3 * S), (500_000, START_US + 4 * S));
    let err = Trace::parse_mbps("1 2\n2 x\n", 1.0).unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.to_string().contains("line 2"), "{err}");
    assert_eq!(Trace::parse_mbps("1 2\n1 3\n", 1.0).unwrap_err().line, 2);
    assert_eq!(Trace::parse_mbps("1 2 3\n", 1.0).unwrap_err().line, 1);
    assert!(Trace::parse_mbps("\n# nothing\n", 1.0).is_err());
    assert!(Trace::steps(&[(5, 1)]).is_err());
}

#[test]
fn a_constant_trace_delivers_one_transfer_as_the_per_transfer_rate_does() {
    let mut legacy = TestPort::new();
    legacy.network.link.bytes_per_sec = 3_333;
    let mut traced = TestPort::new();
    traced.network.set_trace(Trace::constant(3_333));
    for port in [&mut legacy, &mut traced] {
        port.serve("mem://x", vec![0u8; 50_000]);
    }
    let (a, b) = (open(&mut legacy, "mem://x"), open(&mut traced, "mem://x"));
    for step in [500, 999, 1_000_001, 37, 2_000_000, 7_777_777, 9_000_000] {
        legacy.advance(step);
        traced.advance(step);
        assert_eq!(legacy.fetch_info(a), traced.fetch_info(b));
        assert_eq!(legacy.next_event_us(), traced.next_event_us());
    }
    assert_eq!(traced.fetch_info(b).state, FetchState::Done);
}

#[test]
fn an_outage_fails_open_transfers_and_a_fetch_after_it_succeeds() {
    let mut port = shared(1_000);
    port.serve("mem://x", vec![7u8; 3_000]);
    port.network.schedule_outage(START_US + S, START_US + 2 * S);
    let id = open(&mut port, "mem://x");
    assert_eq!(port.next_event_us(), START_US + S);
    port.advance(S);
    let info = port.fetch_info(id);
    assert_eq!((info.state, info.received), (FetchState::Failed, 1_000));
    assert!(port
        .events
        .contains(&HostEvent::Fetch(wasp_core::abi::event::FetchEvent {
            handle: id,
            state: FetchState::Failed
        })));
    let mut buf = [0u8; 4_096];
    assert_eq!(port.fetch_read(id, &mut buf), Ok(1_000));
    assert_eq!(port.fetch_read(id, &mut buf), Err(Status::Io));
    port.fetch_close(id);
    port.advance(S / 2);
    let during = port.fetch_open(&FetchRequest::get(), "mem://x", "");
    assert_eq!(during, Err(Status::Io));
    port.advance(S / 2);
    let again = open(&mut port, "mem://x");
    port.advance(3 * S);
    assert_eq!(port.fetch_info(again).state, FetchState::Done);
    let log = &port.network.log;
    assert_eq!(log.len(), 2, "the refused fetch is not a transfer");
    assert_eq!(log[0].outcome, Outcome::Failed(Status::Io));
    assert_eq!((log[0].bytes, log[0].end_us), (1_000, Some(START_US + S)));
    assert_eq!(log[1].outcome, Outcome::Done);
    assert_eq!(
        (log[1].start_us, log[1].end_us),
        (START_US + 2 * S, Some(START_US + 5 * S))
    );
}

#[test]
fn a_transient_fault_fails_only_the_next_fetches() {
    let mut port = TestPort::new();
    port.serve("mem://x", b"body".to_vec())
        .fail_times(2, Fault::Http(503));
    let mut states = Vec::new();
    for _ in 0..3 {
        let id = open(&mut port, "mem://x");
        port.advance(10_000);
        let info = port.fetch_info(id);
        states.push((info.state, info.http_status));
        port.fetch_close(id);
    }
    assert_eq!(
        states,
        [
            (FetchState::Failed, 503),
            (FetchState::Failed, 503),
            (FetchState::Done, 200)
        ]
    );
    assert_eq!(port.network.fetch_count("mem://x"), 3);
    assert!(port.network.resources["mem://x"]
        .transient_faults
        .is_empty());
}

#[test]
fn a_closed_transfer_is_logged_as_cancelled_with_its_range() {
    let mut port = shared(100);
    port.serve("mem://x", vec![0u8; 1_000]);
    let request = FetchRequest {
        range_start: 100,
        range_end: 299,
        ..FetchRequest::get()
    };
    let id = port.fetch_open(&request, "mem://x", "").unwrap();
    port.advance(S);
    port.fetch_close(id);
    let record = &port.network.log[0];
    assert_eq!(record.range, (100, 299));
    assert_eq!(record.status, 206);
    assert_eq!(record.bytes, 100);
    assert_eq!(record.outcome, Outcome::Cancelled);
    assert_eq!(record.end_us, Some(START_US + S));
}

#[derive(Debug)]
struct Counting(u64);

impl BodySource for Counting {
    fn len(&self) -> u64 {
        self.0
    }
    fn fill(&self, offset: u64, out: &mut [u8]) {
        for (i, b) in out.iter_mut().enumerate() {
            *b = (offset + i as u64) as u8;
        }
    }
}

#[test]
fn a_body_produced_on_demand_is_served_by_range() {
    let mut port = TestPort::new();
    port.network.resources.insert(
        "mem://big".into(),
        wasp_testkit::net::Resource {
            source: Some(Arc::new(Counting(1 << 40))),
            ..Default::default()
        },
    );
    let request = FetchRequest {
        range_start: (1 << 40) - 300,
        range_end: (1 << 40) - 1,
        ..FetchRequest::get()
    };
    let id = port.fetch_open(&request, "mem://big", "").unwrap();
    port.advance(10_000);
    let mut buf = [0u8; 512];
    assert_eq!(port.fetch_read(id, &mut buf), Ok(300));
    let expected: Vec<u8> = (0..300u64)
        .map(|i| ((1u64 << 40) - 300 + i) as u8)
        .collect();
    assert_eq!(&buf[..300], expected.as_slice());
    let mut header = [0u8; 16];
    let n = port
        .fetch_header(id, "content-length", &mut header)
        .unwrap();
    assert_eq!(&header[..n], b"300");
}
