/* Snapshots: the node encoded pageblock by pageblock, and read back.
 *
 * The encoder walks mem_map block by block (a free or allocated block's
 * head says its order, so its other frames are skipped), classifies each
 * block by the layer that owns it, and merges neighbours of one kind,
 * order and list into runs.  Each pageblock is walked twice: once to count
 * its runs and frames for its record, once to emit the runs, so nothing
 * but a fixed output buffer is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mm/deferred.h"
#include "base/error.h"
#include "base/prim.h"
#include "report/report.h"
#include "mm/slab.h"
#include "report/snapshot.h"

const char *const snap_kind_names[NR_SNAP_KINDS] = {
	[SNAP_FREE] = "free",
	[SNAP_PCP] = "pcp",
	[SNAP_SLAB] = "slab",
	[SNAP_LARGE] = "large",
	[SNAP_VMAREA] = "vm-area",
	[SNAP_USER] = "user",
	[SNAP_ALLOC] = "allocated",
	[SNAP_RESERVED] = "reserved",
	[SNAP_HOLE] = "hole",
};

_Static_assert(sizeof(struct snap_header) % 8 == 0, "header alignment");
_Static_assert(sizeof(struct snap_zone) % 8 == 0, "zone alignment");
_Static_assert(sizeof(struct snap_pageblock) % 8 == 0, "pageblock alignment");
_Static_assert(sizeof(struct snap_run) == 8, "run size");

#define DESC_TEXT_MAX 8192

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* ---- output: a file descriptor, a memory buffer, or just a count ------ */

struct snap_out {
	int fd;                 /* ≥ 0: write here */
	char *mem;              /* else, when not NULL: copy here (cap bytes) */
	size_t cap;
	size_t len;             /* bytes emitted */
	int error;              /* errno of the first failed write */
	size_t fill;
	char buf[4096];
};

static void out_flush(struct snap_out *o)
{
	size_t done = 0;

	while (o->fd >= 0 && !o->error && done < o->fill) {
		long n = prim_write(o->fd, o->buf + done, o->fill - done);
		if (n <= 0) {
			o->error = n < 0 ? errno : EIO;
			break;
		}
		done += (size_t)n;
	}
	o->fill = 0;
}

static void out_put(struct snap_out *o, const void *data, size_t n)
{
	const char *p = data;

	if (o->fd < 0) {
		if (o->mem && o->len + n <= o->cap)
			memcpy(o->mem + o->len, p, n);
		else if (o->mem)
			o->error = ENOSPC;
		o->len += n;
		return;
	}
	o->len += n;
	while (n) {
		size_t k = sizeof(o->buf) - o->fill;
		if (k > n)
			k = n;
		memcpy(o->buf + o->fill, p, k);
		o->fill += k;
		p += k;
		n -= k;
		if (o->fill == sizeof(o->buf))
			out_flush(o);
	}
}

/* ---- classifying frames -------------------------------------------------- */

struct seg {
	uint8_t kind, order, mt;
	unsigned long end;      /* first pfn after the block */
};

/* A hole between zones ends where the next zone starts. */
static unsigned long hole_end(const struct pglist_data *pgdat, unsigned long pfn)
{
	unsigned long end = pgdat->node_start_pfn + pgdat->node_spanned_pages;

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		const struct zone *z = &pgdat->node_zones[i];
		if (z->spanned_pages && z->zone_start_pfn > pfn &&
		    z->zone_start_pfn < end)
			end = z->zone_start_pfn;
	}
	return end;
}

static uint8_t allocated_kind(const struct page *page)
{
	if ((page->flags & PG_slab) ||
	    (page->private & KHEAP_PAGE_TAG_MASK) == KHEAP_PAGE_SLAB)
		return SNAP_SLAB;
	if ((page->private & KHEAP_PAGE_TAG_MASK) == KHEAP_PAGE_LARGE)
		return SNAP_LARGE;
	if (page->flags & PG_lru)
		return SNAP_USER;
	if (page->flags & PG_charged)
		return SNAP_VMAREA;
	return SNAP_ALLOC;
}

