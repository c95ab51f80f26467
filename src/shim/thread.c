/* Threads and fork: per-thread heap state in static TLS, detached when the
 * thread exits; every lock held across fork() in one order. */
#include "config.h"

#include <stdatomic.h>

#include "shim/shim.h"

#include <errno.h>
#include <pthread.h>

#include "mm/page_alloc.h"

static void thread_link(struct shim_thread *st)
{
	pthread_mutex_lock(&shim.threads_lock);
	st->prev = NULL;
	st->next = shim.threads;
	if (shim.threads)
		shim.threads->prev = st;
	shim.threads = st;
	pthread_mutex_unlock(&shim.threads_lock);
}

static void thread_unlink(struct shim_thread *st)
{
	pthread_mutex_lock(&shim.threads_lock);
	if (st->prev)
		st->prev->next = st->next;
	else
		shim.threads = st->next;
	if (st->next)
		st->next->prev = st->prev;
	st->next = st->prev = NULL;
	shim.exited_requests += st->requests;
	shim.exited_failures += st->failures;
	st->requests = st->failures = 0;
	pthread_mutex_unlock(&shim.threads_lock);
}

static void thread_exit(void *arg);

static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static atomic_bool atfork_registered;

static void thread_key_create(void)
{
	pthread_key_create(&shim.thread_key, thread_exit);
}

struct kheap_thread *shim_thread_attach(void)
{
	struct shim_thread *st = &shim_self;

	if (st->kt)
		return st->kt;
	if (!shim_ready())
		return NULL;
	pthread_once(&thread_key_once, thread_key_create);
	struct kheap_thread *kt = kheap_thread_attach(&shim.heap);
	if (!kt)
		return NULL;
	/* kt first: if pthread_setspecific allocates (keys past the first
	 * block), that allocation finds this thread attached */
	st->kt = kt;
	/* Only a thread attached before it began to exit is listed: one
	 * that attaches again from a later key destructor may not get our
	 * destructor again (PTHREAD_DESTRUCTOR_ITERATIONS), and its TLS
	 * must not stay on the list after it is gone. */
	if (st->state == THREAD_NEW)
		thread_link(st);
	st->state = st->state == THREAD_NEW ? THREAD_LIVE : THREAD_GONE;
	int saved = errno;
	pthread_setspecific(shim.thread_key, st);
	/* the first thread attached after boot registers the fork handlers;
	 * registering may allocate, which finds this thread attached */
	if (!atomic_exchange(&atfork_registered, true))
		pthread_atfork(shim_fork_prepare, shim_fork_parent,
			       shim_fork_child);
	errno = saved;
	return kt;
}

/* pthread key destructor: the thread is exiting.  Destructors of other
 * keys may still allocate after this; they attach the thread again and
 * glibc calls this once more (PTHREAD_DESTRUCTOR_ITERATIONS). */
static void thread_exit(void *arg)
{
	struct shim_thread *st = arg;
	struct kheap_thread *kt = st->kt;

	if (!kt)
		return;
	st->kt = NULL;
	if (st->state == THREAD_LIVE)
		thread_unlink(st);
	st->state = THREAD_GONE;
	kheap_thread_detach(&shim.heap, kt);
}

/* Locks of the page allocator, in the order the allocator nests them:
 * a pcp refill holds pcp->lock and takes zone->lock (rmqueue_bulk()). */
static void zones_lock(void)
{
	struct pglist_data *pgdat = &shim.node;
	for (unsigned z = 0; z < pgdat->nr_zones; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		for (unsigned c = 0; c < pgdat->nr_cpus; c++)
			pthread_mutex_lock(&zone->pcp[c].lock);
		pthread_mutex_lock(&zone->lock);
	}
}

static void zones_unlock(void)
{
	struct pglist_data *pgdat = &shim.node;
	for (unsigned z = pgdat->nr_zones; z-- > 0;) {
		struct zone *zone = &pgdat->node_zones[z];
		pthread_mutex_unlock(&zone->lock);
		for (unsigned c = pgdat->nr_cpus; c-- > 0;)
			pthread_mutex_unlock(&zone->pcp[c].lock);
	}
}

static void zones_reinit(void)
{
	struct pglist_data *pgdat = &shim.node;
	for (unsigned z = 0; z < pgdat->nr_zones; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		pthread_mutex_init(&zone->lock, NULL);
		for (unsigned c = 0; c < pgdat->nr_cpus; c++)
			pthread_mutex_init(&zone->pcp[c].lock, NULL);
	}
}

void shim_fork_prepare(void)
{
	if (atomic_load(&shim.state) != SHIM_READY)
		return;
	shim_enter();
	pthread_mutex_lock(&shim.threads_lock);
	pthread_mutex_lock(&shim.map_lock);
	shim_purge_fork_prepare();
	kheap_lock_all(&shim.heap);
	zones_lock();
}

void shim_fork_parent(void)
{
	if (atomic_load(&shim.state) != SHIM_READY)
		return;
	zones_unlock();
	kheap_unlock_all(&shim.heap);
	shim_purge_fork_parent();
	pthread_mutex_unlock(&shim.map_lock);
	pthread_mutex_unlock(&shim.threads_lock);
	shim_leave();
}

/* The child has one thread, the one that forked: every other thread's
 * context is gone with its thread. */
void shim_fork_child(void)
{
	if (atomic_load(&shim.state) != SHIM_READY)
		return;
	struct shim_thread *self = &shim_self;

	zones_reinit();
	kheap_fork_child(&shim.heap, self->kt);
	shim_purge_fork_child();
	pthread_mutex_init(&shim.threads_lock, NULL);
	pthread_mutex_init(&shim.map_lock, NULL);
	for (struct shim_thread *st = shim.threads; st; st = st->next)
		if (st != self) {
			shim.exited_requests += st->requests;
			shim.exited_failures += st->failures;
		}
	shim.threads = NULL;
	if (self->kt) {
		self->next = self->prev = NULL;
		shim.threads = self;
	}
	shim_leave();
}

