/*
 * The reference firmware of a Linux TV stick: the Linux port (wasp_linux.h) under
 * the wasp runtime (wasp.h), playing one URL with a player module.
 *
 *   tv-stick [options] [URL]
 *     --config FILE        `key = value` lines, the long options' names without
 *                          dashes (module = /usr/share/wasp/wasp-tv.wasm ...);
 *                          arguments after it override it
 *     --module PATH        the player module (default /usr/share/wasp/wasp-tv.wasm)
 *     --drm PATH           DRM/KMS device (/dev/dri/card0); falls back to --fbdev
 *     --fbdev PATH         framebuffer device, or a file for RGB888 pictures
 *     --v4l2 PATH          V4L2 M2M video decoder (/dev/video10); software otherwise
 *     --evdev PATH         input device (the remote), or a file of input_events
 *     --alsa NAME          play the audio on an ALSA PCM (default, hw:0,0, null)
 *     --wav PATH           write the played audio to a WAV file
 *     --kv PATH            key-value store file (resume points, settings)
 *     --file-root DIR      confine local fetches to DIR (default: the local URL's
 *                          folder; none for an http:// URL)
 *     --frame-log PATH     one ffmpeg framemd5 line per picture shown
 *     --audio-log PATH     one framemd5 line per decoded audio frame
 *     --screen-log PATH    per composed screen: the pts (in us) of the picture on it, or -, and
 *                          the md5 of its RGB888 pixels
 *     --size WxH           display size (default 1280x720)
 *     --timebase N         frame log time base 1/N s (default 90000)
 *     --virtual-clock      deterministic virtual time, faster than real time
 *     --max-seconds S      give up after S seconds of device time (default: none)
 *     --set KEY=VALUE      a module configuration line (autoplay=0, start_ms=...)
 *
 * Exit status: 0 the presentation ended (or SIGINT/SIGTERM stopped the player),
 * 1 the player failed (error state, a module that keeps faulting, time limit),
 * 2 usage or configuration error (arguments, files that cannot be read).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasp.h"
#include "wasp_linux.h"
#include "wasp_port.h"

#define MAX_CONFIG 8192
#define MAX_RESTARTS 3
/* Longest virtual step: the module sees time pass at least this finely. */
#define VIRTUAL_STEP_US 20000
/* Stack of the player thread: the interpreter's native stack grows with the
 * guest's call depth (bounded by the runtime's limits), and an unoptimised
 * libwasp needs far more than the 8 MiB a main thread usually gets. */
#define PLAYER_STACK_BYTES (256u << 20)

typedef struct options {
  char module[1024];
  char url[2048];
  char paths[11][1024]; /* fbdev evdev wav kv frame-log audio-log screen-log drm alsa v4l2
                           file-root */
  uint32_t width, height, timebase, virtual_clock;
  double max_seconds;
  char module_config[MAX_CONFIG];
  size_t module_config_len;
} options;

static const char *const kPathNames[11] = {
    "fbdev", "evdev", "wav", "kv", "frame-log", "audio-log", "screen-log",
    "drm",   "alsa",  "v4l2", "file-root"};

static volatile sig_atomic_t g_stop = 0;

static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

static int usage(const char *why) {
  fprintf(stderr, "tv-stick: %s\nusage: tv-stick [--config FILE] [--module PATH] "
                  "[--drm PATH] [--fbdev PATH] [--v4l2 PATH] [--evdev PATH] [--alsa NAME] [--wav PATH] [--kv PATH] "
                  "[--frame-log PATH] [--audio-log PATH] [--screen-log PATH] "
                  "[--size WxH] [--timebase N] [--virtual-clock] [--max-seconds S] "
                  "[--set KEY=VALUE]... [URL]\n",
          why);
  return 2;
}

static int copy(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n >= cap) return 0;
  memcpy(dst, src, n + 1);
  return 1;
}