/* The block starting at pfn: a free or allocated block by its head (a
 * deferred boot block by its zone's record, without reading mem_map), the
 * zone's reserved prefix (told by the pfn), or a hole up to the next zone
 * (or the limit). */
static void seg_at(const struct pglist_data *pgdat, unsigned long pfn,
		   unsigned long limit, struct seg *s)
{
	unsigned long start = pgdat->node_start_pfn;
	unsigned long end = start + pgdat->node_spanned_pages;

	s->order = 0;
	s->mt = SNAP_NO_MT;
	s->end = pfn + 1;
	if (pfn < start || pfn >= end) {
		s->kind = SNAP_HOLE;
		s->end = pfn < start ? (start < limit ? start : limit) : limit;
		return;
	}
	const struct zone *z = pfn_zone((struct pglist_data *)pgdat, pfn);
	if (!z) {
		s->kind = SNAP_HOLE;
		s->end = hole_end(pgdat, pfn);
		return;
	}
	if (pfn_reserved(pgdat, pfn)) {
		s->kind = SNAP_RESERVED;
		s->end = z->zone_start_pfn + z->reserved_pages;
		return;
	}
	if (pfn_deferred(z, pfn)) {
		unsigned long n = 1UL << (pgdat->nr_page_orders - 1);
		s->kind = SNAP_FREE;
		s->order = (uint8_t)(pgdat->nr_page_orders - 1);
		s->mt = MIGRATE_MOVABLE;
		s->end = (pfn & ~(n - 1)) + n;
		return;
	}
	const struct page *page = pfn_to_page((struct pglist_data *)pgdat, pfn);
	if (page->flags & (PG_buddy | PG_pcp)) {
		s->kind = (page->flags & PG_buddy) ? SNAP_FREE : SNAP_PCP;
		s->order = page->order;
		s->mt = page->mt;
		s->end = pfn + (1UL << page->order);
	} else if (page->flags & PG_head) {
		s->kind = allocated_kind(page);
		s->order = page->order;
		s->end = pfn + (1UL << page->order);
	} else {
		/* a frame no block claims: count it as allocated */
		s->kind = SNAP_ALLOC;
	}
	if (s->end > end)
		s->end = end;
}

/* A walk over the pageblocks in order: `carry` is the block that covers
 * the next pageblock's start when it started in an earlier one. */
struct walk {
	const struct pglist_data *pgdat;
	struct seg carry;               /* block continuing into the next pageblock */
	bool has_carry;
};

typedef void (*run_fn)(void *arg, const struct snap_run *r);

/* Walk [from, to) as runs: call emit (when not NULL) for each, add the
 * frames per kind to pages (when not NULL), return the number of runs. */

static uint32_t walk_pageblock(struct walk *w, unsigned long from,
			       unsigned long to, run_fn emit, void *arg,
			       uint32_t pages[NR_SNAP_KINDS])
{
	struct snap_run cur = { 0 };
	uint32_t nr = 0;
	unsigned long pfn = from;
	bool open = false;

	while (pfn < to) {
		struct seg s;
		if (w->has_carry && w->carry.end > pfn) {
			s = w->carry;
		} else {
			seg_at(w->pgdat, pfn, to, &s);
		}
		w->has_carry = false;
		unsigned long stop = s.end < to ? s.end : to;
		if (s.end > to) {
			w->carry = s;
			w->has_carry = true;
		}
		uint32_t n = (uint32_t)(stop - pfn);
		if (pages)
			pages[s.kind] += n;
		if (open && cur.kind == s.kind && cur.order == s.order &&
		    cur.mt == s.mt) {
			cur.npages += n;
		} else {
			if (open) {
				if (emit)
					emit(arg, &cur);
				nr++;
			}
			cur.kind = s.kind;
			cur.order = s.order;
			cur.mt = s.mt;
			cur.npages = n;
			open = true;
		}
		pfn = stop;
	}
	if (open) {
		if (emit)
			emit(arg, &cur);
		nr++;
	}
	return nr;
}

