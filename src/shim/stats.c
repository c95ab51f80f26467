/* GFPSHIM_STATS: counts of failed requests, printed when the program exits
 * (and before an OOM kill): per order, layer, zone, migratetype, gfp mask
 * and the call sites that failed most.
 *
 * The hot path is not touched: requests are the shim's per-thread counters,
 * everything else is counted on the failure path only, with atomics.  The
 * mask and call-site tables are open-addressed arrays claimed with a
 * compare-and-swap, so a failure in a signal handler never waits; a key
 * that finds its table full is counted under "other".
 */
#include "config.h"

#include "shim/shim.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "mm/page_alloc.h"
#include "base/prim.h"
#include "shim/reporting.h"
#include "base/stack.h"

#define STATS_GFP_SLOTS  32
#define STATS_SITE_SLOTS 128
#define STATS_TOP_SITES  10

struct stat_pair {
	_Atomic unsigned long failures, injected;
};

struct keyed_pair {
	_Atomic uint64_t key;           /* 0: free slot */
	struct stat_pair n;
};

static struct {
	struct stat_pair total;
	struct stat_pair order[MAX_PAGE_ORDERS + 1];  /* last: beyond any */
	struct stat_pair layer[NR_KHEAP_SITES];
	struct stat_pair zone[MAX_NR_ZONES + 1];      /* last: no zone */
	struct stat_pair mt[MIGRATE_TYPES];
	struct keyed_pair gfp[STATS_GFP_SLOTS];       /* key: mask | 1 << 32 */
	struct stat_pair gfp_other;
	struct keyed_pair site[STATS_SITE_SLOTS];     /* key: return address */
	struct stat_pair site_other;
	atomic_flag printed;
} st = { .printed = ATOMIC_FLAG_INIT };

bool stats_enabled(void)
{
	return shim.opt.stats;
}

