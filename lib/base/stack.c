/* Capture the program's backtrace with libunwind's local unwinder.
 *
 * Capture may run inside the program's malloc (the fault predicate needs
 * the stack of an allocation), and the unwinder may allocate on its first
 * use in a thread: a thread-local guard makes such a nested capture return
 * no frames instead of recursing.
 */
#include "config.h"

#include "base/stack.h"

#include <errno.h>
#include <link.h>
#include <stdatomic.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#define TLS_IE __attribute__((tls_model("initial-exec")))
/* room for the shim's own frames above the program's */
#define CAPTURE_SLACK 32

static __thread int tls_in_capture TLS_IE;

struct text_range {
	uintptr_t lo, hi;
};

static int find_text(struct dl_phdr_info *info, size_t size, void *data)
{
	struct text_range *r = data;
	uintptr_t me = (uintptr_t)&stack_capture;
	(void)size;
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) &&
		    lo <= me && me < lo + ph->p_memsz) {
			r->lo = lo;
			r->hi = lo + ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

/* The code of the shared object holding this code, or an empty range when
 * it is the program itself (the simulator linked statically into a test or
 * a driver port).  Found once: objects stay where they were loaded. */
static struct text_range shim_text(void)
{
	static _Atomic uintptr_t lo, hi;
	static atomic_int known;
	struct text_range r = { 0, 0 };
	const char *obj;
	uintptr_t off;
	bool main_program;

	if (atomic_load_explicit(&known, memory_order_acquire)) {
		r.lo = atomic_load_explicit(&lo, memory_order_relaxed);
		r.hi = atomic_load_explicit(&hi, memory_order_relaxed);
		return r;
	}
	if (!stack_object_of((uintptr_t)&stack_capture, &obj, &off,
			     &main_program))
		return r;
	if (!main_program)
		dl_iterate_phdr(find_text, &r);
	atomic_store_explicit(&lo, r.lo, memory_order_relaxed);
	atomic_store_explicit(&hi, r.hi, memory_order_relaxed);
	atomic_store_explicit(&known, 1, memory_order_release);
	return r;
}

unsigned stack_capture(struct stack_trace *st, uintptr_t from)
{
	void *ip[STACK_MAX_DEPTH + CAPTURE_SLACK];
	int saved = errno;
	int n, first = 0;

	st->captured = true;
	st->nr = 0;
	if (tls_in_capture)
		return 0;
	tls_in_capture = 1;

	n = unw_backtrace(ip, STACK_MAX_DEPTH + CAPTURE_SLACK);
	if (from) {
		for (int i = 0; i < n; i++)
			if ((uintptr_t)ip[i] == from) {
				first = i;
				break;
			}
	}
	struct text_range self = shim_text();
	while (first < n && (uintptr_t)ip[first] - self.lo < self.hi - self.lo)
		first++;
	for (int i = first; i < n && st->nr < STACK_MAX_DEPTH; i++)
		st->ip[st->nr++] = (uintptr_t)ip[i];

	tls_in_capture = 0;
	errno = saved;
	return st->nr;
}

static uint64_t mix64(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

uint64_t stack_hash(const struct stack_trace *st, unsigned depth)
{
	uint64_t h = 0x6a09e667f3bcc908ull;
	unsigned n = st->nr < depth ? st->nr : depth;

	for (unsigned i = 0; i < n; i++) {
		uint64_t base;
		uintptr_t off;
		if (stack_object_key(st->ip[i], &base, &off)) {
			h = mix64(h, base);
			h = mix64(h, off);
		} else {
			h = mix64(h, st->ip[i]);
		}
	}
	return h ? h : 1;
}