static void emit_run(void *arg, const struct snap_run *r)
{
	out_put(arg, r, sizeof(*r));
}

/* ---- the encoder ------------------------------------------------------- */

static unsigned long nr_pageblocks(const struct pglist_data *pgdat,
				   unsigned long *first)
{
	unsigned long pbn = pageblock_nr_pages(pgdat);
	unsigned long end = pgdat->node_start_pfn + pgdat->node_spanned_pages;

	*first = pgdat->node_start_pfn & ~(pbn - 1);
	return (end - *first + pbn - 1) / pbn;
}

static void encode_zone(const struct zone *z, struct snap_zone *sz)
{
	memset(sz, 0, sizeof(*sz));
	snprintf(sz->name, sizeof(sz->name), "%s", z->name);
	sz->type = z->type;
	sz->idx = z->idx;
	sz->start_pfn = z->zone_start_pfn;
	sz->spanned_pages = z->spanned_pages;
	sz->present_pages = z->present_pages;
	sz->managed_pages = z->managed_pages;
	sz->cma_pages = z->cma_pages;
	for (int w = 0; w < NR_WMARK; w++)
		sz->watermark[w] = z->_watermark[w];
	sz->watermark_boost = z->watermark_boost;
	for (unsigned i = 0; i < MAX_NR_ZONES; i++)
		sz->lowmem_reserve[i] = z->lowmem_reserve[i];
	sz->nr_reserved_highatomic = z->nr_reserved_highatomic;
	sz->free_pages = z->vm_stat[NR_FREE_PAGES];
	sz->free_cma_pages = z->vm_stat[NR_FREE_CMA_PAGES];
	for (unsigned cpu = 0; cpu < z->zone_pgdat->nr_cpus; cpu++)
		sz->pcp_pages += (uint64_t)z->pcp[cpu].count;
	for (unsigned o = 0; o < MAX_PAGE_ORDERS; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			sz->nr_free[o][mt] = z->free_area[o].nr_free_mt[mt];
}

static uint8_t pageblock_flags(const struct pglist_data *pgdat,
			       unsigned long from, unsigned long to)
{
	uint8_t flags = 0;
	const struct machine_desc *d = pgdat->desc;

	for (unsigned i = 0; d && i < d->nr_cma; i++) {
		unsigned long cs = d->cma[i].base >> pgdat->page_shift;
		unsigned long ce = cs + (d->cma[i].size >> pgdat->page_shift);
		if (cs < to && ce > from)
			flags |= SNAP_PB_CMA_AREA;
	}
	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		const struct zone *z = &pgdat->node_zones[i];
		if (z->spanned_pages && z->zone_start_pfn >= from &&
		    z->zone_start_pfn < to)
			flags |= SNAP_PB_ZONE_START;
	}
	return flags;
}

static uint8_t pageblock_zone(const struct pglist_data *pgdat,
			      unsigned long from, unsigned long to)
{
	uint8_t best = SNAP_NO_ZONE;
	unsigned long first = to;

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		const struct zone *z = &pgdat->node_zones[i];
		unsigned long zs = z->zone_start_pfn;
		unsigned long ze = zs + z->spanned_pages;
		if (!z->spanned_pages || zs >= to || ze <= from)
			continue;
		unsigned long f = zs > from ? zs : from;
		if (f < first) {
			first = f;
			best = (uint8_t)i;
		}
	}
	return best;
}

static void encode(const struct pglist_data *pgdat, const char *source,
		   struct snap_out *o)
{
	char text[DESC_TEXT_MAX];
	struct sbuf sb = SBUF_INIT(text, sizeof(text));
	struct snap_header h;
	unsigned long first;
	unsigned long nr = nr_pageblocks(pgdat, &first);
	unsigned long pbn = pageblock_nr_pages(pgdat);
	static const char zeros[8];