static int add_config_line(options *o, const char *line) {
  size_t n = strlen(line);
  if (memchr(line, '\n', n) != NULL || o->module_config_len + n + 1 > MAX_CONFIG) return 0;
  memcpy(o->module_config + o->module_config_len, line, n);
  o->module_config_len += n;
  o->module_config[o->module_config_len++] = '\n';
  return 1;
}

/* Applies one option by name (without dashes); 0 when unknown or invalid. */
static int apply(options *o, const char *name, const char *value) {
  for (int i = 0; i < 11; i++) {
    if (strcmp(name, kPathNames[i]) == 0) return copy(o->paths[i], sizeof o->paths[i], value);
  }
  if (strcmp(name, "module") == 0) return copy(o->module, sizeof o->module, value);
  if (strcmp(name, "url") == 0) return copy(o->url, sizeof o->url, value);
  if (strcmp(name, "size") == 0) {
    unsigned w = 0, h = 0;
    char tail;
    if (sscanf(value, "%ux%u%c", &w, &h, &tail) != 2 || w == 0 || h == 0 || w > 8192 ||
        h > 8192) {
      return 0;
    }
    o->width = w;
    o->height = h;
    return 1;
  }
  if (strcmp(name, "timebase") == 0) {
    char *end;
    unsigned long v = strtoul(value, &end, 10);
    if (*end != '\0' || v == 0 || v > 100000000UL) return 0;
    o->timebase = (uint32_t)v;
    return 1;
  }
  if (strcmp(name, "virtual-clock") == 0) {
    if (strcmp(value, "1") != 0 && strcmp(value, "0") != 0) return 0;
    o->virtual_clock = value[0] == '1';
    return 1;
  }
  if (strcmp(name, "max-seconds") == 0) {
    char *end;
    o->max_seconds = strtod(value, &end);
    return *end == '\0' && o->max_seconds > 0;
  }
  if (strcmp(name, "set") == 0) return strchr(value, '=') != NULL && add_config_line(o, value);
  return 0;
}

static char *trim(char *s) {
  char *end;
  while (*s == ' ' || *s == '\t') s++;
  end = s + strlen(s);
  while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n')) {
    *--end = '\0';
  }
  return s;
}

static int read_config(options *o, const char *path) {
  char line[4096];
  int number = 0;
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    fprintf(stderr, "tv-stick: %s: cannot read\n", path);
    return 0;
  }
  while (fgets(line, sizeof line, f) != NULL) {
    char *eq, *name, *value;
    number++;
    name = trim(line);
    if (*name == '\0' || *name == '#') continue;
    eq = strchr(name, '=');
    if (eq == NULL) {
      fprintf(stderr, "tv-stick: %s:%d: expected key = value\n", path, number);
      fclose(f);
      return 0;
    }
    *eq = '\0';
    value = trim(eq + 1);
    name = trim(name);
    if (!apply(o, name, value)) {
      fprintf(stderr, "tv-stick: %s:%d: bad setting %s\n", path, number, name);
      fclose(f);
      return 0;
    }
  }
  fclose(f);
  return 1;
}

static int parse_args(options *o, int argc, char **argv) {
  memset(o, 0, sizeof *o);
  strcpy(o->module, "/usr/share/wasp/wasp-tv.wasm");
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--virtual-clock") == 0) {
      o->virtual_clock = 1;
    } else if (strncmp(arg, "--", 2) == 0) {
      if (i + 1 >= argc) return usage("an option lacks its value");
      if (strcmp(arg, "--config") == 0) {
        if (!read_config(o, argv[++i])) return 2;
      } else if (!apply(o, arg + 2, argv[++i])) {
        fprintf(stderr, "tv-stick: %s %s: unknown option or bad value\n", arg, argv[i]);
        return 2;
      }
    } else if (!copy(o->url, sizeof o->url, arg)) {
      return usage("URL too long");
    }
  }
  if (o->url[0] == '\0') return usage("no URL");
  return 0;
}

/* A local URL's folder confines the module's local fetches by default (the
 * module is untrusted: it reads the stream's files, not the device's). */
