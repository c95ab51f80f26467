/* Snapshots of the simulated memory: what is where, frame by frame.
 *
 * The shim writes one at exit or on a signal (GFPSHIM_SNAPSHOT), `gfpshim
 * replay` writes one from a log, and `gfpshim map` draws one.  A snapshot
 * holds the machine (as profile text machine_load_text() reads back), each
 * zone's numbers (spans, watermarks, lowmem_reserve, free blocks per order
 * and list), and every pageblock in physical order: its migratetype, its
 * zone, its frames counted per kind, and the frames themselves as runs of
 * blocks of one kind, order and list ("one order-9 block free on the
 * Movable list", "300 order-0 user pages").
 *
 * Map of the file (native byte order; a reader refuses another order):
 *   struct snap_header
 *   desc_len bytes of profile text, zero-padded to a multiple of 8
 *   nr_zones × struct snap_zone
 *   nr_pageblocks × (struct snap_pageblock, then its nr_runs × struct snap_run)
 *   struct snap_trailer
 *
 * Writing never allocates: the encoder walks mem_map and writes through a
 * fixed buffer with raw system calls, so it can run at exit or in a signal
 * handler.  The caller keeps the node still while it runs (the zone locks,
 * or a node no other thread uses).  Reading maps the file and checks every
 * count against the header before anything is trusted.
 */
#ifndef GFPSHIM_SNAPSHOT_H
#define GFPSHIM_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/machine.h"
#include "mm/mmzone.h"

#define SNAP_MAGIC      "GFPSNAP\n"
#define SNAP_END_MAGIC  "GFPSEND\n"
#define SNAP_VERSION    1
#define SNAP_BYTE_ORDER 0x01020304u

/* What a frame is doing.  Each allocated kind names the layer that owns
 * the block (page->flags and the slab layer's page->private tags). */
enum snap_kind {
	SNAP_FREE,      /* on a buddy free list (PG_buddy); run.mt is the list */
	SNAP_PCP,       /* on a per-cpu list (PG_pcp); run.mt is the list */
	SNAP_SLAB,      /* a slab (kmalloc and named caches) */
	SNAP_LARGE,     /* kmalloc_large pages */
	SNAP_VMAREA,    /* frames charged for a vm area (vmalloc, big malloc) */
	SNAP_USER,      /* user pages (anonymous mmap) */
	SNAP_ALLOC,     /* allocated, owner unknown (alloc_pages, a log's heap) */
	SNAP_RESERVED,  /* present, never given to the buddy (present − managed) */
	SNAP_HOLE,      /* no frame: outside every zone, or outside the node */
	NR_SNAP_KINDS
};

extern const char *const snap_kind_names[NR_SNAP_KINDS]; /* "free", "pcp", … */

#define SNAP_NO_ZONE    0xff    /* snap_pageblock.zone of a pageblock in a hole */
#define SNAP_NO_MT      0xff    /* snap_run.mt of kinds that are on no list */

/* snap_pageblock.flags */
#define SNAP_PB_CMA_AREA   0x01 /* overlaps one of the machine's CMA areas */
#define SNAP_PB_ZONE_START 0x02 /* a zone starts inside this pageblock */

struct snap_header {
	char magic[8];                  /* SNAP_MAGIC */
	uint32_t version;               /* SNAP_VERSION */
	uint32_t byte_order;            /* SNAP_BYTE_ORDER as the writer stored it */
	uint32_t kernel;                /* kver_t */
	uint32_t page_shift;
	uint32_t nr_page_orders;
	uint32_t pageblock_order;
	uint32_t nr_zones;
	uint32_t numa;
	uint64_t node_start_pfn;
	uint64_t node_spanned_pages;
	uint64_t first_pageblock_pfn;   /* node_start_pfn rounded down to a pageblock */
	uint64_t nr_pageblocks;
	uint64_t desc_len;              /* profile text bytes, before padding */
	int64_t min_free_kbytes;
	uint64_t totalcma_pages;
	char source[64];                /* who wrote it: "pid 4242 at exit", … */
};

struct snap_zone {
	char name[16];                  /* "DMA32" */
	uint32_t type;                  /* enum zone_type */
	uint32_t idx;
	uint64_t start_pfn, spanned_pages, present_pages, managed_pages;
	uint64_t cma_pages;
	uint64_t watermark[NR_WMARK];   /* _watermark[], boost not included */
	uint64_t watermark_boost;
	int64_t lowmem_reserve[MAX_NR_ZONES];
	uint64_t nr_reserved_highatomic;
	int64_t free_pages;             /* NR_FREE_PAGES */
	int64_t free_cma_pages;         /* NR_FREE_CMA_PAGES */
	uint64_t pcp_pages;             /* on the per-cpu lists (free_pcp) */
	uint64_t nr_free[MAX_PAGE_ORDERS][MIGRATE_TYPES]; /* blocks per order and list */
};