	if (pgdat->desc)
		machine_describe(pgdat->desc, &sb);
	size_t desc_len = sb_overflowed(&sb) ? 0 : sb.len;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, SNAP_MAGIC, sizeof(h.magic));
	h.version = SNAP_VERSION;
	h.byte_order = SNAP_BYTE_ORDER;
	h.kernel = pgdat->kv;
	h.page_shift = pgdat->page_shift;
	h.nr_page_orders = pgdat->nr_page_orders;
	h.pageblock_order = pgdat->pageblock_order;
	h.nr_zones = pgdat->nr_zones;
	h.numa = pgdat->numa;
	h.node_start_pfn = pgdat->node_start_pfn;
	h.node_spanned_pages = pgdat->node_spanned_pages;
	h.first_pageblock_pfn = first;
	h.nr_pageblocks = nr;
	h.desc_len = desc_len;
	h.min_free_kbytes = pgdat->min_free_kbytes;
	h.totalcma_pages = pgdat->totalcma_pages;
	snprintf(h.source, sizeof(h.source), "%s", source ? source : "");
	out_put(o, &h, sizeof(h));
	out_put(o, text, desc_len);
	out_put(o, zeros, pad8(desc_len) - desc_len);

	for (unsigned i = 0; i < pgdat->nr_zones; i++) {
		struct snap_zone sz;
		encode_zone(&pgdat->node_zones[i], &sz);
		out_put(o, &sz, sizeof(sz));
	}

	struct walk w = { pgdat, { 0 }, false };
	for (unsigned long b = 0; b < nr; b++) {
		unsigned long from = first + b * pbn, to = from + pbn;
		struct snap_pageblock pb;
		struct walk again = w;

		memset(&pb, 0, sizeof(pb));
		pb.zone = pageblock_zone(pgdat, from, to);
		pb.mt = pb.zone == SNAP_NO_ZONE ? SNAP_NO_MT :
			(uint8_t)get_pageblock_migratetype(pgdat,
				from > pgdat->node_start_pfn ? from :
				pgdat->node_start_pfn);
		pb.flags = pageblock_flags(pgdat, from, to);
		pb.nr_runs = walk_pageblock(&w, from, to, NULL, NULL, pb.pages);
		out_put(o, &pb, sizeof(pb));
		walk_pageblock(&again, from, to, emit_run, o, NULL);
	}

	struct snap_trailer t;
	memcpy(t.magic, SNAP_END_MAGIC, sizeof(t.magic));
	t.length = o->len;
	out_put(o, &t, sizeof(t));
	if (o->fd >= 0)
		out_flush(o);
}

int snapshot_write_fd(int fd, const struct pglist_data *pgdat,
		      const char *source, struct gfp_error *err)
{
	struct snap_out o;

	o.fd = fd;
	o.mem = NULL;
	o.cap = 0;
	o.len = 0;
	o.error = 0;
	o.fill = 0;
	encode(pgdat, source, &o);
	if (o.error) {
		gfp_error_set(err, "writing the snapshot: %s", strerror(o.error));
		return -1;
	}
	return 0;
}

int snapshot_write_file(const char *path, const struct pglist_data *pgdat,
			const char *source, struct gfp_error *err)
{
	int fd = prim_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		gfp_error_set(err, "%s: cannot create the snapshot: %s", path,
			      strerror(errno));
		return -1;
	}
	int rc = snapshot_write_fd(fd, pgdat, source, err);
	if (prim_close(fd) < 0 && rc == 0) {
		gfp_error_set(err, "%s: closing the snapshot: %s", path,
			      strerror(errno));
		return -1;
	}
	if (rc) {
		char msg[sizeof(err->msg)];
		memcpy(msg, err->msg, sizeof(msg));
		gfp_error_set(err, "%s: %s", path, msg);
	}
	return rc;
}

/* ---- GFPSHIM_SNAPSHOT ---------------------------------------------------- */

static const struct {
	const char *name;
	int signo;
} spec_signals[] = {
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "HUP", SIGHUP },
	{ "WINCH", SIGWINCH },
};

