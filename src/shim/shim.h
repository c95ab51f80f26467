/* libgfpshim.so internals: the process-wide simulator and the per-thread
 * context the interposed functions run on.
 *
 * Map of the types:
 *   struct shim         the one simulated machine of the process: its
 *                       description, the node, the kmalloc heap over it,
 *                       the malloc gfp, the boot state and the locks the
 *                       shim itself owns.
 *   struct shim_thread  one thread's context, in static TLS: the heap's
 *                       per-thread state (cpu slabs, simulated CPU), the
 *                       recursion guard and the thread's counters.
 *
 * Boot: the first interposed call (or the constructor, whichever comes
 * first) builds the machine.  Exactly one thread boots; others wait.  A
 * thread that re-enters during its own boot gets ENOMEM rather than a
 * deadlock; nothing on the boot path is known to allocate.
 */
#ifndef GFPSHIM_SHIM_H
#define GFPSHIM_SHIM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault/fault.h"
#include "machine/machine.h"
#include "mm/mmzone.h"
#include "options/options.h"
#include "mm/slab.h"

#define SHIM_EXPORT __attribute__((visibility("default")))
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

enum shim_state {
	SHIM_OFF,               /* nothing built yet */
	SHIM_BOOTING,           /* one thread is building the machine */
	SHIM_READY,
};

struct shim {
	_Atomic int state;              /* enum shim_state */
	_Atomic(pthread_t) booter;      /* the thread in SHIM_BOOTING */

	struct gfp_options opt;         /* GFPSHIM_*, as read at boot */
	struct machine_desc desc;
	struct pglist_data node;
	struct kheap heap;
	struct fault_ctx fault;         /* GFPSHIM_FAIL rules */
	char comm[16];                  /* the program's comm (TASK_COMM_LEN) */
	gfp_t malloc_gfp;               /* GFPSHIM_MALLOC_GFP (canonical) */
	bool malloc_strict;             /* big mallocs fail as kmalloc would */
	size_t host_page;               /* the OS page size */
	size_t arena_len;               /* bytes reserved for the arena */

	/* purge.c: one bit per purge unit of the arena, set when a block
	 * inside it is handed out, cleared when the unit is discarded */
	_Atomic uint64_t *dirty;
	unsigned unit_order, unit_shift;
	bool purge_enabled;

	pthread_key_t thread_key;       /* its destructor detaches a thread */

	/* Order of locks, taken in this order by shim_fork_prepare():
	 * threads_lock, map_lock, the purge lock, the heap's locks
	 * (kheap_lock_all), then each zone's per-cpu locks and zone->lock,
	 * zone by zone. */
	pthread_mutex_t threads_lock;   /* threads list, exited counters */
	pthread_mutex_t map_lock;       /* an anonymous mapping's syscall and
	                                   its charge happen as one */
	struct shim_thread *threads;
	unsigned long long exited_requests, exited_failures;
};

/* Thread states: NEW (never attached), LIVE (attached, key set, on
 * shim.threads), GONE (the key destructor ran; a later allocation attaches
 * again, off the list). */
enum shim_thread_state { THREAD_NEW, THREAD_LIVE, THREAD_GONE };

struct shim_thread {
	struct kheap_thread *kt;        /* NULL until attached */
	unsigned depth;                 /* > 0: the shim itself is running */
	unsigned char state;            /* enum shim_thread_state */
	unsigned long long requests;    /* malloc family + anonymous mmap */
	unsigned long long failures;
	unsigned frees;                 /* weight of frees since a purge check */
	struct fault_verdict verdict;   /* why the last injected failure fired */
	struct shim_thread *next, *prev;/* shim.threads */
};

extern struct shim shim;
extern __thread struct shim_thread shim_self
	__attribute__((tls_model("initial-exec")));

/* boot.c: build the machine if nobody has.  Returns false when called
 * re-entrantly by the booting thread (the caller fails with ENOMEM).  A bad
 * configuration never returns: the options layer's message goes to stderr
 * and the process exits with status 2. */
bool shim_boot(void);

static inline bool shim_ready(void)
{
	return likely(atomic_load_explicit(&shim.state, memory_order_acquire) ==
		      SHIM_READY) || shim_boot();
}

