/* Anonymous mappings under the shim: frames charged and given back as the
 * program maps, unmaps (partly), remaps and replaces; file mappings,
 * PROT_NONE reservations and MAP_NORESERVE pass through uncharged; the
 * bytes behave as the OS's always do (shared mappings across fork). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static unsigned long page;      /* simulated page size */

static long vm_pages(void)
{
	struct gfpshim_stats st;
	gfpshim_get_stats(&st, sizeof(st));
	return (long)st.vm_pages;
}

static long pages(size_t bytes)
{
	return (long)((bytes + page - 1) / page);
}

int main(void)
{
	if (!shim_loaded()) {
		printf("1..0 # SKIP the shim is not loaded\n");
		return 0;
	}
	struct gfpshim_stats st;
	gfpshim_get_stats(&st, sizeof(st));
	page = st.page_size;
	size_t hp = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = 1 << 20;
	long base = vm_pages();

	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "private anonymous mmap succeeds");
	CHECK(vm_pages() - base == pages(len), "its frames are charged");
	CHECK(gfpshim_owns(p + 1000), "the mapping is the shim's");
	memset(p, 0x11, len);

	/* a hole in the middle, then the two ends */
	CHECK(munmap(p + 16 * hp, 16 * hp) == 0, "munmap of a hole");
	CHECK(vm_pages() - base == pages(len) - pages(16 * hp),
	      "the hole's frames are given back");
	CHECK(p[0] == 0x11 && p[len - 1] == 0x11, "both sides keep their bytes");
	CHECK(munmap(p, 16 * hp) == 0 && munmap(p + 32 * hp, len - 32 * hp) == 0,
	      "munmap of both sides");
	CHECK(vm_pages() == base, "everything is given back");

	/* mremap: grow (maybe moving), shrink */
	char *q = mmap(NULL, 64 * hp, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(q, 0x22, 64 * hp);
	char *r = mremap(q, 64 * hp, 256 * hp, MREMAP_MAYMOVE);
	CHECK(r != MAP_FAILED && r[64 * hp - 1] == 0x22,
	      "mremap grows and keeps the bytes");
	CHECK(vm_pages() - base == pages(256 * hp), "growth is charged");
	char *r2 = mremap(r, 256 * hp, 8 * hp, 0);
	CHECK(r2 == r && vm_pages() - base == pages(8 * hp),
	      "mremap shrinks in place and gives frames back");
	/* move to a fixed place */
	char *dst = mmap(NULL, 8 * hp, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	char *r3 = mremap(r2, 8 * hp, 8 * hp, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	CHECK(r3 == dst && r3[0] == 0x22 && vm_pages() - base == pages(8 * hp),
	      "mremap to a fixed address moves the charge");
	/* MAP_FIXED over part of it */
	char *f = mmap(r3 + 2 * hp, 2 * hp, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(f == r3 + 2 * hp && f[0] == 0 &&
	      vm_pages() - base == pages(8 * hp),
	      "MAP_FIXED replaces the old charge with its own");
	munmap(r3, 8 * hp);
	CHECK(vm_pages() == base, "all of it is given back");

	/* what the kernel does not account is not charged */
	char *res = mmap(NULL, 1 << 30, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(res != MAP_FAILED && vm_pages() == base,
	      "a 1 GiB PROT_NONE reservation is not charged");
	munmap(res, 1 << 30);
	char *nr = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(nr != MAP_FAILED && vm_pages() == base,
	      "MAP_NORESERVE is not charged");
	munmap(nr, 1 << 20);
	int fd = open("/proc/self/exe", O_RDONLY);
	char *file = mmap(NULL, hp, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(file != MAP_FAILED && memcmp(file, "\177ELF", 4) == 0 &&
	      vm_pages() == base, "a file mapping passes through");
	munmap(file, hp);
	close(fd);

	/* shared anonymous: charged, and shared with a child */
	int *shared = mmap(NULL, 4 * hp, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(shared != MAP_FAILED && vm_pages() - base == pages(4 * hp),
	      "shared anonymous mmap is charged");
	pid_t pid = fork();
	if (pid == 0) {
		shared[0] = 42;
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK(shared[0] == 42, "the child's write is seen through the mapping");
	munmap(shared, 4 * hp);
	CHECK(vm_pages() == base, "shared mapping given back");

	/* more than the machine has: ENOMEM, nothing left mapped or charged */
	errno = 0;
	char *huge = mmap(NULL, (size_t)4 << 30, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(huge == MAP_FAILED && errno == ENOMEM && vm_pages() == base,
	      "a mapping larger than the machine fails with ENOMEM");

	char msg[256] = "";
	int rc = gfpshim_check(msg, sizeof(msg));
	CHECK(rc == 0, "invariant checker passes");
	if (rc)
		printf("# %s\n", msg);
	return done_testing();
}
