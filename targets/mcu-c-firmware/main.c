/* main.c — C firmware for QEMU's mps2-an386 (Cortex-M4F) linking libwasp.a, built
 * without std. It gives the library its heap, plays the audio module on the ICY
 * capture of hardware-tests/mcu/radio through the C port (port.h), then measures
 * what a watchdog must allow a tick (a module that never returns from its tick) and
 * shows fault containment (a trapping module restarted 100 times, the heap flat).
 * Lines starting with "measure" carry timings; run.sh keeps them out of the
 * comparison with expected.log (they move with the library's code). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "modules.h"
#include "port.h"
#include "wasp.h"

/** The library's heap: the audio player peaks near 715 KiB (wasmi's translated
 *  module, its instance, 128 KiB of guest memory, the media store, the banded
 *  raster's 7.5 KiB band and 4 KiB of records), with about 85 KiB to spare. A
 *  full-plane raster would need 225 KiB more. */
#define ARENA_BYTES (800u * 1024u)
/** Cap on the module's linear memory: the audio module's two pages, no growth. */
#define GUEST_MEMORY_BYTES (128u * 1024u)
/** Fuel for the audio module's `wasp_init` (it unpacks its font atlas there). */
#define INIT_FUEL 20000000u
/** Bytes of images the module may upload: its font atlas (A8). */
#define IMAGE_BYTES (48u * 1024u)
/** Port time the firmware starts at (µs): an ordinary monotonic clock, not zero. */
#define EPOCH_US ((int64_t)1 << 32)
/** Bound on the run, µs of uptime (the stream is 4 s long). */
#define RUN_US 8000000u
/** Trap restarts for fault containment. */
#define RESTARTS 100u
/** Spinning ticks measured. */
#define SPIN_TICKS 3u
/** Instructions per µs of virtual time under `-icount shift=3` (8 ns each). */
#define INSNS_PER_US 125u

static const char STATIONS[] =
    "station.0.name=Wasp Test Radio\n"
    "station.0.url=file:///../../hardware-tests/mcu/radio/tone.mp3.icy\n"
    "buffer_kib=16\n";

static uint64_t arena[ARENA_BYTES / sizeof(uint64_t)];
static board_port port;

extern uint32_t startup_stack_high_water(void);

static void on_panic(void *user, const char *message, size_t len) {
  (void)user;
  board_log("ERROR wasp panic: %.*s", (int)len, message);
  board_exit(0);
}

static wasp_heap_stats heap(void) {
  wasp_heap_stats stats = {0};
  (void)wasp_platform_heap(&stats);
  return stats;
}

static int64_t now(void) { return EPOCH_US + (int64_t)board_uptime_us(); }

/* Logs the first line of the runtime's last error. */
static void last_error(wasp_runtime *rt, const char *what) {
  static char text[1024];
  size_t len = 0;
  if (wasp_runtime_last_error(rt, text, sizeof text, &len) != WASP_OK) strcpy(text, "(too long)");
  char *newline = strchr(text, '\n');
  if (newline) *newline = 0;
  board_log("ERROR %s: %s", what, text);
}

/* Calls before wasp_platform_init answer a status; the platform is then taken once. */
static int platform_up(const wasp_port *vt) {
  wasp_runtime *rt = NULL;
  wasp_raster *raster = NULL;
  wasp_heap_stats stats;
  wasp_status early[3] = {wasp_runtime_new(vt, NULL, &rt), wasp_raster_new_banded(8, 8, 8, 64, &raster),
                          wasp_platform_heap(&stats)};
  board_log("INFO  before wasp_platform_init: runtime_new, raster_new_banded, platform_heap answer %ld %ld %ld (%s)",
            (long)early[0], (long)early[1], (long)early[2], wasp_status_name(early[0]));
  for (int i = 0; i < 3; i++)
    if (early[i] != WASP_ERR_NOT_INITIALIZED) return 0;
  wasp_platform platform = {.struct_size = sizeof platform, .heap_len = sizeof arena, .heap = arena,
                            .panic = on_panic};
  wasp_status first = wasp_platform_init(&platform), second = wasp_platform_init(&platform);
  board_log("INFO  wasp_platform_init: %s; again: %s; arena %lu B", wasp_status_name(first),
            wasp_status_name(second), (unsigned long)heap().arena_bytes);
  return first == WASP_OK && second == WASP_ERR_INVALID_STATE;
}

/* Plays until the stream has ended and the chip has played it out, or the bound. */
static int play(wasp_runtime *rt) {
  uint32_t ticks = 0, keys = 0;
  uint64_t longest = 0, longest_drawing = 0, longest_at = 0, later = 0, later_drawing = 0;
  while (!(port.state == WASP_STATE_ENDED && port_drained(&port)) && board_uptime_us() < RUN_US) {
    int64_t next = 0;
    uint64_t before = board_uptime_us(), drawing = port.drawing_us;
    wasp_status s = wasp_runtime_tick(rt, now(), &next);
    if (board_uptime_us() - before > longest) {
      longest = board_uptime_us() - before;
      longest_drawing = port.drawing_us - drawing;
      longest_at = ticks + 1;
    }
    if (ticks > 0 && board_uptime_us() - before > later) {
      later = board_uptime_us() - before;
      later_drawing = port.drawing_us - drawing;
    }
    if (s != WASP_OK) {
      last_error(rt, "tick");
      return 0;
    }
    ticks++;
    /* Until the module's next tick: feed the chip, hand on the presses the
     * interrupt queued (the library is only ever called from here). */
    for (;;) {
      port_pump(&port);
      board_key key;
      int pressed = 0;
      while (board_key_take(&key)) {
        board_log("INFO  key %lu down at %lu ms of uptime", (unsigned long)key.key,
                  (unsigned long)(key.at_us / 1000));
        pressed |= wasp_runtime_key(rt, key.key, WASP_KEY_DOWN, EPOCH_US + (int64_t)key.at_us) == WASP_OK;
        pressed |= wasp_runtime_key(rt, key.key, WASP_KEY_UP, EPOCH_US + (int64_t)key.at_us) == WASP_OK;
        keys++;
      }
      if (pressed || now() >= next || board_uptime_us() >= RUN_US) break;
      __asm__ volatile("wfi");
    }
  }
  board_log("INFO  ran %lu ticks, %lu key presses, module logged %lu lines", (unsigned long)ticks,
            (unsigned long)keys, (unsigned long)port.lines);
  board_log("measure: audio module: longest tick (tick %lu) %lu us, %lu instructions, of which %lu us in the port's "
            "draw and present (checking the lists, rendering them band by band, hashing the bands)",
            (unsigned long)longest_at, (unsigned long)longest, (unsigned long)(longest * INSNS_PER_US),
            (unsigned long)longest_drawing);
  board_log("measure: audio module: longest tick after the first %lu us, %lu instructions, of which %lu us in draw "
            "and present", (unsigned long)later, (unsigned long)(later * INSNS_PER_US), (unsigned long)later_drawing);
  return port.state == WASP_STATE_ENDED;
}

/* A module whose tick never returns: each wasp_runtime_tick burns the tick's fuel
 * and comes back (suspended, then faulted after max_slices): the worst a tick costs. */
static int measure_spin(wasp_runtime *rt, uint64_t fuel) {
  if (wasp_runtime_load(rt, module_spin, module_spin_len) != WASP_OK) {
    last_error(rt, "spin module");
    return 0;
  }
  uint64_t worst = 0;
  for (uint32_t i = 0; i < SPIN_TICKS; i++) {
    uint64_t before = board_uptime_us();
    wasp_status s = wasp_runtime_tick(rt, now(), NULL);
    uint64_t took = board_uptime_us() - before;
    if (s != WASP_OK) {
      last_error(rt, "spin tick");
      return 0;
    }
    if (took > worst) worst = took;
  }
  board_log("measure: a tick that never returns, fuel %lu: at most %lu us, %lu instructions", (unsigned long)fuel,
            (unsigned long)worst, (unsigned long)(worst * INSNS_PER_US));
  return 1;
}

/* Trap, restart, RESTARTS times; the heap after the last restart equals the first. */
static int contain_faults(wasp_runtime *rt) {
  if (wasp_runtime_load(rt, module_trap, module_trap_len) != WASP_OK) {
    last_error(rt, "trap module");
    return 0;
  }
  uint32_t after_first = 0;
  for (uint32_t i = 1; i <= RESTARTS; i++) {
    wasp_status s = wasp_runtime_tick(rt, now(), NULL);
    if (s != WASP_ERR_FAULTED) {
      board_log("ERROR trap module: tick %lu answered %s", (unsigned long)i, wasp_status_name(s));
      return 0;
    }
    if (i == 1) {
      last_error(rt, "trap module: its tick faulted, reported as");
      port.quiet = 1;
    }
    if (wasp_runtime_restart(rt) != WASP_OK) {
      last_error(rt, "restart");
      return 0;
    }
    if (i == 1) after_first = heap().in_use;
  }
  port.quiet = 0;
  uint32_t after_all = heap().in_use;
  board_log("INFO  fault containment: %lu traps and restarts, heap in use after the first %lu B, after the last %lu B",
            (unsigned long)RESTARTS, (unsigned long)after_first, (unsigned long)after_all);
  return after_first == after_all;
}

