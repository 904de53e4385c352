/* md5.h — MD5 (RFC 1321) for the firmware's logs: the decoder chip's bytes and
 * each presented graphics plane are logged as md5s, the form the emulator and the
 * Rust boards log. Streaming: init, update any number of times, final. */
#ifndef MD5_H_
#define MD5_H_

#include <stddef.h>
#include <stdint.h>

typedef struct md5_ctx {
  uint32_t state[4];
  uint64_t bytes;
  uint8_t block[64];
} md5_ctx;

void md5_init(md5_ctx *ctx);
void md5_update(md5_ctx *ctx, const void *data, size_t len);
/** The digest of everything given so far; `ctx` is left unchanged (a copy is finished). */
void md5_final(const md5_ctx *ctx, uint8_t digest[16]);
/** `digest` as 32 lower-case hex digits and a NUL. */
void md5_hex(const uint8_t digest[16], char out[33]);

#endif /* MD5_H_ */