int snapshot_spec_parse(const char *value, char *path, size_t len, int *signo,
			char *err, size_t errlen)
{
	const char *comma = strchr(value, ',');
	size_t n = comma ? (size_t)(comma - value) : strlen(value);

	*signo = 0;
	if (!n || n >= len) {
		snprintf(err, errlen, "expected PATH[,signal=USR1|USR2|HUP|WINCH] "
			 "with a PATH of 1 to %zu characters", len - 1);
		return -1;
	}
	memcpy(path, value, n);
	path[n] = '\0';
	if (!comma)
		return 0;
	const char *sig = comma + 1;
	if (strncmp(sig, "signal=", 7) != 0) {
		snprintf(err, errlen, "\"%s\" after the path; expected "
			 "signal=USR1, USR2, HUP or WINCH", sig);
		return -1;
	}
	sig += 7;
	if (strncmp(sig, "SIG", 3) == 0)
		sig += 3;
	for (size_t i = 0; i < sizeof(spec_signals) / sizeof(spec_signals[0]); i++) {
		if (strcmp(sig, spec_signals[i].name) == 0) {
			*signo = spec_signals[i].signo;
			return 0;
		}
	}
	snprintf(err, errlen, "signal \"%s\"; expected USR1, USR2, HUP or WINCH",
		 comma + 8);
	return -1;
}

/* ---- the reader -------------------------------------------------------- */

static size_t map_len(size_t n)
{
	size_t page = prim_page_size();
	return (n + page - 1) & ~(page - 1);
}