/* thread.c: the calling thread's heap state, attaching the thread (and
 * booting the shim) on first use; NULL when the shim cannot run yet.  The
 * first attach creates the thread key and registers the fork handlers. */
struct kheap_thread *shim_thread_attach(void);

static inline struct kheap_thread *shim_thread(void)
{
	struct kheap_thread *kt = shim_self.kt;
	return likely(kt != NULL) ? kt : shim_thread_attach();
}

/* Recursion guard: the shim's own work (reports, unwinding, boot) runs
 * between these; allocations made meanwhile are served but never
 * reported, and mmap calls pass straight to the OS. */
static inline void shim_enter(void) { shim_self.depth++; }
static inline void shim_leave(void) { shim_self.depth--; }

/* thread.c registers these on the first attach after boot */
void shim_fork_prepare(void);
void shim_fork_parent(void);
void shim_fork_child(void);

/* purge.c: freed memory back to the OS, with hysteresis. */
int shim_purge_init(void);
void shim_purge_check(void);            /* purge if free memory grew enough */
unsigned long shim_purge(void);         /* now; returns units discarded */
void shim_purge_fork_prepare(void);
void shim_purge_fork_parent(void);
void shim_purge_fork_child(void);

/* A block [p, p + n) was handed out: its purge units are dirty.  Blocks
 * outside the arena (vm areas) are mapped apart and need no purge. */
static inline void shim_mark(const void *p, size_t n)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)shim.node.arena;
	if (unlikely(off >= shim.arena_len))
		return;
	unsigned long u = off >> shim.unit_shift;
	unsigned long last = (off + (n ? n - 1 : 0)) >> shim.unit_shift;
	do {
		uint64_t bit = (uint64_t)1 << (u & 63);
		if (unlikely(!(atomic_load_explicit(&shim.dirty[u >> 6],
						    memory_order_relaxed) & bit)))
			atomic_fetch_or_explicit(&shim.dirty[u >> 6], bit,
						 memory_order_relaxed);
	} while (++u <= last);
}

/* A free: every so often, see whether a purge is due.  Page-aligned
 * pointers are most likely whole pages and weigh more. */
static inline void shim_note_free(const void *p)
{
	shim_self.frees += ((uintptr_t)p & 4095) ? 1 : 64;
	if (unlikely(shim_self.frees >= 256)) {
		shim_self.frees = 0;
		shim_purge_check();
	}
}

/* failure.c: the heap's fault hook (heap.should_fail, arg &shim.fault). */
bool shim_should_fail(void *arg, const struct kheap_request *req);
bool shim_may_fail(void *arg, const struct kheap_request *req);
/* The rules' name for a heap site (site=slab, page, vmalloc, mmap, dma,
 * cma). */
enum fault_site shim_fault_site(enum kheap_site site);

/* The report layer's entry point: print what the node's kernel prints for
 * this failure (warn_alloc with dump_stack and show_mem, the vmalloc or
 * OOM messages, the FAULT_INJECTION lines when `v` is given), ratelimited,
 * to the report sink (stderr, or GFPSHIM_LOG).  It gathers comm, pid and
 * the backtrace itself and never allocates.  Weak: until the report layer
 * provides it, failures are silent. */
void report_heap_failure(struct kheap *h, const struct kheap_failure *f,
			 const struct fault_verdict *v) __attribute__((weak));

/* failure.c: a request of this thread failed (t->fail says why): set
 * errno = ENOMEM, count it, and report it unless reporting is off for the
 * request or the shim is inside itself.  Always returns NULL. */
void *shim_failed(struct kheap_thread *kt);
/* The same for requests refused before reaching the heap (overflow,
 * impossible sizes): errno and the count, no report. */
void *shim_refused(void);

/* snapshot_shim.c: GFPSHIM_SNAPSHOT.  Called once at the end of boot:
 * installs the snapshot signal's handler; the exit snapshot is
 * written by a destructor. */
void shim_snapshot_init(void);

/* crash.c: GFPSHIM_CRASH_TRACE.  Called once at the end of boot:
 * installs the crash signals' handler where the program has none. */
void shim_crash_init(void);

/* Is p inside a region the shim handed out? */
bool shim_owns(const void *p);

#endif
