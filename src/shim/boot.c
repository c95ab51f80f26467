/* Boot: build the simulated machine from the options, reserve the arena,
 * set up the heap, install the fault hook, and hold everything else back
 * until that is done.
 *
 * Boot happens on the first interposed call or in the constructor,
 * whichever comes first.  It reads the environment by scanning environ
 * (prim_getenv), maps memory with raw system calls and never calls malloc,
 * so it can run inside the program's first malloc.  It never calls dlsym
 * either: the shim replaces the allocator outright, so there is no "real"
 * malloc to look up and no dlsym→calloc loop. */
#include "config.h"

#include "shim/shim.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mm/initial_state.h"
#include "options/options.h"
#include "mm/page_alloc.h"
#include "base/prim.h"
#include "base/prng.h"
#include "mm/node.h"

extern char **environ;

/* A configuration the shim cannot run with stops the program before main:
 * the message on stderr, exit status 2. */
static __attribute__((noreturn)) void boot_fail(const char *msg)
{
	static const char prefix[] = "gfpshim: ";
	prim_write_all(2, prefix, sizeof(prefix) - 1);
	prim_write_all(2, msg, strlen(msg));
	prim_write_all(2, "\n", 1);
	syscall(SYS_exit_group, 2);
	__builtin_unreachable();
}

/* The arena spans physical addresses 0 to the end of the highest zone, so
 * that page_address(pfn) = arena + (pfn << PAGE_SHIFT). */
static size_t arena_bytes(const struct machine_desc *d)
{
	uint64_t end = 0;
	for (unsigned i = 0; i < d->nr_zones; i++)
		if (d->zones[i].start + d->zones[i].size > end)
			end = d->zones[i].start + d->zones[i].size;
	return (size_t)end;
}

static void read_comm(void)
{
	char buf[64];
	long n = prim_read_file("/proc/self/comm", buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	if (buf[n - 1] == '\n')
		n--;
	if ((size_t)n >= sizeof(shim.comm))
		n = sizeof(shim.comm) - 1;
	memcpy(shim.comm, buf, (size_t)n);
	shim.comm[n] = '\0';
}

/* unsetenv() without allocating: close the gap in environ. */
static void environ_drop(const char *name)
{
	size_t n = strlen(name);
	char **w = environ;
	if (!w)
		return;
	for (char **r = environ; *r; r++)
		if (!(strncmp(*r, name, n) == 0 && (*r)[n] == '='))
			*w++ = *r;
	*w = NULL;
}

static void build(void)
{
	struct gfp_error err;
	struct gfp_options *opt = &shim.opt;

	memset(&err, 0, sizeof(err));
	if (options_load(opt, prim_getenv, (const char *const *)environ,
			 &err) < 0)
		boot_fail(err.msg);
	shim.desc = opt->machine;
	shim.malloc_gfp = opt->malloc_gfp;
	shim.malloc_strict = opt->strict_kmalloc;
	fault_ctx_init(&shim.fault, shim.desc.kernel);
	if (opt->fail[0] &&
	    fault_parse(&shim.fault, opt->fail, err.msg, sizeof(err.msg)) < 0)
		boot_fail(err.msg);
	/* the rules' random choices: GFPSHIM_SEED, else a new seed each run */
	uint64_t seed = opt->seed;
	if (!opt->seed_set &&
	    syscall(SYS_getrandom, &seed, sizeof(seed), 1 /* GRND_NONBLOCK */) !=
	    (long)sizeof(seed))
		seed = (uint64_t)prim_getpid() * 0x9e3779b97f4a7c15ull ^
		       (uint64_t)(uintptr_t)&seed;
	prng_seed(seed);
	/* injection stays in this process unless children are to inherit it */
	if (opt->fail[0] && !opt->inherit)
		environ_drop("GFPSHIM_FAIL");
	shim.host_page = prim_page_size();
	if (opt->comm[0])
		memcpy(shim.comm, opt->comm, sizeof(shim.comm));
	else
		read_comm();

	/* the largest buddy block must be aligned to its size in memory too */
	unsigned orders = machine_nr_page_orders(&shim.desc);
	size_t align = (size_t)1 << (shim.desc.page_shift + orders - 1);
	if (align < shim.host_page)
		align = shim.host_page;
	shim.arena_len = (arena_bytes(&shim.desc) + align - 1) & ~(align - 1);
	char *arena = prim_reserve(shim.arena_len, align);
	if (!arena || prim_commit(arena, shim.arena_len) < 0) {
		char msg[160];
		snprintf(msg, sizeof(msg),
			 "cannot reserve %zu MiB of address space for the "
			 "simulated RAM of machine \"%s\": %s",
			 shim.arena_len >> 20, shim.desc.name, strerror(errno));
		boot_fail(msg);
	}
	if (node_init(&shim.node, &shim.desc, arena, &err) < 0)
		boot_fail(err.msg);
	/* the profile's initial heap state, before anything is allocated */
	if (initial_state_apply(&shim.node, &shim.desc,
				opt->seed_set ? opt->seed : 0, &err) < 0)
		boot_fail(err.msg);
	if (kheap_init(&shim.heap, &shim.node, &err) < 0)
		boot_fail(err.msg);
	/* freed frames go back to the OS by purges (purge.c), not one by one */
	shim.heap.discard_freed = false;
	if (shim_purge_init() < 0)
		boot_fail("cannot map the purge bitmap of the arena");
	if (fault_active(&shim.fault)) {
		shim.heap.should_fail = shim_should_fail;
		shim.heap.may_fail = shim_may_fail;
		shim.heap.fault_arg = &shim.fault;
	}
	/* GFPSHIM_SNAPSHOT's signal handler (snapshot_shim.c) */
	shim_snapshot_init();
	shim_crash_init();      /* GFPSHIM_CRASH_TRACE (crash.c) */
}

bool shim_boot(void)
{
	int state = atomic_load_explicit(&shim.state, memory_order_acquire);
	if (state == SHIM_READY)
		return true;
	if (state == SHIM_OFF) {
		int expected = SHIM_OFF;
		if (atomic_compare_exchange_strong(&shim.state, &expected,
						   SHIM_BOOTING)) {
			atomic_store(&shim.booter, pthread_self());
			shim_enter();
			build();
			shim_leave();
			atomic_store_explicit(&shim.state, SHIM_READY,
					      memory_order_release);
			return true;
		}
	}
	/* the booting thread itself, called back during boot */
	if (pthread_equal(atomic_load(&shim.booter), pthread_self()))
		return false;
	while (atomic_load_explicit(&shim.state, memory_order_acquire) !=
	       SHIM_READY)
		sched_yield();
	return true;
}