/* pages[] sums to the pageblock's size; the runs that follow cover the
 * pageblock's frames in pfn order, each frame once. */
struct snap_pageblock {
	uint8_t mt;                     /* get_pageblock_migratetype(); SNAP_NO_MT in a hole */
	uint8_t zone;                   /* zone idx of its first zone frame, or SNAP_NO_ZONE */
	uint8_t flags;                  /* SNAP_PB_* */
	uint8_t pad;
	uint32_t nr_runs;
	uint32_t pages[NR_SNAP_KINDS];  /* frames per kind */
	uint32_t pad2;
};

/* npages consecutive frames in blocks of 2^order frames of one kind; a
 * block larger than a pageblock shows as one run in each pageblock it
 * covers (its head is in the pageblock aligned to the block). */
struct snap_run {
	uint8_t kind;                   /* enum snap_kind */
	uint8_t order;
	uint8_t mt;                     /* free and pcp: the list; else SNAP_NO_MT */
	uint8_t pad;
	uint32_t npages;
};

struct snap_trailer {
	char magic[8];                  /* SNAP_END_MAGIC */
	uint64_t length;                /* bytes before the trailer */
};

/* ---- writing ------------------------------------------------------------ */

/* Encode the node into fd.  `source` (≤ 63 characters kept) says who wrote
 * it.  Returns 0, or -1 with the failing system call in err. */
int snapshot_write_fd(int fd, const struct pglist_data *pgdat,
		      const char *source, struct gfp_error *err);
/* The same into a file created (or truncated) at path, mode 0644. */
int snapshot_write_file(const char *path, const struct pglist_data *pgdat,
			const char *source, struct gfp_error *err);

/* GFPSHIM_SNAPSHOT = PATH[,signal=SIG]: the file written at exit, and
 * the signal (USR1, USR2, HUP or WINCH, with or without "SIG") on which
 * PATH.1, PATH.2, … are written; "%p" in PATH is the process id.  Fills
 * path and *signo (0: no signal); -1 with what was expected in err. */
int snapshot_spec_parse(const char *value, char *path, size_t len, int *signo,
			char *err, size_t errlen);

/* ---- reading ------------------------------------------------------------ */

struct snapshot {
	struct snap_header hdr;
	struct machine_desc desc;       /* the profile text, parsed */
	const char *desc_text;          /* desc_len bytes, not NUL-terminated */
	const struct snap_zone *zones;  /* hdr.nr_zones */
	const struct snap_pageblock **pb;/* hdr.nr_pageblocks, in pfn order */
	/* mappings the reader owns */
	void *data;
	size_t data_len;
	void *index;
	size_t index_len;
};

static inline const struct snap_run *snap_runs(const struct snap_pageblock *pb)
{
	return (const struct snap_run *)(pb + 1);
}

static inline unsigned long snap_pageblock_pfn(const struct snapshot *s,
					       unsigned long i)
{
	return s->hdr.first_pageblock_pfn + (i << s->hdr.pageblock_order);
}

/* Read and check a snapshot file.  Errors name the file and what was
 * wrong with it ("FILE: not a gfpshim snapshot (no GFPSNAP magic)"). */
int snapshot_read_file(const char *path, struct snapshot *s,
		       struct gfp_error *err);
/* Encode a node into memory and read it back: a snapshot of a heap that
 * was never written to a file (a log rebuilt by replay and map). */
int snapshot_from_node(const struct pglist_data *pgdat, const char *source,
		       struct snapshot *s, struct gfp_error *err);
void snapshot_release(struct snapshot *s);

/* Sums over the pageblocks of one zone (zone idx) or all (-1). */
struct snap_totals {
	unsigned long pageblocks;               /* with a zone */
	unsigned long blocks_mt[MIGRATE_TYPES]; /* pageblocks per migratetype */
	unsigned long free_mt[MIGRATE_TYPES];   /* buddy free pages per list */
	unsigned long pcp_mt[MIGRATE_TYPES];    /* per-cpu pages per list */
	unsigned long pages[NR_SNAP_KINDS];     /* frames per kind */
	unsigned long nr_free[MAX_PAGE_ORDERS][MIGRATE_TYPES]; /* free blocks (heads) */
};
void snapshot_totals(const struct snapshot *s, int zone,
		     struct snap_totals *t);

#endif