static void pair_add(struct stat_pair *p, bool injected)
{
	atomic_fetch_add_explicit(&p->failures, 1, memory_order_relaxed);
	if (injected)
		atomic_fetch_add_explicit(&p->injected, 1, memory_order_relaxed);
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* The slot for key, claiming a free one; NULL when the table is full. */
static struct stat_pair *keyed_slot(struct keyed_pair *t, unsigned n,
				    uint64_t key)
{
	unsigned i = (unsigned)(mix(key) % n);
	for (unsigned k = 0; k < n; k++, i = (i + 1) % n) {
		uint64_t cur = atomic_load_explicit(&t[i].key,
						    memory_order_acquire);
		if (cur == key)
			return &t[i].n;
		if (cur == 0) {
			uint64_t none = 0;
			if (atomic_compare_exchange_strong(&t[i].key, &none, key) ||
			    none == key)
				return &t[i].n;
		}
	}
	return NULL;
}

void stats_note_failure(const struct failure_facts *ff, uintptr_t site)
{
	const struct kheap_failure *f = ff->f;
	struct pglist_data *pgdat = ff->pgdat;
	bool inj = ff->v != NULL;
	int zone, mt;

	/* the zone and migratetype the page request was for */
	if (f->reason == KHEAP_FAIL_PAGES) {
		zone = (int)f->outcome.highest_zoneidx;
		mt = f->outcome.migratetype;
	} else {
		zone = gfp_zone_idx(pgdat, f->page_gfp);
		mt = gfp_migratetype(f->page_gfp);
	}
	if (zone < 0 || (unsigned)zone >= pgdat->nr_zones)
		zone = MAX_NR_ZONES;

	pair_add(&st.total, inj);
	pair_add(&st.order[f->order < MAX_PAGE_ORDERS ? f->order :
			   MAX_PAGE_ORDERS], inj);
	pair_add(&st.layer[f->site], inj);
	pair_add(&st.zone[zone], inj);
	if (mt >= 0 && mt < MIGRATE_TYPES)
		pair_add(&st.mt[mt], inj);
	uint64_t key = (uint64_t)gfp_to_kernel(ff->gfp, pgdat->kv) | 1ull << 32;
	struct stat_pair *p = keyed_slot(st.gfp, STATS_GFP_SLOTS, key);
	pair_add(p ? p : &st.gfp_other, inj);
	p = site ? keyed_slot(st.site, STATS_SITE_SLOTS, site) : NULL;
	pair_add(p ? p : &st.site_other, inj);
}

/* ---- printing -------------------------------------------------------------- */

/* The shim's request counter: exited threads, then live ones (skipped
 * when their list is locked, e.g. by this thread in a signal handler). */
static unsigned long long total_requests(void)
{
	unsigned long long n = shim.exited_requests;
	if (pthread_mutex_trylock(&shim.threads_lock) == 0) {
		n = shim.exited_requests;
		for (struct shim_thread *t = shim.threads; t; t = t->next)
			n += t->requests;
		pthread_mutex_unlock(&shim.threads_lock);
	}
	if (!shim_self.kt)
		n += shim_self.requests;
	return n;
}

static const char *const layer_names[NR_KHEAP_SITES] = {
	[KHEAP_SITE_SLAB] = "slab",
	[KHEAP_SITE_LARGE] = "large",
	[KHEAP_SITE_VMALLOC] = "vmalloc",
	[KHEAP_SITE_USER] = "user",
	[KHEAP_SITE_DMA] = "dma",
	[KHEAP_SITE_CMA] = "cma",
};

struct printer {
	struct sbuf *sb;
	bool json;
	bool first;                     /* JSON: no comma before the entry */
};

static void section(struct printer *pr, const char *title, const char *key)
{
	if (pr->json)
		sb_printf(pr->sb, ",\"%s\":[", key);
	else
		sb_printf(pr->sb, "  %s%*s failures  injected\n", title,
			  (int)(38 - strlen(title)), "");
	pr->first = true;
}

static void section_end(struct printer *pr)
{
	if (pr->json)
		sb_puts(pr->sb, "]");
}

static void row(struct printer *pr, const char *name, const struct stat_pair *p)
{
	unsigned long f = atomic_load(&p->failures);
	unsigned long i = atomic_load(&p->injected);

	if (!f)
		return;
	if (pr->json) {
		sb_printf(pr->sb, "%s{\"name\":", pr->first ? "" : ",");
		sb_json_string(pr->sb, name);
		sb_printf(pr->sb, ",\"failures\":%lu,\"injected\":%lu}", f, i);
	} else {
		sb_printf(pr->sb, "    %-36s %9lu %9lu\n", name, f, i);
	}
	pr->first = false;
}

static void print_sites(struct printer *pr)
{
	bool done[STATS_SITE_SLOTS] = { false };

	section(pr, "top failing call sites", "sites");
	for (unsigned k = 0; k < STATS_TOP_SITES; k++) {
		unsigned best = STATS_SITE_SLOTS;
		unsigned long most = 0;
		for (unsigned i = 0; i < STATS_SITE_SLOTS; i++) {
			unsigned long n = atomic_load(&st.site[i].n.failures);
			if (!done[i] && n > most) {
				most = n;
				best = i;
			}
		}
		if (best == STATS_SITE_SLOTS)
			break;
		done[best] = true;
		char name[256];
		struct frame_info fi;
		uintptr_t ip = (uintptr_t)atomic_load(&st.site[best].key);
		if (stack_symbolize(ip, true, &fi) || fi.object)
			stack_format_frame(&fi, name, sizeof(name));
		else
			snprintf(name, sizeof(name), "0x%lx", (unsigned long)ip);
		row(pr, name, &st.site[best].n);
	}
	row(pr, "(other)", &st.site_other);
	section_end(pr);
}

static char stats_buf[64 * 1024];

void stats_print(void)
{
	if (!shim.opt.stats || atomic_load(&shim.state) != SHIM_READY ||
	    atomic_flag_test_and_set(&st.printed))
		return;
	shim_enter();
	struct pglist_data *pgdat = &shim.node;
	struct sbuf sb = SBUF_INIT(stats_buf, sizeof(stats_buf));
	struct printer pr = { &sb, logsink_json(), true };
	char kv[32], name[256];

	kver_format(pgdat->kv, kv, sizeof(kv));
	if (pr.json) {
		sb_printf(&sb, "{\"type\":\"stats\",\"pid\":%d,\"comm\":",
			  (int)prim_getpid());
		sb_json_string(&sb, shim.comm);
		sb_printf(&sb, ",\"kernel\":\"%s\",\"machine\":", kv);
		sb_json_string(&sb, shim.desc.name);
		sb_printf(&sb, ",\"requests\":%llu,\"failures\":%lu,\"injected\":%lu",
			  total_requests(), atomic_load(&st.total.failures),
			  atomic_load(&st.total.injected));
	} else {
		sb_printf(&sb, "gfpshim stats (pid %d, comm %s, kernel %s, machine %s)\n",
			  (int)prim_getpid(), shim.comm, kv, shim.desc.name);
		sb_printf(&sb, "  requests %llu, failures %lu, injected %lu\n",
			  total_requests(), atomic_load(&st.total.failures),
			  atomic_load(&st.total.injected));
	}

	section(&pr, "by order", "order");
	for (unsigned o = 0; o <= MAX_PAGE_ORDERS; o++) {
		if (o < MAX_PAGE_ORDERS)
			snprintf(name, sizeof(name), "order:%u", o);
		else
			snprintf(name, sizeof(name), "order:>%u", MAX_PAGE_ORDERS - 1);
		row(&pr, name, &st.order[o]);
	}
	section_end(&pr);

	section(&pr, "by layer", "layer");
	for (unsigned l = 0; l < NR_KHEAP_SITES; l++)
		row(&pr, layer_names[l], &st.layer[l]);
	section_end(&pr);

	section(&pr, "by zone", "zone");
	for (unsigned z = 0; z < pgdat->nr_zones; z++)
		row(&pr, pgdat->node_zones[z].name, &st.zone[z]);
	row(&pr, "(none)", &st.zone[MAX_NR_ZONES]);
	section_end(&pr);

	section(&pr, "by migratetype", "migratetype");
	for (unsigned m = 0; m < MIGRATE_TYPES; m++)
		row(&pr, migratetype_names[m], &st.mt[m]);
	section_end(&pr);

	section(&pr, "by gfp", "gfp");
	for (unsigned i = 0; i < STATS_GFP_SLOTS; i++) {
		uint64_t key = atomic_load(&st.gfp[i].key);
		if (!key)
			continue;
		gfp_format((uint32_t)key, pgdat->kv, name, sizeof(name));
		row(&pr, name, &st.gfp[i].n);
	}
	row(&pr, "(other)", &st.gfp_other);
	section_end(&pr);

	print_sites(&pr);
	if (pr.json)
		sb_puts(&sb, "}\n");
	size_t len = sb.len < sb.cap ? sb.len : sb.cap - 1;
	logsink_write(stats_buf, len);
	shim_leave();
}

__attribute__((destructor)) static void stats_at_exit(void)
{
	stats_print();
}
