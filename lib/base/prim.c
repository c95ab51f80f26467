#include "config.h"

#include "base/prim.h"

#include <errno.h>
#include <fcntl.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

void *prim_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	return r == -1 ? MAP_FAILED : (void *)r;
}

void *prim_mremap(void *old, size_t old_len, size_t new_len, int flags,
		  void *new_addr)
{
	long r = syscall(SYS_mremap, old, old_len, new_len, flags, new_addr);
	return r == -1 ? MAP_FAILED : (void *)r;
}

void *prim_map(size_t len)
{
	void *p = prim_mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void *prim_reserve(size_t len, size_t align)
{
	int saved = errno;
	size_t span = len + align;
	char *p = prim_mmap(NULL, span, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* trim to an aligned window so that pfn arithmetic stays simple */
	uintptr_t start = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	if (start > (uintptr_t)p)
		prim_unmap(p, start - (uintptr_t)p);
	size_t tail = (uintptr_t)p + span - (start + len);
	if (tail)
		prim_unmap((char *)start + len, tail);
	errno = saved;
	return (void *)start;
}

int prim_commit(void *addr, size_t len)
{
	return (int)syscall(SYS_mprotect, addr, len, PROT_READ | PROT_WRITE);
}

int prim_unmap(void *addr, size_t len)
{
	return (int)syscall(SYS_munmap, addr, len);
}

int prim_discard(void *addr, size_t len)
{
	return (int)syscall(SYS_madvise, addr, len, MADV_DONTNEED);
}

void prim_write_all(int fd, const char *buf, size_t len)
{
	int saved = errno;
	while (len) {
		long n = syscall(SYS_write, fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		buf += n;
		len -= (size_t)n;
	}
	errno = saved;
}

long prim_read_file(const char *path, char *buf, size_t cap)
{
	long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = 0;
	for (;;) {
		char extra;
		long n = len < cap ? syscall(SYS_read, fd, buf + len, cap - len)
				   : syscall(SYS_read, fd, &extra, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			syscall(SYS_close, fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		if (len == cap) {
			syscall(SYS_close, fd);
			errno = EFBIG;
			return -1;
		}
		len += (size_t)n;
	}
	syscall(SYS_close, fd);
	return (long)len;
}

const char *prim_getenv(const char *name)
{
	size_t n = strlen(name);
	if (!environ)
		return NULL;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

size_t prim_page_size(void)
{
	unsigned long ps = getauxval(AT_PAGESZ);
	return ps ? ps : 4096;
}

int prim_open(const char *path, int flags, int mode)
{
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

int prim_close(int fd)
{
	return (int)syscall(SYS_close, fd);
}

long prim_read(int fd, void *buf, size_t len)
{
	long n;
	do
		n = syscall(SYS_read, fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

long prim_write(int fd, const void *buf, size_t len)
{
	long n;
	do
		n = syscall(SYS_write, fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

long prim_pread(int fd, void *buf, size_t len, off_t off)
{
	long n;
	do
		n = syscall(SYS_pread64, fd, buf, len, off);
	while (n < 0 && errno == EINTR);
	return n;
}

int prim_file_size(int fd, size_t *size)
{
	struct stat st;
	if (syscall(SYS_fstat, fd, &st) < 0)
		return -1;
	*size = (size_t)st.st_size;
	return 0;
}

int prim_flock(int fd, int op)
{
	long r;
	do
		r = syscall(SYS_flock, fd, op);
	while (r < 0 && errno == EINTR);
	return (int)r;
}

long prim_readlink(const char *path, char *buf, size_t len)
{
	if (len == 0)
		return -1;
	long n = syscall(SYS_readlinkat, AT_FDCWD, path, buf, len - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

pid_t prim_getpid(void)
{
	return (pid_t)syscall(SYS_getpid);
}
