/* Anonymous mappings as user memory: a mapping the kernel would account
 * (accountable_mapping(), mm/mmap.c: writable and not MAP_NORESERVE) is
 * charged order-0 GFP_HIGHUSER_MOVABLE frames on the simulated node; munmap
 * and mremap give them back or charge more.  The bytes are the OS's own
 * mapping, so the frames stay movable.  File mappings, PROT_NONE
 * reservations, MAP_NORESERVE and hugetlb mappings pass through uncharged;
 * so do mappings made while the shim itself runs (libunwind's).
 *
 * map_lock makes a syscall and its bookkeeping one step: without it, a
 * range unmapped by one thread and mapped again by another could be
 * uncharged after the other thread charged it. */
#include "config.h"

#include "shim/shim.h"
#include "shim/kernel_api.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/mman.h>

#include "base/prim.h"
#include "mm/vmalloc.h"

_Static_assert(sizeof(off_t) == 8, "mmap64 is mmap only with a 64-bit off_t");

static inline size_t page_align(size_t len)
{
	return (len + shim.host_page - 1) & ~(shim.host_page - 1);
}

static bool accountable(int prot, int flags)
{
	return (flags & MAP_ANONYMOUS) && (prot & PROT_WRITE) &&
	       !(flags & (MAP_NORESERVE | MAP_HUGETLB));
}

/* The shim's state for this call, or NULL when the call must pass
 * straight through (the shim's own mappings). */
static struct kheap_thread *map_thread(void)
{
	if (shim_self.depth)
		return NULL;
	return shim_thread();
}

SHIM_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	struct kheap_thread *kt = map_thread();
	bool fixed = flags & MAP_FIXED;

	if (!kt || (!accountable(prot, flags) && !fixed))
		return prim_mmap(addr, len, prot, flags, fd, off);

	pthread_mutex_lock(&shim.map_lock);
	void *p = prim_mmap(addr, len, prot, flags, fd, off);
	if (p == MAP_FAILED)
		goto out;
	size_t mlen = page_align(len);
	/* MAP_FIXED replaced whatever was mapped there */
	if (fixed)
		vm_user_uncharge(&shim.heap, kt, p, mlen);
	if (!accountable(prot, flags))
		goto out;
	shim_self.requests++;
	if (!vm_user_charge(&shim.heap, kt, p, mlen,
			    shim_gfp_context(GFP_HIGHUSER_MOVABLE))) {
		prim_unmap(p, mlen);
		p = MAP_FAILED;
		pthread_mutex_unlock(&shim.map_lock);
		shim_failed(kt);
		return p;
	}
out:
	pthread_mutex_unlock(&shim.map_lock);
	return p;
}

SHIM_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
			 off_t off) __attribute__((alias("mmap")));

SHIM_EXPORT int munmap(void *addr, size_t len)
{
	struct kheap_thread *kt = map_thread();
	if (!kt)
		return prim_unmap(addr, len);

	pthread_mutex_lock(&shim.map_lock);
	int r = prim_unmap(addr, len);
	if (r == 0)
		vm_user_uncharge(&shim.heap, kt, addr, page_align(len));
	pthread_mutex_unlock(&shim.map_lock);
	return r;
}

/* Make [old, old + len) one area of its own when it is charged only as part
 * of a larger area, so that it can be resized and moved on its own.  The
 * range is charged again as it was: the frames just given back are there
 * for it unless a fault rule says otherwise. */
static struct vm_area *user_area_exact(struct kheap_thread *kt, char *old,
				       size_t len)
{
	struct kheap *h = &shim.heap;
	struct vm_area *a = vm_area_find(h, old);

	if (a && a->kind == KHEAP_SITE_USER && page_align(a->len) == len)
		return a;
	struct vm_area *c = a ? a : vm_area_containing(h, old);
	if (!c || c->kind != KHEAP_SITE_USER)
		return NULL;
	vm_user_uncharge(h, kt, old, len);
	return vm_user_charge(h, kt, old, len, c->gfp);
}

SHIM_EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags,
			 ...)
{
	void *new_addr = NULL;
	if (flags & MREMAP_FIXED) {
		va_list ap;
		va_start(ap, flags);
		new_addr = va_arg(ap, void *);
		va_end(ap);
	}

	struct kheap_thread *kt = map_thread();
	if (!kt || old_len == 0) /* old_len 0: a second view of shared pages */
		return prim_mremap(old, old_len, new_len, flags, new_addr);

	struct kheap *h = &shim.heap;
	size_t olen = page_align(old_len), nlen = page_align(new_len);
	pthread_mutex_lock(&shim.map_lock);
	struct vm_area *a = user_area_exact(kt, old, olen);
	gfp_t gfp = a ? a->gfp : 0;

	if (a && nlen > olen) {
		shim_self.requests++;
		if (vm_user_resize(h, kt, old, nlen, gfp) < 0) {
			pthread_mutex_unlock(&shim.map_lock);
			shim_failed(kt);
			return MAP_FAILED;
		}
	}
	void *r = prim_mremap(old, old_len, new_len, flags, new_addr);
	if (r == MAP_FAILED) {
		int saved = errno;
		if (a && nlen > olen)
			vm_user_resize(h, kt, old, olen, gfp);
		errno = saved;
		goto out;
	}
	if (a && nlen < olen)
		vm_user_resize(h, kt, old, nlen, gfp);
	if (r != old) {
		/* the kernel unmapped whatever was at the destination */
		if (flags & MREMAP_FIXED)
			vm_user_uncharge(h, kt, r, nlen);
		if (a)
			vm_user_move(h, old, r);
	}
out:
	pthread_mutex_unlock(&shim.map_lock);
	return r;
}
