//! The tags this parser knows (RFC 8216 §4.3, rfc8216bis §4.4), and which kind of
//! playlist each belongs to (RFC 8216 §4.1: a playlist is either a media playlist or
//! a master playlist; a tag of the other kind makes it invalid).

/// Where a tag may appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Both kinds (basic and "media or master playlist" tags, RFC 8216 §4.3.1, §4.3.5).
    Both,
    /// Media playlists only (RFC 8216 §4.3.2, §4.3.3; rfc8216bis LL-HLS tags).
    Media,
    /// Master playlists only (RFC 8216 §4.3.4).
    Master,
}

macro_rules! tags {
    ($($variant:ident = $name:literal, $scope:ident;)*) => {
        /// A known tag.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Tag {
            $(#[doc = $name] $variant,)*
        }

        impl Tag {
            /// The tag for `name` (without `#`), if known.
            pub(crate) fn from_name(name: &str) -> Option<Tag> {
                match name {
                    $($name => Some(Tag::$variant),)*
                    _ => None,
                }
            }

            /// The tag's name, without `#`.
            pub(crate) fn name(self) -> &'static str {
                match self {
                    $(Tag::$variant => $name,)*
                }
            }

            /// Where the tag may appear.
            pub(crate) fn scope(self) -> Scope {
                match self {
                    $(Tag::$variant => Scope::$scope,)*
                }
            }
        }
    };
}

tags! {
    ExtM3u = "EXTM3U", Both;
    Version = "EXT-X-VERSION", Both;
    IndependentSegments = "EXT-X-INDEPENDENT-SEGMENTS", Both;
    Start = "EXT-X-START", Both;
    Define = "EXT-X-DEFINE", Both;
    Extinf = "EXTINF", Media;
    ByteRange = "EXT-X-BYTERANGE", Media;
    Discontinuity = "EXT-X-DISCONTINUITY", Media;
    Key = "EXT-X-KEY", Media;
    Map = "EXT-X-MAP", Media;
    ProgramDateTime = "EXT-X-PROGRAM-DATE-TIME", Media;
    DateRange = "EXT-X-DATERANGE", Media;
    Gap = "EXT-X-GAP", Media;
    Bitrate = "EXT-X-BITRATE", Media;
    Part = "EXT-X-PART", Media;
    TargetDuration = "EXT-X-TARGETDURATION", Media;
    MediaSequence = "EXT-X-MEDIA-SEQUENCE", Media;
    DiscontinuitySequence = "EXT-X-DISCONTINUITY-SEQUENCE", Media;
    EndList = "EXT-X-ENDLIST", Media;
    PlaylistType = "EXT-X-PLAYLIST-TYPE", Media;
    IFramesOnly = "EXT-X-I-FRAMES-ONLY", Media;
    PartInf = "EXT-X-PART-INF", Media;
    ServerControl = "EXT-X-SERVER-CONTROL", Media;
    Skip = "EXT-X-SKIP", Media;
    PreloadHint = "EXT-X-PRELOAD-HINT", Media;
    RenditionReport = "EXT-X-RENDITION-REPORT", Media;
    Media = "EXT-X-MEDIA", Master;
    StreamInf = "EXT-X-STREAM-INF", Master;
    IFrameStreamInf = "EXT-X-I-FRAME-STREAM-INF", Master;
    SessionData = "EXT-X-SESSION-DATA", Master;
    SessionKey = "EXT-X-SESSION-KEY", Master;
    ContentSteering = "EXT-X-CONTENT-STEERING", Master;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_none() {
        for tag in [Tag::ExtM3u, Tag::Extinf, Tag::StreamInf, Tag::PreloadHint] {
            assert_eq!(Tag::from_name(tag.name()), Some(tag));
        }
        assert_eq!(Tag::from_name("EXT-X-CUE-OUT"), None);
        assert_eq!(Tag::StreamInf.scope(), Scope::Master);
        assert_eq!(Tag::Map.scope(), Scope::Media);
        assert_eq!(Tag::Define.scope(), Scope::Both);
    }
}
