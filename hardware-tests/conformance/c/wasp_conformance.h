/*
 * wasp_conformance.h — the port conformance suite, in C, against wasp_port.h only.
 *
 * Every port runs it (in the spirit of Cobalt's NPLB): the Linux port in C
 * (shims/linux/tests/c/conformance.c, under ASan/UBSan), and ports written in Rust
 * through the vtable adapter of crate wasp-conformance (`c_vtable::export`). Each
 * check prints one line: `PASS <name>`, `FAIL <name>: <reason>`, or
 * `SKIP <name>: <reason>` when the port's own answers say it does not offer what
 * the check is about (no decoder, no key-value store, no crypto) or the harness
 * cannot do what the check needs (a simulated crash). A check assumes nothing about
 * the device beyond its capability answers and the contract of wasp_port.h
 * (NULL callbacks mean "unsupported", fields past `struct_size` are NULL).
 *
 * The suite is single-threaded and calls the port from the caller's thread only.
 */
#ifndef WASP_CONFORMANCE_H_
#define WASP_CONFORMANCE_H_

#include <stddef.h>
#include <stdint.h>

#include "wasp_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the suite needs from around the port. */
typedef struct wasp_conformance_harness {
  /** Handed back to every callback. */
  void *user;
  /**
   * Required. Lets `us` microseconds pass for the port: sleep on a device with a
   * real clock, advance a virtual clock (and let the port's work progress).
   */
  void (*wait)(void *user, int64_t us);
  /**
   * A URL the port can fetch (UTF-8, NUL-terminated) and its exact body; NULL:
   * the fetch checks are skipped.
   */
  const char *fetchable_url;
  const uint8_t *fetchable_body;
  size_t fetchable_len;
  /** A URL that does not exist on the port's network or storage (NUL-terminated). */
  const char *missing_url;
  /**
   * Simulates a crash (a power cut) of the device: the port's state in memory is
   * abandoned without any orderly close or flush, and `*port` is replaced by a port
   * opened afresh on the same storage. Returns 1 when done, 0 when the harness
   * cannot (the durability check is then skipped). NULL: as 0.
   */
  int (*crash)(void *user, wasp_port **port);
  /** One line of output, without its newline. NULL: standard output. */
  void (*print)(void *user, const char *line);
} wasp_conformance_harness;

/**
 * Runs every check against `*port` (which `crash` may replace), printing one line
 * per check and a summary line `<n> checks, <f> failed, <s> skipped`. Returns the
 * number of failed checks; -1 when `port`, `*port`, `harness` or `harness->wait`
 * is NULL, or `(*port)->struct_size` is too small for `now_us` and `log`.
 */
int wasp_conformance_run(wasp_port **port, const wasp_conformance_harness *harness);

/** The number of checks. */
size_t wasp_conformance_check_count(void);

/** The name of check `index` (in run order), or NULL past the last. */
const char *wasp_conformance_check_name(size_t index);

#ifdef __cplusplus
}
#endif

#endif /* WASP_CONFORMANCE_H_ */
