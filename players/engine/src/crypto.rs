//! HLS segment decryption: AES-128-CBC with PKCS#7 (RFC 8216 §5.2).
