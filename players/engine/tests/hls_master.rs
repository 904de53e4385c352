#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Master playlists: every `EXT-X-STREAM-INF` and `EXT-X-MEDIA` attribute, session keys,
//! variables, and what makes one invalid.

use wasp_engine::hls::{
    self, ClosedCaptions, ErrorKind, HdcpLevel, KeyMethod, MasterPlaylist, MediaPlaylist,
    MediaType, Playlist, Resolution, VideoRange, WarningKind,
};

const URL: &str = "https://cdn.example/show/master.m3u8?token=t0k3n";

fn parse(text: &str) -> MasterPlaylist {
    MasterPlaylist::parse(text, URL).unwrap()
}

#[test]
fn stream_inf_attributes_are_all_kept() {
    let m = parse(concat!(
        "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n",
        "#EXT-X-STREAM-INF:BANDWIDTH=6221600, AVERAGE-BANDWIDTH=5000000, ",
        "CODECS=\"hvc1.2.4.L150.B0, ec-3\",RESOLUTION=3840x2160,FRAME-RATE=59.940,",
        "HDCP-LEVEL=TYPE-1,VIDEO-RANGE=PQ,AUDIO=\"atmos\",SUBTITLES=\"subs\",",
        "CLOSED-CAPTIONS=\"cc\",STABLE-VARIANT-ID=\"uhd\",PATHWAY-ID=\"CDN-A\",",
        "SUPPLEMENTAL-CODECS=\"dvh1.08.07/db4h\"\n",
        "uhd/index.m3u8\n",
        "#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=416x234,FRAME-RATE=29.97,",
        "HDCP-LEVEL=NONE,VIDEO-RANGE=SDR,CLOSED-CAPTIONS=NONE\n",
        "sd/index.m3u8\n",
    ));
    assert!(m.independent_segments);
    let uhd = &m.variants[0];
    assert_eq!(uhd.uri, "https://cdn.example/show/uhd/index.m3u8");
    assert_eq!(uhd.stream.bandwidth, 6_221_600);
    assert_eq!(uhd.stream.average_bandwidth, Some(5_000_000));
    assert_eq!(
        uhd.stream.codecs().collect::<Vec<_>>(),
        ["hvc1.2.4.L150.B0", "ec-3"]
    );
    assert_eq!(
        uhd.stream.resolution,
        Some(Resolution {
            width: 3840,
            height: 2160
        })
    );
    assert_eq!(uhd.frame_rate_milli, Some(59_940));
    assert_eq!(uhd.stream.hdcp_level, Some(HdcpLevel::Type1));
    assert_eq!(uhd.stream.video_range, Some(VideoRange::Pq));
    assert_eq!(uhd.audio.as_deref(), Some("atmos"));
    assert_eq!(uhd.subtitles.as_deref(), Some("subs"));
    assert_eq!(
        uhd.closed_captions,
        Some(ClosedCaptions::Group("cc".into()))
    );
    assert_eq!(uhd.stream.stable_variant_id.as_deref(), Some("uhd"));
    assert_eq!(uhd.stream.pathway_id.as_deref(), Some("CDN-A"));
    assert_eq!(
        uhd.stream.supplemental_codecs.as_deref(),
        Some("dvh1.08.07/db4h")
    );
    let sd = &m.variants[1];
    assert_eq!(sd.frame_rate_milli, Some(29_970));
    assert_eq!(sd.stream.hdcp_level, Some(HdcpLevel::None));
    assert_eq!(sd.stream.video_range, Some(VideoRange::Sdr));
    assert_eq!(sd.closed_captions, Some(ClosedCaptions::None));
    assert_eq!(sd.audio, None);
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
}

