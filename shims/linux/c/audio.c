/*
 * The audio output: an ALSA PCM (when built with alsa-lib: WASP_LINUX_HAVE_ALSA)
 * and a WAV file sink (RIFF, PCM format 1, 16-bit; sizes patched in when the
 * device is flushed). Both receive the samples the media clock passes, 16-bit
 * interleaved stereo at 48 kHz. ALSA is opened non-blocking with 100 ms of
 * buffer: a sample that finds no room is counted and dropped (the port never
 * blocks), an underrun is recovered with snd_pcm_prepare.
 */
#define _POSIX_C_SOURCE 200809L

#include <string.h>

#if defined(WASP_LINUX_HAVE_ALSA)
#include <alsa/asoundlib.h>
#endif

#include "internal.h"

#define OUTPUT_CHANNELS 2u
#define OUTPUT_RATE 48000u

static void le32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void le16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

static void write_header(audio_sink *a) {
  uint8_t h[44];
  uint32_t rate = a->sample_rate ? a->sample_rate : OUTPUT_RATE;
  uint32_t data = a->data_bytes > 0xFFFFFFF0u ? 0xFFFFFFF0u : (uint32_t)a->data_bytes;
  memcpy(h, "RIFF", 4);
  le32(h + 4, 36 + data);
  memcpy(h + 8, "WAVEfmt ", 8);
  le32(h + 16, 16);
  le16(h + 20, 1);
  le16(h + 22, (uint16_t)a->channels);
  le32(h + 24, rate);
  le32(h + 28, rate * a->channels * 2);
  le16(h + 32, (uint16_t)(a->channels * 2));
  le16(h + 34, 16);
  memcpy(h + 36, "data", 4);
  le32(h + 40, data);
  if (fseek(a->wav, 0, SEEK_SET) == 0) fwrite(h, 1, sizeof h, a->wav);
  fseek(a->wav, 0, SEEK_END);
}

#if defined(WASP_LINUX_HAVE_ALSA)
static int alsa_open(wasp_linux *d, const char *name) {
  snd_pcm_t *pcm = NULL;
  int err = snd_pcm_open(&pcm, name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
  if (err == 0) {
    err = snd_pcm_set_params(pcm, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED,
                             OUTPUT_CHANNELS, OUTPUT_RATE, 1, 100000);
  }
  if (err != 0) {
    dev_log(d, WASP_LOG_ERROR, "ALSA %s: %s", name, snd_strerror(err));
    if (pcm != NULL) snd_pcm_close(pcm);
    return 0;
  }
  d->audio.pcm = pcm;
  return 1;
}

static void alsa_write(audio_sink *a, const int16_t *samples, size_t frames) {
  snd_pcm_t *pcm = (snd_pcm_t *)a->pcm;
  while (frames > 0) {
    snd_pcm_sframes_t n = snd_pcm_writei(pcm, samples, frames);
    if (n == -EPIPE || n == -ESTRPIPE) {
      if (snd_pcm_prepare(pcm) == 0) continue;
    }
    if (n <= 0) {
      a->pcm_dropped += frames;
      return;
    }
    a->pcm_frames += (uint64_t)n;
    samples += (size_t)n * a->channels;
    frames -= (size_t)n;
  }
}

void audio_close(wasp_linux *d) {
  if (d->audio.pcm != NULL) {
    snd_pcm_close((snd_pcm_t *)d->audio.pcm);
    /* alsa-lib caches its configuration globally: free it with the last PCM. */
    snd_config_update_free_global();
  }
  d->audio.pcm = NULL;
  if (d->audio.wav) fclose(d->audio.wav);
  d->audio.wav = NULL;
}
#else
static int alsa_open(wasp_linux *d, const char *name) {
  dev_log(d, WASP_LOG_ERROR, "ALSA %s: built without alsa-lib", name);
  return 0;
}

static void alsa_write(audio_sink *a, const int16_t *samples, size_t frames) {
  (void)a;
  (void)samples;
  (void)frames;
}

void audio_close(wasp_linux *d) {
  if (d->audio.wav) fclose(d->audio.wav);
  d->audio.wav = NULL;
}
#endif

int audio_init(wasp_linux *d) {
  d->audio.channels = OUTPUT_CHANNELS;
  if (d->config.alsa_device != NULL && !alsa_open(d, d->config.alsa_device)) return 0;
  if (d->config.wav_path == NULL) return 1;
  d->audio.wav = fopen(d->config.wav_path, "wb");
  if (d->audio.wav == NULL) {
    dev_log(d, WASP_LOG_ERROR, "%s: cannot create", d->config.wav_path);
    return 0;
  }
  write_header(&d->audio);
  return 1;
}

void audio_play(wasp_linux *d, uint32_t sample_rate, const int16_t *samples,
                size_t count) {
  audio_sink *a = &d->audio;
  uint8_t buf[1024];
  size_t at = 0;
  if (a->sample_rate == 0) a->sample_rate = sample_rate;
  if (a->pcm != NULL) alsa_write(a, samples, count / a->channels);
  if (a->wav == NULL) return;
  while (at < count) {
    size_t n = 0;
    for (; n < sizeof buf / 2 && at < count; n++, at++) {
      le16(buf + 2 * n, (uint16_t)samples[at]);
    }
    fwrite(buf, 2, n, a->wav);
    a->data_bytes += 2 * n;
  }
}

void audio_finish(wasp_linux *d) {
  if (d->audio.wav == NULL) return;
  write_header(&d->audio);
  fflush(d->audio.wav);
}

void audio_info(void *user, wasp_audio_output_info *out) {
  wasp_linux *d = (wasp_linux *)user;
  memset(out, 0, sizeof *out);
  out->channels = d->audio.channels;
  out->sample_rate = OUTPUT_RATE;
  out->latency_us = 40000;
}
