/* board.c — clock, log, exit and the button interrupt (board.h).
 *
 * The interrupt and the main loop share only `periods` (written by the interrupt)
 * and a single-producer, single-consumer ring of key presses whose indices each
 * side writes alone: no library call is ever made from the interrupt (docs/mcu-c.md,
 * "Interrupts"). */
#include "board.h"

#include <stdarg.h>
#include <stdio.h>

#include "semihost.h"

/* SysTick registers (ARMv7-M ARM §B3.3.2). */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define CYCLES_PER_US (CORE_CLOCK_HZ / 1000000u)
#define RELOAD (CYCLES_PER_US * SYSTICK_PERIOD_US - 1u)

static volatile uint32_t periods;

void board_clock_start(void) {
  SYST_RVR = RELOAD;
  SYST_CVR = 0;
  SYST_CSR = 0x7; /* core clock, interrupt, enable */
}

uint64_t board_uptime_us(void) {
  for (;;) {
    uint32_t before = periods;
    uint32_t current = SYST_CVR;
    if (periods == before) {
      uint32_t elapsed = RELOAD - (current > RELOAD ? RELOAD : current);
      return (uint64_t)before * SYSTICK_PERIOD_US + elapsed / CYCLES_PER_US;
    }
  }
}

void board_log(const char *fmt, ...) {
  char line[320];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n > sizeof line - 2) n = (int)sizeof line - 2;
  line[n] = '\n';
  semihost_write(line, (size_t)n + 1);
}

void board_exit(int success) { semihost_exit(success); }

/* ---------------------------------------------------------------- Buttons */

/* The scripted presses (ABI keys: VolumeUp 50, VolumeDown 51, Mute 52), uptime µs. */
static const board_key SCRIPT[] = {{50, 1500000}, {50, 2000000}, {51, 2500000}, {52, 3000000}};
#define SCRIPTED (sizeof SCRIPT / sizeof SCRIPT[0])
#define RING 8u

static board_key ring[RING];
static volatile uint32_t ring_in;  /* written by the interrupt only */
static volatile uint32_t ring_out; /* written by the main loop only */
static uint32_t next_press;        /* interrupt only */

void SysTick_Handler(void) {
  periods = periods + 1;
  uint64_t now = (uint64_t)periods * SYSTICK_PERIOD_US;
  if (next_press < SCRIPTED && now >= SCRIPT[next_press].at_us) {
    if (ring_in - ring_out < RING) {
      ring[ring_in % RING] = (board_key){SCRIPT[next_press].key, now};
      __asm__ volatile("dmb" ::: "memory");
      ring_in = ring_in + 1;
    }
    next_press++;
  }
}

int board_key_take(board_key *out) {
  if (ring_out == ring_in) return 0;
  __asm__ volatile("dmb" ::: "memory");
  *out = ring[ring_out % RING];
  ring_out = ring_out + 1;
  return 1;
}
