/* md5 through libavutil (already linked for the decoders). */
#include <libavutil/md5.h>

#include "internal.h"

void md5_hex(const uint8_t *data, size_t len, char out[33]) {
  static const char kHex[] = "0123456789abcdef";
  uint8_t sum[16];
  av_md5_sum(sum, data, len);
  for (int i = 0; i < 16; i++) {
    out[2 * i] = kHex[sum[i] >> 4];
    out[2 * i + 1] = kHex[sum[i] & 15];
  }
  out[32] = '\0';
}