static void default_file_root(options *o) {
  const char *path = strncmp(o->url, "file://", 7) == 0 ? o->url + 7 : o->url;
  const char *slash = strrchr(path, '/');
  size_t n;
  if (strstr(o->url, "://") != NULL && path == o->url) return; /* http:// etc. */
  if (slash == NULL) {
    strcpy(o->paths[10], ".");
    return;
  }
  n = slash == path ? 1 : (size_t)(slash - path);
  if (n < sizeof o->paths[10]) {
    memcpy(o->paths[10], path, n);
    o->paths[10][n] = '\0';
  }
}

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  long size;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
    buf = (uint8_t *)malloc((size_t)size);
    if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
      free(buf);
      buf = NULL;
    }
    *len = (size_t)size;
  }
  fclose(f);
  return buf;
}

static void print_last_error(wasp_runtime *rt, const char *what) {
  char text[1024];
  size_t len = 0;
  if (wasp_runtime_last_error(rt, text, sizeof text, &len) != WASP_OK) text[0] = '\0';
  fprintf(stderr, "tv-stick: %s: %s\n", what, text);
}

/* Runs the loop until the player ends, fails, or a signal stops it. */
static int run(wasp_linux *dev, wasp_runtime *rt, const options *o) {
  int64_t start = wasp_linux_now(dev), last = start;
  int64_t limit = o->max_seconds > 0 ? (int64_t)(o->max_seconds * 1e6) : 0;
  int restarts = 0, still = 0;
  for (;;) {
    int64_t now = wasp_linux_now(dev), next = now;
    uint32_t state = wasp_linux_state(dev);
    wasp_status s;
    if (g_stop) {
      wasp_runtime_stop(rt);
      wasp_runtime_tick(rt, now, NULL);
      fprintf(stderr, "tv-stick: stopped\n");
      return 0;
    }
    s = wasp_runtime_tick(rt, now, &next);
    if (s == WASP_ERR_FAULTED) {
      print_last_error(rt, "the module faulted");
      if (++restarts > MAX_RESTARTS || wasp_runtime_restart(rt) != WASP_OK) return 1;
      continue;
    }
    if (s != WASP_OK) {
      print_last_error(rt, wasp_status_name(s));
      return 1;
    }
    state = wasp_linux_state(dev);
    if (state == WASP_STATE_ENDED) {
      fprintf(stderr, "tv-stick: ended after %.3f s\n", (double)(now - start) / 1e6);
      return 0;
    }
    if (state == WASP_STATE_ERROR) {
      fprintf(stderr, "tv-stick: the player reported an error\n");
      return 1;
    }
    if (limit > 0 && now - start > limit) {
      fprintf(stderr, "tv-stick: no end after %.3f s\n", o->max_seconds);
      return 1;
    }
    if (wasp_linux_has_events(dev) && still < 1000) {
      /* Events for the module: tick again at once (bounded, so a port that
       * always has events still lets time pass). */
      still = now == last ? still + 1 : 0;
      last = now;
      continue;
    }
    still = 0;
    last = wasp_linux_wait(dev, next > now ? next : now + 1000,
                           o->virtual_clock ? VIRTUAL_STEP_US : 0);
  }
}

typedef struct session {
  wasp_linux *dev;
  wasp_runtime *rt;
  const options *o;
  const uint8_t *module;
  size_t module_len;
  int code;
} session;

/* Loads the module and runs the loop. */
static void *player_thread(void *arg) {
  session *s = (session *)arg;
  if (wasp_runtime_load(s->rt, s->module, s->module_len) != WASP_OK) {
    print_last_error(s->rt, s->o->module);
    s->code = 2;
    return NULL;
  }
  s->code = run(s->dev, s->rt, s->o);
  return NULL;
}

/* Runs the player on a thread with a large stack (its pages are touched only as
 * deep as the interpreter goes). */
