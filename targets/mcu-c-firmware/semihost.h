/* semihost.h — the host's files, console and exit through ARM semihosting
 * (ARM "Semihosting for AArch32 and AArch64", v2.0: SYS_OPEN 0x01, SYS_CLOSE 0x02,
 * SYS_WRITE 0x05, SYS_READ 0x06, SYS_SEEK 0x0A, SYS_FLEN 0x0C, SYS_EXIT 0x18).
 * QEMU serves them with `-semihosting-config enable=on,target=native`; paths are
 * relative to QEMU's working folder. Not safe from an interrupt. */
#ifndef SEMIHOST_H_
#define SEMIHOST_H_

#include <stddef.h>
#include <stdint.h>

/** Opens a host file for reading (binary); -1 when it cannot. */
int semihost_open(const char *path);
/** Closes a host file. */
void semihost_close(int fd);
/** Bytes in a host file; -1 on error. */
long semihost_length(int fd);
/** Reads up to `len` bytes at `offset`; the count read, -1 on error. */
long semihost_read_at(int fd, uint32_t offset, void *buf, size_t len);
/** Writes `len` bytes to the host's console. */
void semihost_write(const char *text, size_t len);
/** Ends the QEMU run: exit status 0 when `success`, 1 otherwise. */
void semihost_exit(int success) __attribute__((noreturn));

#endif /* SEMIHOST_H_ */