/* Check and index s->data (s->data_len bytes); `name` names it in errors. */
static int decode(struct snapshot *s, const char *name, struct gfp_error *err)
{
	const char *p = s->data;
	size_t len = s->data_len, off;
	const struct snap_header *h = (const void *)p;

	if (len < sizeof(*h) || memcmp(h->magic, SNAP_MAGIC, 8) != 0) {
		gfp_error_set(err, "%s: not a gfpshim snapshot (expected the GFPSNAP "
			      "magic at its start)", name);
		return -1;
	}
	if (h->byte_order != SNAP_BYTE_ORDER) {
		gfp_error_set(err, "%s: written on a machine of the other byte order; "
			      "expected this machine's", name);
		return -1;
	}
	if (h->version != SNAP_VERSION) {
		gfp_error_set(err, "%s: snapshot format version %u; expected version %u",
			      name, h->version, SNAP_VERSION);
		return -1;
	}
	if (h->page_shift < 12 || h->page_shift > 16 ||
	    h->nr_page_orders == 0 || h->nr_page_orders > MAX_PAGE_ORDERS ||
	    h->pageblock_order >= h->nr_page_orders ||
	    h->nr_zones == 0 || h->nr_zones > MAX_NR_ZONES ||
	    h->desc_len > DESC_TEXT_MAX) {
		gfp_error_set(err, "%s: header out of range (page_shift %u, %u orders, "
			      "pageblock_order %u, %u zones); expected page_shift 12-16, "
			      "1-%u orders, pageblock_order below them, 1-%u zones",
			      name, h->page_shift, h->nr_page_orders, h->pageblock_order,
			      h->nr_zones, MAX_PAGE_ORDERS, MAX_NR_ZONES);
		return -1;
	}
	s->hdr = *h;
	off = sizeof(*h);
	if (len - off < pad8(h->desc_len) + h->nr_zones * sizeof(struct snap_zone)) {
		gfp_error_set(err, "%s: truncated in its machine description or zones",
			      name);
		return -1;
	}
	s->desc_text = p + off;
	off += pad8(h->desc_len);
	s->zones = (const void *)(p + off);
	off += h->nr_zones * sizeof(struct snap_zone);

	unsigned long pbn = 1UL << h->pageblock_order;
	if (h->nr_pageblocks > (len - off) / sizeof(struct snap_pageblock)) {
		gfp_error_set(err, "%s: truncated: %llu pageblocks announced, room for "
			      "%zu at most", name, (unsigned long long)h->nr_pageblocks,
			      (len - off) / sizeof(struct snap_pageblock));
		return -1;
	}
	if (h->nr_pageblocks == 0 ||
	    (h->first_pageblock_pfn & (pbn - 1)) ||
	    h->node_start_pfn < h->first_pageblock_pfn ||
	    h->node_start_pfn + h->node_spanned_pages >
	    h->first_pageblock_pfn + h->nr_pageblocks * pbn) {
		gfp_error_set(err, "%s: %llu pageblocks from pfn %#llx do not cover the "
			      "node (pfn %#llx, %llu pages)",
			      name, (unsigned long long)h->nr_pageblocks,
			      (unsigned long long)h->first_pageblock_pfn,
			      (unsigned long long)h->node_start_pfn,
			      (unsigned long long)h->node_spanned_pages);
		return -1;
	}
	s->index_len = map_len(h->nr_pageblocks * sizeof(*s->pb));
	s->index = prim_map(s->index_len);
	if (!s->index) {
		gfp_error_set(err, "%s: cannot map an index of %llu pageblocks: %s",
			      name, (unsigned long long)h->nr_pageblocks,
			      strerror(errno));
		return -1;
	}
	s->pb = s->index;
	for (unsigned long b = 0; b < h->nr_pageblocks; b++) {
		const struct snap_pageblock *pb = (const void *)(p + off);
		uint64_t sum = 0, covered = 0;

		if (len - off < sizeof(*pb) ||
		    pb->nr_runs > (len - off - sizeof(*pb)) / sizeof(struct snap_run)) {
			gfp_error_set(err, "%s: truncated at pageblock %lu of %llu", name,
				      b, (unsigned long long)h->nr_pageblocks);
			return -1;
		}
		for (int k = 0; k < NR_SNAP_KINDS; k++)
			sum += pb->pages[k];
		for (uint32_t r = 0; r < pb->nr_runs; r++) {
			const struct snap_run *run = &snap_runs(pb)[r];
			/* free and per-cpu pages are on a list; the rest on none
			 * or on the list of their pageblock */
			bool listed = run->kind == SNAP_FREE || run->kind == SNAP_PCP;
			if (run->kind >= NR_SNAP_KINDS ||
			    run->order >= h->nr_page_orders ||
			    (run->mt >= MIGRATE_TYPES && (listed || run->mt != SNAP_NO_MT))) {
				gfp_error_set(err, "%s: pageblock %lu run %u: kind %u order %u "
					      "list %u out of range; expected a kind below %u, "
					      "an order below %u and a list below %u",
					      name, b, r, run->kind, run->order, run->mt,
					      NR_SNAP_KINDS, h->nr_page_orders, MIGRATE_TYPES);
				return -1;
			}
			covered += run->npages;
		}
		if (sum != pbn || covered != pbn ||
		    (pb->zone != SNAP_NO_ZONE && pb->zone >= h->nr_zones) ||
		    (pb->mt >= MIGRATE_TYPES &&
		     (pb->zone != SNAP_NO_ZONE || pb->mt != SNAP_NO_MT))) {
			gfp_error_set(err, "%s: pageblock %lu: %llu frames counted, %llu in "
				      "runs, zone %u, type %u; expected %lu frames, a zone "
				      "below %u and a migratetype", name, b,
				      (unsigned long long)sum, (unsigned long long)covered,
				      pb->zone, pb->mt, pbn, h->nr_zones);
			return -1;
		}
		s->pb[b] = pb;
		off += sizeof(*pb) + pb->nr_runs * sizeof(struct snap_run);
	}

	const struct snap_trailer *t = (const void *)(p + off);
	if (len - off != sizeof(*t) || memcmp(t->magic, SNAP_END_MAGIC, 8) != 0 ||
	    t->length != off) {
		gfp_error_set(err, "%s: %zu bytes after the last pageblock; expected the "
			      "%zu-byte GFPSEND trailer (a snapshot cut short or run on)",
			      name, len - off, sizeof(*t));
		return -1;
	}

	struct gfp_error merr;
	if (machine_load_text(s->desc_text, h->desc_len, name, &s->desc,
			      &merr) < 0) {
		gfp_error_set(err, "%s: its machine description: %s", name, merr.msg);
		return -1;
	}
	return 0;
}

