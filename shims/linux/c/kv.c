/*
 * The key-value store: every entry in memory, the whole store written to one
 * file on each change and replaced atomically: write `PATH.tmp`, fsync it,
 * rename it over PATH, fsync the directory (a power cut leaves the old or the new
 * store, never a mix). Bounds (docs/abi.md `kv_set`): keys 1..64 bytes, values
 * at most 4 KiB, at most KV_MAX_ENTRIES entries.
 *
 * File: "WKV1", u32 count, then per entry u8 key length, u16 value length
 * (little-endian), key, value; then a u32 FNV-1a of everything before it. A file
 * that does not check is ignored (an empty store) rather than half read.
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define KV_MAX_KEY 64u
#define KV_MAX_VALUE 4096u
#define KV_MAX_ENTRIES 256u

typedef struct entry {
  uint8_t key[KV_MAX_KEY];
  size_t key_len;
  uint8_t *value;
  size_t value_len;
} entry;

struct kv_store {
  char *path;
  entry entries[KV_MAX_ENTRIES];
  size_t count;
};

static uint32_t fnv1a(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Parses a store image; 0 (and nothing kept) when it does not check. */
static int parse(struct kv_store *kv, const uint8_t *b, size_t n) {
  size_t at = 8, count;
  if (n < 12 || memcmp(b, "WKV1", 4) != 0 || get32(b + n - 4) != fnv1a(b, n - 4)) return 0;
  count = get32(b + 4);
  if (count > KV_MAX_ENTRIES) return 0;
  for (size_t i = 0; i < count; i++) {
    entry *e = &kv->entries[i];
    size_t kl, vl;
    if (at + 3 > n - 4) return 0;
    kl = b[at];
    vl = (size_t)b[at + 1] | (size_t)b[at + 2] << 8;
    at += 3;
    if (kl == 0 || kl > KV_MAX_KEY || vl > KV_MAX_VALUE || at + kl + vl > n - 4) return 0;
    e->value = (uint8_t *)malloc(vl ? vl : 1);
    if (e->value == NULL) return 0;
    memcpy(e->key, b + at, kl);
    memcpy(e->value, b + at + kl, vl);
    e->key_len = kl;
    e->value_len = vl;
    kv->count = i + 1;
    at += kl + vl;
  }
  return at == n - 4;
}

static void clear(struct kv_store *kv) {
  for (size_t i = 0; i < kv->count; i++) free(kv->entries[i].value);
  kv->count = 0;
}

struct kv_store *kv_open(const char *path) {
  struct kv_store *kv = (struct kv_store *)calloc(1, sizeof *kv);
  int fd;
  if (kv == NULL) return NULL;
  kv->path = (char *)malloc(strlen(path) + 1);
  if (kv->path == NULL) {
    free(kv);
    return NULL;
  }
  strcpy(kv->path, path);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    size_t cap = 8 + 4 + KV_MAX_ENTRIES * (3 + KV_MAX_KEY + KV_MAX_VALUE) + 1;
    uint8_t *b = (uint8_t *)malloc(cap);
    size_t n = 0;
    ssize_t got;
    while (b != NULL && n < cap && (got = read(fd, b + n, cap - n)) > 0) n += (size_t)got;
    if (b != NULL && n < cap && !parse(kv, b, n)) clear(kv);
    free(b);
    close(fd);
  }
  return kv;
}

void kv_close(struct kv_store *kv) {
  if (kv == NULL) return;
  clear(kv);
  free(kv->path);
  free(kv);
}

static int write_all(int fd, const uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) return 0;
    p += w;
    n -= (size_t)w;
  }
  return 1;
}