static int run_on_big_stack(wasp_linux *dev, wasp_runtime *rt, const options *o,
                            const uint8_t *module, size_t module_len) {
  pthread_attr_t attr;
  pthread_t thread;
  session s = {dev, rt, o, module, module_len, 1};
  if (pthread_attr_init(&attr) != 0) return 1;
  if (pthread_attr_setstacksize(&attr, PLAYER_STACK_BYTES) != 0 ||
      pthread_create(&thread, &attr, player_thread, &s) != 0) {
    pthread_attr_destroy(&attr);
    fprintf(stderr, "tv-stick: cannot start the player thread\n");
    return 1;
  }
  pthread_attr_destroy(&attr);
  pthread_join(thread, NULL);
  return s.code;
}

int main(int argc, char **argv) {
  options o;
  wasp_linux_config dc;
  wasp_linux *dev = NULL;
  wasp_port port;
  wasp_config config;
  wasp_runtime *rt = NULL;
  uint8_t *module;
  size_t module_len = 0;
  char url_line[2100];
  int code = parse_args(&o, argc, argv);
  if (code != 0) return code;

  module = read_file(o.module, &module_len);
  if (module == NULL) {
    fprintf(stderr, "tv-stick: %s: cannot read the module\n", o.module);
    return 2;
  }
  memset(&dc, 0, sizeof dc);
  dc.fbdev_path = o.paths[0][0] ? o.paths[0] : NULL;
  dc.evdev_path = o.paths[1][0] ? o.paths[1] : NULL;
  dc.wav_path = o.paths[2][0] ? o.paths[2] : NULL;
  dc.kv_path = o.paths[3][0] ? o.paths[3] : NULL;
  dc.frame_log_path = o.paths[4][0] ? o.paths[4] : NULL;
  dc.audio_log_path = o.paths[5][0] ? o.paths[5] : NULL;
  dc.screen_log_path = o.paths[6][0] ? o.paths[6] : NULL;
  dc.drm_path = o.paths[7][0] ? o.paths[7] : NULL;
  dc.alsa_device = o.paths[8][0] ? o.paths[8] : NULL;
  dc.v4l2_path = o.paths[9][0] ? o.paths[9] : NULL;
  if (o.paths[10][0] == '\0') default_file_root(&o);
  dc.file_root = o.paths[10][0] ? o.paths[10] : NULL;
  dc.width = o.width;
  dc.height = o.height;
  dc.frame_timebase = o.timebase;
  dc.virtual_clock = o.virtual_clock;
  if (wasp_linux_new(&dc, &dev) != WASP_OK) {
    fprintf(stderr, "tv-stick: the device could not be opened (the reason is above)\n");
    free(module);
    return 2;
  }
  snprintf(url_line, sizeof url_line, "url=%s", o.url);
  if (!add_config_line(&o, url_line)) {
    fprintf(stderr, "tv-stick: module configuration too long\n");
    wasp_linux_free(dev);
    free(module);
    return 2;
  }
  wasp_linux_port(dev, &port);
  memset(&config, 0, sizeof config);
  config.struct_size = sizeof config;
  config.limits_preset = WASP_LIMITS_TV;
  config.module_config = o.module_config;
  config.module_config_len = o.module_config_len;
  if (wasp_runtime_new(&port, &config, &rt) != WASP_OK) {
    fprintf(stderr, "tv-stick: cannot create the runtime\n");
    wasp_linux_free(dev);
    free(module);
    return 2;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  code = run_on_big_stack(dev, rt, &o, module, module_len);
  free(module);
  {
    uint64_t pictures = 0, audio = 0, alsa = 0;
    wasp_linux_counts(dev, &pictures, &audio, &alsa);
    fprintf(stderr, "tv-stick: %llu pictures shown, %llu audio frames decoded\n",
            (unsigned long long)pictures, (unsigned long long)audio);
    if (alsa > 0) {
      fprintf(stderr, "tv-stick: %llu sample frames played on ALSA\n", (unsigned long long)alsa);
    }
  }
  wasp_runtime_destroy(rt);
  wasp_linux_free(dev);
  return code;
}
