/* The only door to the OS.
 *
 * The simulator runs inside programs whose mmap, munmap and malloc are
 * interposed, so it talks to the kernel with raw system calls: a call here
 * never re-enters the shim and never allocates.
 */
#ifndef GFPSHIM_PRIM_H
#define GFPSHIM_PRIM_H

#include <stddef.h>
#include <sys/types.h>

/* Anonymous private mapping, MAP_NORESERVE; NULL on failure (errno kept). */
void *prim_map(size_t len);
/* Reserve address space only (PROT_NONE); commit with prim_commit(). */
void *prim_reserve(size_t len, size_t align);
int prim_commit(void *addr, size_t len);
int prim_unmap(void *addr, size_t len);
/* Give the frames back to the OS; the range stays mapped and reads zero. */
int prim_discard(void *addr, size_t len);

void *prim_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *prim_mremap(void *old, size_t old_len, size_t new_len, int flags,
		  void *new_addr);

/* write(2) all of buf, retrying on EINTR and short writes; errno kept. */
void prim_write_all(int fd, const char *buf, size_t len);

/* Read a whole file into buf (at most cap bytes).  Returns the length, or
 * -1 with errno set (EFBIG when the file does not fit). */
long prim_read_file(const char *path, char *buf, size_t cap);

/* getenv() that works before libc is ready and never allocates. */
const char *prim_getenv(const char *name);

/* Files (symbol tables, the stack=unique record): raw system calls,
 * -1 with errno on failure. */
int prim_open(const char *path, int flags, int mode);
int prim_close(int fd);
long prim_read(int fd, void *buf, size_t len);
/* One write(2), retried on EINTR: bytes written, or -1 with errno. */
long prim_write(int fd, const void *buf, size_t len);
long prim_pread(int fd, void *buf, size_t len, off_t off);
int prim_file_size(int fd, size_t *size);
int prim_flock(int fd, int op);
/* readlink(2); NUL-terminates buf; returns the length or -1. */
long prim_readlink(const char *path, char *buf, size_t len);
pid_t prim_getpid(void);

/* Host page size (sysconf-free). */
size_t prim_page_size(void);

#endif