#[test]
fn media_attributes_are_all_kept() {
    let m = parse(concat!(
        "#EXTM3U\n",
        "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"atmos\",NAME=\"English\",LANGUAGE=\"en-US\",",
        "ASSOC-LANGUAGE=\"en\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"16/JOC\",",
        "STABLE-RENDITION-ID=\"a1\",URI=\"audio/en.m3u8\"\n",
        "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",NAME=\"Français (forcé)\",",
        "LANGUAGE=\"fr\",FORCED=YES,AUTOSELECT=YES,URI=\"subs/fr-forced.m3u8\"\n",
        "#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID=\"cc\",NAME=\"CC1\",INSTREAM-ID=\"CC1\",",
        "LANGUAGE=\"en\"\n",
        "#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO=\"atmos\",SUBTITLES=\"subs\",CLOSED-CAPTIONS=\"cc\"\n",
        "v.m3u8\n",
    ));
    let audio = m.group(MediaType::Audio, "atmos").next().unwrap();
    assert_eq!(audio.name, "English");
    assert_eq!(audio.language.as_deref(), Some("en-US"));
    assert_eq!(audio.assoc_language.as_deref(), Some("en"));
    assert!(audio.default && audio.autoselect && !audio.forced);
    assert_eq!(audio.channels.as_deref(), Some("16/JOC"));
    assert_eq!(audio.channel_count(), Some(16));
    assert_eq!(audio.stable_rendition_id.as_deref(), Some("a1"));
    assert_eq!(
        audio.uri.as_deref(),
        Some("https://cdn.example/show/audio/en.m3u8")
    );
    let subs = m.group(MediaType::Subtitles, "subs").next().unwrap();
    assert_eq!(subs.name, "Français (forcé)");
    assert!(subs.forced && subs.autoselect && !subs.default);
    let cc = m.group(MediaType::ClosedCaptions, "cc").next().unwrap();
    assert_eq!(cc.instream_id.as_deref(), Some("CC1"));
    assert_eq!(cc.uri, None);
    assert_eq!(cc.channel_count(), None);
}

#[test]
fn session_keys_start_and_unknown_tags() {
    let m = parse(concat!(
        "#EXTM3U\n",
        "#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI=\"skd://key65\",KEYFORMAT=\"com.apple.streamingkeydelivery\"\n",
        "#EXT-X-START:TIME-OFFSET=12.5\n",
        "#EXT-X-CONTENT-STEERING:SERVER-URI=\"/steer\"\n",
        "#EXT-X-FOO:bar\n",
        "#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n",
    ));
    assert_eq!(m.session_keys[0].method, KeyMethod::SampleAes);
    assert_eq!(m.session_keys[0].uri.as_deref(), Some("skd://key65"));
    assert_eq!(m.start.unwrap().time_offset.0, 12_500_000);
    assert!(!m.start.unwrap().precise);
    let names: Vec<_> = m.unknown_tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["EXT-X-CONTENT-STEERING", "EXT-X-FOO"]);
}

#[test]
fn invalid_master_playlists_are_refused_with_their_line() {
    let error = |text: &str| {
        let e = MasterPlaylist::parse(text, URL).unwrap_err();
        (e.line, e.kind)
    };
    assert_eq!(
        error("#EXTM3U\nv.m3u8\n"),
        (2, ErrorKind::UriWithoutStreamInf)
    );
    assert_eq!(
        error("#EXTM3U\n#EXT-X-STREAM-INF:RESOLUTION=1x1\nv.m3u8\n"),
        (
            3,
            ErrorKind::MissingAttribute {
                tag: "EXT-X-STREAM-INF",
                name: "BANDWIDTH"
            }
        )
    );
    assert_eq!(
        error("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n#EXT-X-TARGETDURATION:4\n"),
        (
            4,
            ErrorKind::MixedPlaylist {
                tag: "EXT-X-TARGETDURATION"
            }
        )
    );
    assert_eq!(
        error("#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,NAME=\"x\"\n"),
        (
            2,
            ErrorKind::MissingAttribute {
                tag: "EXT-X-MEDIA",
                name: "GROUP-ID"
            }
        )
    );
    assert_eq!(
        error("#EXTM3U\n#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID=\"cc\",NAME=\"x\"\n"),
        (
            2,
            ErrorKind::MissingAttribute {
                tag: "EXT-X-MEDIA",
                name: "INSTREAM-ID"
            }
        )
    );
    assert_eq!(
        error("#EXTM3U\n#EXT-X-MEDIA:TYPE=MUSIC,GROUP-ID=\"a\",NAME=\"x\"\n"),
        (
            2,
            ErrorKind::MalformedAttribute {
                tag: "EXT-X-MEDIA",
                name: "TYPE"
            }
        )
    );
}

#[test]
fn malformed_optional_attributes_and_dangling_stream_inf_are_warnings() {
    let m = parse(concat!(
        "#EXTM3U\n",
        "#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=wide,FRAME-RATE=fast\n",
        "#EXT-X-STREAM-INF:BANDWIDTH=2\n",
        "b.m3u8\n",
        "#EXT-X-STREAM-INF:BANDWIDTH=3\n",
    ));
    assert_eq!(m.variants.len(), 1);
    assert_eq!(m.variants[0].stream.bandwidth, 2);
    let kinds: Vec<_> = m.warnings.iter().map(|w| (w.line, w.kind)).collect();
    assert_eq!(
        kinds,
        [
            (
                2,
                WarningKind::DanglingTag {
                    tag: "EXT-X-STREAM-INF"
                }
            ),
            (
                5,
                WarningKind::DanglingTag {
                    tag: "EXT-X-STREAM-INF"
                }
            ),
        ]
    );
    // The malformed RESOLUTION/FRAME-RATE belonged to the dropped STREAM-INF; on a
    // kept one they are warnings and left out.
    let m = parse("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=wide\nv.m3u8\n");
    assert_eq!(m.variants[0].stream.resolution, None);
    assert_eq!(
        m.warnings[0].kind,
        WarningKind::MalformedAttribute {
            tag: "EXT-X-STREAM-INF",
            name: "RESOLUTION"
        }
    );
}

