/*
 * Input from evdev: `struct input_event` records (linux/input.h) read from a
 * device, or from a regular file (tests write the events there), mapped to the
 * remote's keys (ABI `Key`). Key-down, key-up and autorepeat (value 1, 0, 2)
 * become WASP_KEY_DOWN, _UP and _REPEAT; other event types are ignored.
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"

/* Linux key code -> ABI Key (docs/abi.md "Key"). Remote controls send the
 * KEY_* codes of linux/input-event-codes.h; keyboards work too. */
static const struct {
  uint16_t code;
  uint32_t key;
} kKeys[] = {
    {KEY_0, 1},           {KEY_1, 2},          {KEY_2, 3},          {KEY_3, 4},
    {KEY_4, 5},           {KEY_5, 6},          {KEY_6, 7},          {KEY_7, 8},
    {KEY_8, 9},           {KEY_9, 10},         {KEY_UP, 16},        {KEY_DOWN, 17},
    {KEY_LEFT, 18},       {KEY_RIGHT, 19},     {KEY_ENTER, 20},     {KEY_OK, 20},
    {KEY_SELECT, 20},     {KEY_BACK, 21},      {KEY_ESC, 21},       {KEY_BACKSPACE, 21},
    {KEY_HOME, 22},       {KEY_HOMEPAGE, 22},  {KEY_MENU, 23},      {KEY_INFO, 24},
    {KEY_EXIT, 25},       {KEY_PLAYPAUSE, 32}, {KEY_SPACE, 32},     {KEY_PLAY, 33},
    {KEY_PAUSE, 34},      {KEY_STOP, 35},      {KEY_STOPCD, 35},    {KEY_FASTFORWARD, 36},
    {KEY_REWIND, 37},     {KEY_NEXTSONG, 38},  {KEY_PREVIOUSSONG, 39},
    {KEY_CHANNELUP, 48},  {KEY_CHANNELDOWN, 49}, {KEY_VOLUMEUP, 50}, {KEY_VOLUMEDOWN, 51},
    {KEY_MUTE, 52},       {KEY_SUBTITLE, 53},  {KEY_AUDIO, 54},     {KEY_RED, 64},
    {KEY_GREEN, 65},      {KEY_YELLOW, 66},    {KEY_BLUE, 67},
};

uint32_t input_key_of(uint16_t code) {
  for (size_t i = 0; i < sizeof kKeys / sizeof kKeys[0]; i++) {
    if (kKeys[i].code == code) return kKeys[i].key;
  }
  return 0;
}

int input_init(wasp_linux *d) {
  d->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (d->wake_fd < 0) return 0;
  if (d->config.evdev_path == NULL) return 1;
  d->input_fd = open(d->config.evdev_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (d->input_fd < 0) {
    dev_log(d, WASP_LOG_ERROR, "%s: cannot open the input device", d->config.evdev_path);
    return 0;
  }
  return 1;
}

void input_free(wasp_linux *d) {
  if (d->input_fd >= 0) close(d->input_fd);
  if (d->wake_fd >= 0) close(d->wake_fd);
  d->input_fd = d->wake_fd = -1;
}

void input_pump(wasp_linux *d, int timeout_ms) {
  struct input_event ev[16];
  if (timeout_ms > 0) {
    struct pollfd p[2] = {{d->wake_fd, POLLIN, 0}, {d->input_fd, POLLIN, 0}};
    poll(p, d->input_fd >= 0 ? 2 : 1, timeout_ms);
  }
  if (d->wake_fd >= 0) {
    uint64_t count;
    if (read(d->wake_fd, &count, sizeof count) < 0) count = 0; /* EAGAIN: none */
  }
  if (d->input_fd < 0) return;
  for (;;) {
    ssize_t n = read(d->input_fd, ev, sizeof ev);
    size_t count;
    if (n <= 0) break;
    count = (size_t)n / sizeof ev[0];
    for (size_t i = 0; i < count; i++) {
      wasp_host_event e;
      uint32_t key;
      if (ev[i].type != EV_KEY || ev[i].value < 0 || ev[i].value > 2) continue;
      key = input_key_of(ev[i].code);
      if (key == 0) continue;
      memset(&e, 0, sizeof e);
      e.kind = WASP_EVENT_KEY;
      e.key.time_us = dev_now(d);
      e.key.key = key;
      e.key.action = ev[i].value == 1 ? WASP_KEY_DOWN
                     : ev[i].value == 0 ? WASP_KEY_UP
                                        : WASP_KEY_REPEAT;
      if (!dev_push_event(d, &e)) {
        dev_log(d, WASP_LOG_WARN, "input: event queue full, key dropped");
      }
    }
    if ((size_t)n < sizeof ev) break;
  }
}