int main(void) {
  board_clock_start();
  wasp_port vt;
  board_log("INFO  mps2-an386 C firmware, libwasp %lu.%lu.%lu", (unsigned long)(wasp_version() >> 16),
            (unsigned long)(wasp_version() >> 8 & 0xff), (unsigned long)(wasp_version() & 0xff));
  /* A port whose raster is not made yet: enough for the early calls. */
  wasp_port early = {.struct_size = sizeof early, .version = WASP_PORT_VERSION_MAJOR, .user = &port};
  if (port_init(&port, &vt, EPOCH_US) != WASP_ERR_NOT_INITIALIZED) return 1;
  early.now_us = vt.now_us;
  early.log = vt.log;
  if (!platform_up(&early)) return 1;
  wasp_status s = port_init(&port, &vt, EPOCH_US);
  if (s != WASP_OK) {
    board_log("ERROR port: %s", wasp_status_name(s));
    return 1;
  }
  uint32_t port_heap = heap().in_use;
  board_log("INFO  port up (raster 240x240 in %lu-row bands, %lu B of records), heap in use %lu B",
            (unsigned long)PORT_BAND_ROWS, (unsigned long)PORT_RECORD_BYTES, (unsigned long)port_heap);

  wasp_config config = {.struct_size = sizeof config, .limits_preset = WASP_LIMITS_SMALL,
                        .module_config = STATIONS, .module_config_len = sizeof STATIONS - 1,
                        .guest_memory_bytes = GUEST_MEMORY_BYTES, .init_fuel = INIT_FUEL,
                        .image_bytes = IMAGE_BYTES};
  wasp_runtime *rt = NULL;
  if ((s = wasp_runtime_new(&vt, &config, &rt)) != WASP_OK) {
    board_log("ERROR runtime: %s", wasp_status_name(s));
    return 1;
  }
  size_t audio_len = (size_t)(module_audio_end - module_audio);
  uint64_t before = board_uptime_us();
  if (wasp_runtime_load(rt, module_audio, audio_len) != WASP_OK) {
    last_error(rt, "load");
    return 1;
  }
  uint64_t took = board_uptime_us() - before;
  board_log("measure: audio module: wasp_runtime_load (validate, translate, wasp_init) %lu us, %lu instructions",
            (unsigned long)took, (unsigned long)(took * INSNS_PER_US));
  board_log("INFO  loaded audio (%lu B), heap in use %lu B", (unsigned long)audio_len, (unsigned long)heap().in_use);
  int ended = play(rt);

  uint8_t digest[16];
  char stream[33], plane[33];
  md5_final(&port.chip.stream, digest);
  md5_hex(digest, stream);
  md5_hex(port.last_plane, plane);
  board_log("INFO  decoder chip: %lu units, stream %lu B md5 %s, %lu overruns", (unsigned long)port.units,
            (unsigned long)port.chip.written, stream, (unsigned long)port.chip.overruns);
  size_t records = 0;
  (void)wasp_raster_records_high_water(port.raster, &records);
  board_log("INFO  display: %lu frames, last graphics %s", (unsigned long)port.frames, plane);
  board_log("INFO  display: draw records high-water %lu B of %lu", (unsigned long)records,
            (unsigned long)PORT_RECORD_BYTES);
  wasp_heap_stats h = heap();
  board_log("INFO  heap in use %lu B, heap high-water %lu B of %lu, %lu failed allocations", (unsigned long)h.in_use,
            (unsigned long)h.high_water, (unsigned long)h.arena_bytes, (unsigned long)h.failed);
  board_log("measure: stack high-water %lu B", (unsigned long)startup_stack_high_water());

  s = wasp_runtime_destroy(rt);
  /* Destroying the runtime closed what the module held (its images in the raster). */
  int released = s == WASP_OK && heap().in_use == port_heap;
  board_log("INFO  audio runtime destroyed (%s), heap in use %lu B", wasp_status_name(s), (unsigned long)heap().in_use);

  /* Fault containment and the worst tick, each in a fresh runtime. */
  wasp_config small = {.struct_size = sizeof small, .limits_preset = WASP_LIMITS_SMALL};
  int contained = wasp_runtime_new(&vt, &small, &rt) == WASP_OK && contain_faults(rt) &&
                  wasp_runtime_destroy(rt) == WASP_OK;
  int measured = 1;
  for (uint64_t fuel = 200000; fuel >= 20000 && measured; fuel /= 10) {
    small.fuel_per_tick = fuel;
    measured = wasp_runtime_new(&vt, &small, &rt) == WASP_OK && measure_spin(rt, fuel) &&
               wasp_runtime_destroy(rt) == WASP_OK;
  }
  released &= heap().in_use == port_heap;
  board_log("INFO  all runtimes destroyed, heap in use %lu B", (unsigned long)heap().in_use);
  if (!ended || port.chip.overruns || !measured || !contained || !released) {
    board_log("ERROR the run failed: ended %d, overruns %lu, measured %d, contained %d, heap released %d", ended,
              (unsigned long)port.chip.overruns, measured, contained, released);
    return 1;
  }
  board_log("INFO  Test OK");
  return 0;
}
