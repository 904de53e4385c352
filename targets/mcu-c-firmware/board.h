/* board.h — the QEMU mps2-an386 board as the firmware uses it: the SysTick clock,
 * the log over semihosting, the run's end, and the scripted buttons whose presses
 * an interrupt queues for the main loop. */
#ifndef BOARD_H_
#define BOARD_H_

#include <stdint.h>

/** Core clock: QEMU's mps2 boards clock the core from the FPGA's 25 MHz SYSCLK
 *  (ARM AN386, "Clocks"); SysTick counts it. */
#define CORE_CLOCK_HZ 25000000u
/** SysTick interrupt period, µs. */
#define SYSTICK_PERIOD_US 1000u

/** Starts SysTick (1 ms periods, interrupt on). */
void board_clock_start(void);
/** Microseconds since `board_clock_start`. */
uint64_t board_uptime_us(void);
/** One log line (printf format, without the newline) on the semihosting console. */
void board_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Ends the run (QEMU's exit status 0 or 1). */
void board_exit(int success) __attribute__((noreturn));

/** A key press the SysTick interrupt queued: the ABI key and its uptime. */
typedef struct board_key {
  uint32_t key;
  uint64_t at_us;
} board_key;
/** Takes the oldest queued press (main loop only); 0 when none. */
int board_key_take(board_key *out);

#endif /* BOARD_H_ */
