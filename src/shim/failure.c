/* What a failed request does: errno = ENOMEM, a count, and the report the
 * kernel would print.  Also the heap's fault hook, which puts the heap's
 * request in the fault predicate's terms and keeps the verdict for the
 * report. */
#include "config.h"

#include "shim/shim.h"

#include <errno.h>

#include "fault/fault.h"

static const enum fault_site fault_sites[NR_KHEAP_SITES] = {
	[KHEAP_SITE_SLAB] = FAULT_SITE_SLAB,
	[KHEAP_SITE_LARGE] = FAULT_SITE_PAGE,
	[KHEAP_SITE_VMALLOC] = FAULT_SITE_VMALLOC,
	[KHEAP_SITE_USER] = FAULT_SITE_MMAP,
	[KHEAP_SITE_DMA] = FAULT_SITE_DMA,
	[KHEAP_SITE_CMA] = FAULT_SITE_CMA,
};

enum fault_site shim_fault_site(enum kheap_site site)
{
	return fault_sites[site];
}

/* The heap's request in the fault predicate's terms (no stack yet: the
 * predicate captures one only for a rule that needs it). */
static struct fault_request fault_request_of(const struct kheap_request *req)
{
	return (struct fault_request){
		.site = fault_sites[req->site],
		.gfp = req->gfp,
		.order = req->order,
		.size = req->size,
		.comm = shim.comm,
	};
}

/* The shim's own allocations (made while it reports or unwinds) are never
 * failed: a report must not be cut short by the rules it reports on. */
bool shim_should_fail(void *arg, const struct kheap_request *req)
{
	struct fault_ctx *ctx = arg;
	if (shim_self.depth)
		return false;
	struct fault_request fr = fault_request_of(req);
	fr.verdict = &shim_self.verdict;
	shim_enter();
	bool fail = should_fail_alloc(ctx, &fr);
	shim_leave();
	return fail;
}

/* heap.may_fail: whether any rule can fail a request of this kind. */
bool shim_may_fail(void *arg, const struct kheap_request *req)
{
	struct fault_request fr = fault_request_of(req);
	return fault_may_fail(arg, &fr);
}

void *shim_failed(struct kheap_thread *kt)
{
	const struct kheap_failure *f = &kt->fail;

	shim_self.failures++;
	if (!shim_self.depth && report_heap_failure) {
		shim_enter();
		report_heap_failure(&shim.heap, f,
				    f->reason == KHEAP_FAIL_INJECTED ?
				    &shim_self.verdict : NULL);
		shim_leave();
	}
	errno = ENOMEM;
	return NULL;
}

void *shim_refused(void)
{
	shim_self.failures++;
	errno = ENOMEM;
	return NULL;
}
