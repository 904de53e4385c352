/* md5_test.c — the firmware's md5 on the host: RFC 1321 §A.5's test suite, and a
 * long input fed in uneven pieces against the same input fed whole. Exits 1 on a
 * mismatch. Built and run by run.sh with the host's cc. */
#include <stdio.h>
#include <string.h>

#include "md5.h"

static int check(const char *input, const char *expected) {
  md5_ctx ctx;
  uint8_t digest[16];
  char hex[33];
  md5_init(&ctx);
  md5_update(&ctx, input, strlen(input));
  md5_final(&ctx, digest);
  md5_hex(digest, hex);
  if (strcmp(hex, expected) != 0) {
    printf("FAIL md5(\"%s\") = %s, not %s\n", input, hex, expected);
    return 1;
  }
  return 0;
}

int main(void) {
  int failed = 0;
  failed += check("", "d41d8cd98f00b204e9800998ecf8427e");
  failed += check("a", "0cc175b9c0f1b6a831c399e269772661");
  failed += check("abc", "900150983cd24fb0d6963f7d28e17f72");
  failed += check("message digest", "f96b697d7cb7938d525a2f31aaf161d0");
  failed += check("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b");
  failed += check("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                  "d174ab98d277d9f5a5611c2c9f419d9f");
  failed += check("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                  "57edf4a22be3c955ac49da2e2107b67a");
  /* Pieces of 1..63 bytes across block boundaries equal the whole. */
  static uint8_t data[10000];
  for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 7 + 3);
  md5_ctx whole, pieces;
  uint8_t a[16], b[16];
  md5_init(&whole);
  md5_update(&whole, data, sizeof data);
  md5_final(&whole, a);
  md5_init(&pieces);
  for (size_t at = 0, n = 1; at < sizeof data; at += n, n = n % 63 + 1) {
    md5_update(&pieces, data + at, at + n > sizeof data ? sizeof data - at : n);
  }
  md5_final(&pieces, b);
  if (memcmp(a, b, 16) != 0) {
    printf("FAIL md5 of pieces differs from md5 of the whole\n");
    failed++;
  }
  printf("md5_test: %s\n", failed ? "FAIL" : "PASS");
  return failed != 0;
}
