/* startup.c — the vector table and reset for Cortex-M4F (ARMv7-M ARM §B1.5.3):
 * word 0 the initial stack pointer, then the handlers. Reset copies .data from
 * flash, zeroes .bss, paints the stack (for its high-water), turns the FPU on
 * (CPACR CP10/CP11 full access, §B3.2.20) and calls main. A fault is logged and
 * ends the run with failure, so it never hangs QEMU. */
#include <stdint.h>
#include <string.h>

#include "board.h"

extern uint32_t _data_load, _data_start, _data_end, _bss_start, _bss_end;
extern uint32_t _stack_bottom, _stack_top;
int main(void);
void SysTick_Handler(void);

/** The word the stack is painted with. */
#define PAINT 0xC0DEC0DEu

void reset_handler(void) {
  memcpy(&_data_start, &_data_load, (size_t)((char *)&_data_end - (char *)&_data_start));
  memset(&_bss_start, 0, (size_t)((char *)&_bss_end - (char *)&_bss_start));
  /* Paint the stack below the current frame (a few words of margin). */
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  for (uint32_t *w = &_stack_bottom; w < sp - 16; w++) *w = PAINT;
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20; /* CPACR: CP10, CP11 */
  __asm__ volatile("dsb\n isb" ::: "memory");
  board_exit(main() == 0);
}

/** Bytes of stack ever used (the painted words not overwritten). */
uint32_t startup_stack_high_water(void) {
  uint32_t *w = &_stack_bottom;
  while (w < &_stack_top && *w == PAINT) w++;
  return (uint32_t)((char *)&_stack_top - (char *)w);
}

/* Called with the exception frame: r0-r3, r12, lr, pc, xPSR (§B1.5.6). */
__attribute__((used)) void fault_report(const uint32_t *frame) {
  board_log("HardFault at pc 0x%08lx, lr 0x%08lx", (unsigned long)frame[6], (unsigned long)frame[5]);
  board_exit(0);
}

/* Naked: the frame is at MSP on entry, before any prologue moves it. */
__attribute__((naked)) void hard_fault_handler(void) {
  __asm__ volatile("mrs r0, msp\n b fault_report");
}
#define other_fault_handler hard_fault_handler

__attribute__((section(".vectors"), used)) static const void *const VECTORS[16] = {
    &_stack_top,          /* initial SP */
    reset_handler,        /* Reset */
    other_fault_handler,  /* NMI */
    hard_fault_handler,   /* HardFault */
    other_fault_handler,  /* MemManage */
    other_fault_handler,  /* BusFault */
    other_fault_handler,  /* UsageFault */
    0, 0, 0, 0,           /* reserved */
    other_fault_handler,  /* SVCall */
    other_fault_handler,  /* DebugMonitor */
    0,                    /* reserved */
    other_fault_handler,  /* PendSV */
    SysTick_Handler,      /* SysTick */
};