/* Writes the store: temp file, fsync, rename, fsync of the directory. */
static wasp_status save(struct kv_store *kv) {
  size_t n = 8, at = 8, plen = strlen(kv->path);
  uint8_t *b;
  char *tmp, *dir_copy;
  int fd, ok;
  for (size_t i = 0; i < kv->count; i++) n += 3 + kv->entries[i].key_len + kv->entries[i].value_len;
  b = (uint8_t *)malloc(n + 4);
  tmp = (char *)malloc(plen + 5);
  dir_copy = (char *)malloc(plen + 1);
  if (b == NULL || tmp == NULL || dir_copy == NULL) {
    free(b);
    free(tmp);
    free(dir_copy);
    return WASP_ERR_BUDGET_EXCEEDED;
  }
  memcpy(b, "WKV1", 4);
  put32(b + 4, (uint32_t)kv->count);
  for (size_t i = 0; i < kv->count; i++) {
    const entry *e = &kv->entries[i];
    b[at] = (uint8_t)e->key_len;
    b[at + 1] = (uint8_t)e->value_len;
    b[at + 2] = (uint8_t)(e->value_len >> 8);
    memcpy(b + at + 3, e->key, e->key_len);
    memcpy(b + at + 3 + e->key_len, e->value, e->value_len);
    at += 3 + e->key_len + e->value_len;
  }
  put32(b + n, fnv1a(b, n));
  memcpy(tmp, kv->path, plen);
  memcpy(tmp + plen, ".tmp", 5);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ok = fd >= 0 && write_all(fd, b, n + 4) && fsync(fd) == 0;
  if (fd >= 0) ok &= close(fd) == 0;
  ok = ok && rename(tmp, kv->path) == 0;
  if (ok) {
    int dfd;
    memcpy(dir_copy, kv->path, plen + 1);
    dfd = open(dirname(dir_copy), O_RDONLY | O_CLOEXEC);
    if (dfd >= 0) {
      ok = fsync(dfd) == 0;
      close(dfd);
    }
  } else {
    unlink(tmp);
  }
  free(b);
  free(tmp);
  free(dir_copy);
  return ok ? WASP_OK : WASP_ERR_IO;
}

static entry *find(struct kv_store *kv, const uint8_t *key, size_t key_len) {
  for (size_t i = 0; i < kv->count; i++) {
    if (kv->entries[i].key_len == key_len && memcmp(kv->entries[i].key, key, key_len) == 0) {
      return &kv->entries[i];
    }
  }
  return NULL;
}

wasp_status kv_get(void *user, const uint8_t *key, size_t key_len, uint8_t *out,
                   size_t cap, size_t *out_len) {
  wasp_linux *d = (wasp_linux *)user;
  entry *e = find(d->kv, key, key_len);
  if (e == NULL) return WASP_ERR_NOT_FOUND;
  *out_len = e->value_len;
  if (e->value_len <= cap && e->value_len > 0) memcpy(out, e->value, e->value_len);
  return WASP_OK;
}

wasp_status kv_set(void *user, const uint8_t *key, size_t key_len,
                   const uint8_t *value, size_t value_len) {
  wasp_linux *d = (wasp_linux *)user;
  struct kv_store *kv = d->kv;
  entry *e;
  uint8_t *copy, *old;
  size_t old_len;
  wasp_status s;
  if (key_len == 0 || key_len > KV_MAX_KEY || value_len > KV_MAX_VALUE) {
    return WASP_ERR_INVALID_ARGUMENT;
  }
  copy = (uint8_t *)malloc(value_len ? value_len : 1);
  if (copy == NULL) return WASP_ERR_BUDGET_EXCEEDED;
  if (value_len) memcpy(copy, value, value_len);
  e = find(kv, key, key_len);
  if (e == NULL) {
    if (kv->count == KV_MAX_ENTRIES) {
      free(copy);
      return WASP_ERR_BUDGET_EXCEEDED;
    }
    e = &kv->entries[kv->count++];
    memcpy(e->key, key, key_len);
    e->key_len = key_len;
    e->value = NULL;
    e->value_len = 0;
  }
  old = e->value;
  old_len = e->value_len;
  e->value = copy;
  e->value_len = value_len;
  s = save(kv);
  if (s != WASP_OK) {
    /* Not durable: the store stays as it was. */
    e->value = old;
    e->value_len = old_len;
    free(copy);
    if (old == NULL) kv->count--;
    return s;
  }
  free(old);
  return WASP_OK;
}

wasp_status kv_delete(void *user, const uint8_t *key, size_t key_len) {
  wasp_linux *d = (wasp_linux *)user;
  struct kv_store *kv = d->kv;
  entry *e = find(kv, key, key_len), removed;
  size_t at;
  wasp_status s;
  if (e == NULL) return WASP_ERR_NOT_FOUND;
  at = (size_t)(e - kv->entries);
  removed = *e;
  memmove(e, e + 1, (kv->count - at - 1) * sizeof *e);
  kv->count--;
  s = save(kv);
  if (s != WASP_OK) {
    memmove(&kv->entries[at + 1], &kv->entries[at], (kv->count - at) * sizeof *e);
    kv->entries[at] = removed;
    kv->count++;
    return s;
  }
  free(removed.value);
  return WASP_OK;
}
