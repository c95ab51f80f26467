/* Capture the program's backtrace with libunwind's local unwinder.
 *
 * Capture may run inside the program's malloc (the fault predicate needs
 * the stack of an allocation), and the unwinder may allocate on its first
 * use in a thread: a thread-local guard makes such a nested capture return
 * no frames instead of recursing.
 */
#include "config.h"

#include "stack.h"

#include <errno.h>
#include <stdatomic.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#define TLS_IE __attribute__((tls_model("initial-exec")))
/* room for the shim's own frames above the program's */
#define CAPTURE_SLACK 32

static __thread int tls_in_capture TLS_IE;

/* The object holding this code, or NULL when it is the program itself
 * (the simulator linked statically into a test or a driver port).  Found
 * once: objects stay where they were loaded. */
static const char *shim_object(void)
{
	static _Atomic(const char *) self;
	static atomic_int known;
	const char *obj;
	uintptr_t off;
	bool main_program;

	if (atomic_load_explicit(&known, memory_order_acquire))
		return atomic_load_explicit(&self, memory_order_relaxed);
	if (!stack_object_of((uintptr_t)&stack_capture, &obj, &off,
			     &main_program))
		return NULL;
	atomic_store_explicit(&self, main_program ? NULL : obj,
			      memory_order_relaxed);
	atomic_store_explicit(&known, 1, memory_order_release);
	return main_program ? NULL : obj;
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
	const char *self = shim_object();
	if (self) {
		for (; first < n; first++) {
			const char *obj;
			uintptr_t off;
			if (!stack_object_of((uintptr_t)ip[first], &obj, &off,
					     NULL) || obj != self)
				break;
		}
	}
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
