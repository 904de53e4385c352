/* modules.h — the WebAssembly modules in the firmware's flash: the audio player
 * (targets/modules' wasp-audio.wasm, included by modules.S) and two small modules
 * written out by hand for the fault-containment and tick-cost runs. */
#ifndef MODULES_H_
#define MODULES_H_

#include <stddef.h>
#include <stdint.h>

extern const uint8_t module_audio[];
extern const uint8_t module_audio_end[];

/** A module whose every tick traps (`unreachable`). */
extern const uint8_t module_trap[];
extern const size_t module_trap_len;
/** A module whose tick never returns (`loop br 0`): it burns each tick's fuel. */
extern const uint8_t module_spin[];
extern const size_t module_spin_len;

#endif /* MODULES_H_ */