int snapshot_read_file(const char *path, struct snapshot *s,
		       struct gfp_error *err)
{
	size_t size;
	int fd;

	memset(s, 0, sizeof(*s));
	fd = prim_open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0) {
		gfp_error_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (prim_file_size(fd, &size) < 0) {
		gfp_error_set(err, "%s: %s", path, strerror(errno));
		prim_close(fd);
		return -1;
	}
	s->data_len = size;
	s->data = size ? prim_map(map_len(size)) : NULL;
	if (size && !s->data) {
		gfp_error_set(err, "%s: cannot map %zu bytes: %s", path, size,
			      strerror(errno));
		prim_close(fd);
		return -1;
	}
	for (size_t got = 0; got < size;) {
		long n = prim_read(fd, (char *)s->data + got, size - got);
		if (n <= 0) {
			gfp_error_set(err, "%s: %s", path,
				      n < 0 ? strerror(errno) : "shorter than its size");
			prim_close(fd);
			snapshot_release(s);
			return -1;
		}
		got += (size_t)n;
	}
	prim_close(fd);
	if (decode(s, path, err) < 0) {
		snapshot_release(s);
		return -1;
	}
	return 0;
}

int snapshot_from_node(const struct pglist_data *pgdat, const char *source,
		       struct snapshot *s, struct gfp_error *err)
{
	struct snap_out o;

	memset(s, 0, sizeof(*s));
	memset(&o, 0, sizeof(o));
	o.fd = -1;
	encode(pgdat, source, &o);              /* count the bytes */
	s->data_len = o.len;
	s->data = prim_map(map_len(o.len));
	if (!s->data) {
		gfp_error_set(err, "cannot map %zu bytes for a snapshot: %s", o.len,
			      strerror(errno));
		return -1;
	}
	memset(&o, 0, sizeof(o));
	o.fd = -1;
	o.mem = s->data;
	o.cap = s->data_len;
	encode(pgdat, source, &o);
	if (o.error || o.len != s->data_len) {
		gfp_error_set(err, "the node changed while its snapshot was taken");
		snapshot_release(s);
		return -1;
	}
	if (decode(s, source ? source : "snapshot", err) < 0) {
		snapshot_release(s);
		return -1;
	}
	return 0;
}

void snapshot_release(struct snapshot *s)
{
	if (s->data)
		prim_unmap(s->data, map_len(s->data_len));
	if (s->index)
		prim_unmap(s->index, s->index_len);
	s->data = s->index = NULL;
	s->pb = NULL;
	s->zones = NULL;
}

void snapshot_totals(const struct snapshot *s, int zone,
		     struct snap_totals *t)
{
	unsigned long pb_order = s->hdr.pageblock_order;

	memset(t, 0, sizeof(*t));
	for (unsigned long b = 0; b < s->hdr.nr_pageblocks; b++) {
		const struct snap_pageblock *pb = s->pb[b];
		unsigned long pfn = snap_pageblock_pfn(s, b);

		if (zone >= 0 && pb->zone != zone)
			continue;
		if (pb->zone != SNAP_NO_ZONE) {
			t->pageblocks++;
			t->blocks_mt[pb->mt]++;
		}
		for (int k = 0; k < NR_SNAP_KINDS; k++)
			t->pages[k] += pb->pages[k];
		for (uint32_t r = 0; r < pb->nr_runs; r++) {
			const struct snap_run *run = &snap_runs(pb)[r];
			if (run->kind == SNAP_PCP)
				t->pcp_mt[run->mt] += run->npages;
			if (run->kind != SNAP_FREE)
				continue;
			t->free_mt[run->mt] += run->npages;
			/* heads: blocks inside the pageblock, or the one big
			 * block whose aligned start is this pageblock */
			if (run->order <= pb_order)
				t->nr_free[run->order][run->mt] +=
					run->npages >> run->order;
			else if (!(pfn & ((1UL << run->order) - 1)))
				t->nr_free[run->order][run->mt]++;
		}
	}
}
