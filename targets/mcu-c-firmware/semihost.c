/* semihost.c — ARM semihosting calls (see semihost.h): `bkpt 0xab` with the
 * operation in r0 and a pointer to its argument block in r1; the result in r0. */
#include "semihost.h"

#include <string.h>

enum {
  SYS_OPEN = 0x01,
  SYS_CLOSE = 0x02,
  SYS_WRITE = 0x05,
  SYS_READ = 0x06,
  SYS_SEEK = 0x0A,
  SYS_FLEN = 0x0C,
  SYS_EXIT = 0x18,
};

/* SYS_EXIT reasons (semihosting v2.0, "ADP_Stopped_*"). */
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUNTIME_ERROR 0x20023u

static int32_t call(uint32_t op, void *args) {
  register uint32_t r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = args;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return (int32_t)r0;
}

int semihost_open(const char *path) {
  /* Mode 1 is "rb" (the fopen mode table of the specification). */
  uint32_t args[3] = {(uint32_t)path, 1, (uint32_t)strlen(path)};
  return call(SYS_OPEN, args);
}

void semihost_close(int fd) {
  uint32_t args[1] = {(uint32_t)fd};
  (void)call(SYS_CLOSE, args);
}

long semihost_length(int fd) {
  uint32_t args[1] = {(uint32_t)fd};
  return call(SYS_FLEN, args);
}

long semihost_read_at(int fd, uint32_t offset, void *buf, size_t len) {
  uint32_t seek[2] = {(uint32_t)fd, offset};
  if (call(SYS_SEEK, seek) != 0) return -1;
  uint32_t args[3] = {(uint32_t)fd, (uint32_t)buf, (uint32_t)len};
  int32_t left = call(SYS_READ, args); /* bytes NOT read */
  if (left < 0 || (size_t)left > len) return -1;
  return (long)(len - (size_t)left);
}

/* The console: the special file ":tt" opened for writing (mode 4, "w"). */
static int console = -1;

void semihost_write(const char *text, size_t len) {
  if (console < 0) {
    uint32_t open[3] = {(uint32_t) ":tt", 4, 3};
    console = call(SYS_OPEN, open);
  }
  uint32_t args[3] = {(uint32_t)console, (uint32_t)text, (uint32_t)len};
  (void)call(SYS_WRITE, args);
}

void semihost_exit(int success) {
  uint32_t reason = success ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUNTIME_ERROR;
  /* AArch32: the reason itself is the argument (not a block). */
  (void)call(SYS_EXIT, (void *)reason);
  for (;;) {
  }
}
