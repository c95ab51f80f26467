/* The constructor, which boots before main, and the public control/stats
 * API of <gfpshim/gfpshim.h>. */
#include "config.h"

#include "shim/shim.h"
#include "shim/reporting.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gfpshim/gfpshim.h>

#include "mm/page_alloc.h"
#include "mm/vmalloc.h"

/* Boot before main even when the program never allocates, so that a bad
 * GFPSHIM_* value stops it there. */
__attribute__((constructor)) static void shim_constructor(void)
{
	shim_thread_attach();
	if (shim_ready())
		logsink_check();
}

/* ---- <gfpshim/gfpshim.h> ------------------------------------------------ */

SHIM_EXPORT int gfpshim_enabled(void)
{
	return atomic_load(&shim.state) == SHIM_READY;
}

SHIM_EXPORT int gfpshim_owns(const void *p)
{
	return shim_owns(p);
}

SHIM_EXPORT int gfpshim_check(char *msg, size_t len)
{
	if (!shim_ready()) {
		snprintf(msg, len, "the shim has not booted");
		return -1;
	}
	return check_node(&shim.node, msg, len);
}

SHIM_EXPORT int gfpshim_get_stats(struct gfpshim_stats *st, size_t size)
{
	struct gfpshim_stats s;

	if (!shim_ready() || size > sizeof(s)) {
		errno = EINVAL;
		return -1;
	}
	memset(&s, 0, sizeof(s));
	struct pglist_data *pgdat = &shim.node;
	s.page_size = 1UL << pgdat->page_shift;
	for (unsigned z = 0; z < pgdat->nr_zones; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		s.managed_pages += zone->managed_pages;
		s.free_pages += (unsigned long)zone->vm_stat[NR_FREE_PAGES];
		s.free_cma_pages += (unsigned long)zone->vm_stat[NR_FREE_CMA_PAGES];
	}
	s.vm_pages = vm_nr_pages(&shim.heap);
	pthread_mutex_lock(&shim.threads_lock);
	s.requests = shim.exited_requests;
	s.failures = shim.exited_failures;
	for (struct shim_thread *t = shim.threads; t; t = t->next) {
		s.requests += t->requests;
		s.failures += t->failures;
	}
	pthread_mutex_unlock(&shim.threads_lock);
	if (!shim_self.kt) {    /* the caller's own counts, not yet linked */
		s.requests += shim_self.requests;
		s.failures += shim_self.failures;
	}
	memcpy(st, &s, size);
	return 0;
}
