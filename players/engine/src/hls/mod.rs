//! HLS playlists (RFC 8216 and draft-pantos-hls-rfc8216bis): master and media
//! playlists, including the LL-HLS tags.
