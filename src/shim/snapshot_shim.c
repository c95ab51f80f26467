/* GFPSHIM_SNAPSHOT: the shim writes a snapshot of its simulated memory at
 * exit (to PATH) and, with ",signal=SIG", each time SIG arrives (to
 * PATH.1, PATH.2, …); "%p" in PATH is the process id.
 *
 * The signal handler writes the snapshot itself: the encoder allocates
 * nothing and uses raw system calls only.  To read a still node it takes
 * every zone's per-cpu locks and zone->lock with try-locks, retried for a
 * while; when the interrupted code (or another thread) keeps one, the
 * snapshot is skipped with a message rather than deadlocking.  A child
 * that forked without exec writes no exit snapshot unless PATH has "%p"
 * (it would overwrite its parent's).
 */
#include "config.h"

#include "shim/shim.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/prim.h"
#include "report/report.h"
#include "report/snapshot.h"

static char spec_path[sizeof(((struct gfp_options *)0)->snapshot)];
static int spec_signo;
static pid_t boot_pid;
static _Atomic unsigned signal_seq;
static _Atomic int writing;

static void say(const char *a, const char *b)
{
	static const char prefix[] = "gfpshim: snapshot: ";
	prim_write_all(2, prefix, sizeof(prefix) - 1);
	prim_write_all(2, a, strlen(a));
	prim_write_all(2, b, strlen(b));
	prim_write_all(2, "\n", 1);
}

/* PATH with %p expanded, and ".N" when n > 0. */
static void expand(char *out, size_t len, unsigned n)
{
	size_t o = 0;
	char num[24];
	int k;

	for (const char *p = spec_path; *p && o + 1 < len; p++) {
		if (p[0] == '%' && p[1] == 'p') {
			k = snprintf(num, sizeof(num), "%d", (int)prim_getpid());
			for (int i = 0; i < k && o + 1 < len; i++)
				out[o++] = num[i];
			p++;
		} else {
			out[o++] = *p;
		}
	}
	if (n) {
		k = snprintf(num, sizeof(num), ".%u", n);
		for (int i = 0; i < k && o + 1 < len; i++)
			out[o++] = num[i];
	}
	out[o] = '\0';
}

/* Every zone's pcp locks, then zone->lock (the order of
 * shim_fork_prepare()); false, with nothing held, if one stays taken. */
static bool lock_node(struct pglist_data *pgdat)
{
	struct timespec pause = { 0, 1000000 };        /* 1 ms, up to 1 s */

	for (int tries = 0; tries < 1000; tries++) {
		unsigned z, cpu = 0;
		bool ok = true;
		for (z = 0; z < pgdat->nr_zones && ok; z++) {
			struct zone *zone = &pgdat->node_zones[z];
			for (cpu = 0; cpu < pgdat->nr_cpus; cpu++)
				if (pthread_mutex_trylock(&zone->pcp[cpu].lock)) {
					ok = false;
					break;
				}
			if (ok && pthread_mutex_trylock(&zone->lock)) {
				ok = false;
			}
			if (!ok) {
				/* release this zone's taken pcp locks */
				while (cpu-- > 0)
					pthread_mutex_unlock(&zone->pcp[cpu].lock);
				break;
			}
		}
		if (ok)
			return true;
		/* zones [0, z) are fully held */
		while (z-- > 0) {
			struct zone *zone = &pgdat->node_zones[z];
			pthread_mutex_unlock(&zone->lock);
			for (unsigned c = 0; c < pgdat->nr_cpus; c++)
				pthread_mutex_unlock(&zone->pcp[c].lock);
		}
		nanosleep(&pause, NULL);
	}
	return false;
}

static void unlock_node(struct pglist_data *pgdat)
{
	for (unsigned z = pgdat->nr_zones; z-- > 0;) {
		struct zone *zone = &pgdat->node_zones[z];
		pthread_mutex_unlock(&zone->lock);
		for (unsigned c = 0; c < pgdat->nr_cpus; c++)
			pthread_mutex_unlock(&zone->pcp[c].lock);
	}
}

static void write_snapshot(unsigned n, const char *why)
{
	char path[sizeof(spec_path) + 48];
	struct gfp_error err;
	int saved = errno;

	/* one at a time: a signal during the exit snapshot waits its turn */
	if (atomic_exchange(&writing, 1))
		return;
	expand(path, sizeof(path), n);
	shim_enter();
	if (!lock_node(&shim.node)) {
		say(path, ": skipped: the simulated memory stayed locked for a "
		    "second (a thread is inside the allocator)");
	} else {
		char source[64];
		struct sbuf sb = SBUF_INIT(source, sizeof(source));
		sb_printf(&sb, "%s, pid %d at %s", shim.comm, (int)prim_getpid(),
			  why);
		int rc = snapshot_write_file(path, &shim.node, sb_str(&sb), &err);
		unlock_node(&shim.node);
		if (rc < 0)
			say(err.msg, "");
	}
	shim_leave();
	atomic_store(&writing, 0);
	errno = saved;
}

static void on_signal(int sig)
{
	(void)sig;
	if (atomic_load(&shim.state) != SHIM_READY)
		return;
	write_snapshot(atomic_fetch_add(&signal_seq, 1) + 1, "signal");
}

void shim_snapshot_init(void)
{
	char err[256];

	if (!shim.opt.snapshot[0])
		return;
	/* options_load() checked the value with the same parser */
	if (snapshot_spec_parse(shim.opt.snapshot, spec_path, sizeof(spec_path),
				&spec_signo, err, sizeof(err)) < 0)
		return;
	boot_pid = prim_getpid();
	if (spec_signo) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sa.sa_flags = SA_RESTART;
		sigemptyset(&sa.sa_mask);
		sigaction(spec_signo, &sa, NULL);
	}
}

__attribute__((destructor)) static void snapshot_at_exit(void)
{
	if (!spec_path[0] || atomic_load(&shim.state) != SHIM_READY)
		return;
	if (prim_getpid() != boot_pid && !strstr(spec_path, "%p"))
		return;
	write_snapshot(0, "exit");
}