#[test]
fn variables_substitute_in_uris_and_quoted_strings_and_are_imported_by_media_playlists() {
    let m = parse(concat!(
        "#EXTM3U\n",
        "#EXT-X-DEFINE:NAME=\"cdn\",VALUE=\"https://edge.example\"\n",
        "#EXT-X-DEFINE:QUERYPARAM=\"token\"\n",
        "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"{$cdn}\",URI=\"{$cdn}/a.m3u8?t={$token}\"\n",
        "#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO=\"a\"\n",
        "{$cdn}/v.m3u8?t={$token}\n",
    ));
    assert_eq!(m.variants[0].uri, "https://edge.example/v.m3u8?t=t0k3n");
    assert_eq!(
        m.renditions[0].uri.as_deref(),
        Some("https://edge.example/a.m3u8?t=t0k3n")
    );
    assert_eq!(m.renditions[0].name, "https://edge.example");
    let names: Vec<_> = m.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["cdn", "token"]);

    let media = MediaPlaylist::parse_with_imports(
        "#EXTM3U\n#EXT-X-DEFINE:IMPORT=\"cdn\"\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n{$cdn}/s1.ts\n",
        &m.variants[0].uri,
        &m.variables,
    )
    .unwrap();
    assert_eq!(media.segments[0].uri, "https://edge.example/s1.ts");

    let error = |text: &str| MasterPlaylist::parse(text, URL).unwrap_err().kind;
    assert_eq!(
        error("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n{$nope}/v.m3u8\n"),
        ErrorKind::UndefinedVariable
    );
    assert_eq!(
        error(
            "#EXTM3U\n#EXT-X-DEFINE:NAME=\"a\",VALUE=\"1\"\n#EXT-X-DEFINE:NAME=\"a\",VALUE=\"2\"\n"
        ),
        ErrorKind::VariableRedefined
    );
    assert_eq!(
        error("#EXTM3U\n#EXT-X-DEFINE:QUERYPARAM=\"missing\"\n"),
        ErrorKind::UndefinedVariable
    );
    assert_eq!(
        error("#EXTM3U\n#EXT-X-DEFINE:IMPORT=\"cdn\"\n"),
        ErrorKind::MalformedAttribute {
            tag: "EXT-X-DEFINE",
            name: "IMPORT"
        }
    );
    assert_eq!(
        error("#EXTM3U\n#EXT-X-DEFINE:NAME=\"a b\",VALUE=\"1\"\n"),
        ErrorKind::MalformedAttribute {
            tag: "EXT-X-DEFINE",
            name: "NAME"
        }
    );
    // Not substituted outside URI lines and quoted strings: EXTINF stays malformed.
    let e = MediaPlaylist::parse(
        "#EXTM3U\n#EXT-X-DEFINE:NAME=\"d\",VALUE=\"2\"\n#EXTINF:{$d},\na.ts\n",
        URL,
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::MalformedTag { tag: "EXTINF" });
}

#[test]
fn parse_tells_master_from_media() {
    let master = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n";
    assert!(matches!(hls::parse(master, URL), Ok(Playlist::Master(_))));
    let media = "#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:1,\na.ts\n";
    assert!(matches!(hls::parse(media, URL), Ok(Playlist::Media(_))));
    assert!(matches!(
        hls::parse("#EXTM3U\n", URL),
        Ok(Playlist::Media(_))
    ));
    // Both kinds: refused on the first line of the other kind.
    let mixed = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n#EXTINF:1,\na.ts\n";
    let e = hls::parse(mixed, URL).unwrap_err();
    assert_eq!(
        (e.line, e.kind),
        (4, ErrorKind::MixedPlaylist { tag: "EXTINF" })
    );
    let e = hls::parse_bytes(b"#EXTM3U\n\xc3", URL).unwrap_err();
    assert_eq!((e.line, e.kind), (2, ErrorKind::NotUtf8));
}
