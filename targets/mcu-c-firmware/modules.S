/* modules.S — wasp-audio.wasm in flash (`AUDIO_WASM` is its path, given by run.sh). */
    .section .rodata.module_audio, "a"
    .balign 8
    .global module_audio
    .global module_audio_end
module_audio:
    .incbin AUDIO_WASM
module_audio_end:
