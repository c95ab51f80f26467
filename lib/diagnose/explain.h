/* Why an allocation failed, in the kernel's own arithmetic.
 *
 * explain_report() takes one report of a parsed log (logparse.h), settles
 * the kernel version (given, from the dump_stack release, or from the
 * mask's numbering and the report's format), decodes the mask, and for
 * every zone the request could use — from gfp_zone() down — rebuilds the
 * zone's numbers as printed (free, min with its boost, lowmem_reserve,
 * free CMA, the highatomic reserve, free blocks per order and the
 * migratetypes whose lists held them) and runs that version's
 * __zone_watermark_ok() on them (watermark.c), then asks whether
 * __rmqueue() could have taken a block of the order from a list the
 * request may use.  The verdict names the first thing that stopped it,
 * with the numbers; recommendations follow from the verdict and the
 * request.  Formatting (text, JSON) goes into a struct sbuf: nothing here
 * prints or allocates.
 */
#ifndef GFPSHIM_EXPLAIN_H
#define GFPSHIM_EXPLAIN_H

#include <stdbool.h>

#include "diagnose/logparse.h"
#include "mm/page_alloc.h"
#include "report/report.h"

enum explain_verdict {
	EV_SHOULD_HAVE_SUCCEEDED,       /* a zone passes with the printed numbers */
	EV_FRAGMENTATION,               /* enough free pages, no block ≥ order */
	EV_CMA_ONLY,                    /* what is left (of that order) is CMA */
	EV_WATERMARK,                   /* free below the (discounted) watermark */
	EV_HIGHATOMIC,                  /* what is left is the highatomic reserve */
	EV_LOWMEM_RESERVE,              /* above the watermark, not above the reserve */
	EV_NO_ZONE,                     /* no printed zone the request may use */
	EV_ORDER_TOO_LARGE,             /* order ≥ NR_PAGE_ORDERS */
	EV_NOT_PAGES,                   /* vmalloc address space, not a page shortage */
	EV_CMA_AREA,                    /* cma_alloc: no free run in the area */
	EV_NO_NUMBERS,                  /* no show_mem numbers to check */
	EV_DUMP,                        /* a dump with no failure in it */
	EV_NR
};
/* "should-have-succeeded", "fragmentation", "cma-only", … (JSON) */
extern const char *const explain_verdict_names[EV_NR];

enum explain_kver_source {
	KVS_GIVEN,                      /* --kernel */
	KVS_RELEASE,                    /* dump_stack's "CPU: … <release> #N" */
	KVS_MASK,                       /* the mask's numbering and the format */
	KVS_FORMAT,                     /* the report's format only */
	KVS_DEFAULT,                    /* nothing to go by */
};

/* Recommendations (bits of explanation.recs), from the seeds' practice. */
enum {
	REC_DMA_COHERENT   = 1u << 0,   /* CMA-eligible: dma_alloc_coherent / movable */
	REC_KVMALLOC       = 1u << 1,   /* not contiguous: kvmalloc()/vmalloc() */
	REC_PREALLOCATE    = 1u << 2,   /* allocate early, keep it; check NULL */
	REC_FIX_LEAK       = 1u << 3,   /* the consumer the numbers point to */
	REC_COMPACTION     = 1u << 4,   /* compact_memory / proactiveness */
	REC_MIN_FREE       = 1u << 5,   /* vm.min_free_kbytes */
	REC_SLEEPING_CTX   = 1u << 6,   /* allocate where reclaim is allowed */
	REC_CMA_SIZE       = 1u << 7,   /* cma= reservation vs what can use it */
	REC_VMALLOC_SPACE  = 1u << 8,   /* vmalloc=, vfree leaks */
	REC_DMA_ZONE       = 1u << 9,   /* GFP_DMA → the DMA API's masks */
	REC_NOWARN         = 1u << 10,  /* handled failure: __GFP_NOWARN */
	REC_CMA_PINS       = 1u << 11,  /* unmovable pages inside the CMA area */
};

struct explain_zone {
	char name[16];
	int node;
	unsigned idx;                   /* configured zone index */
	enum explain_verdict why;
	struct zone_attempt seen;       /* zone_watermark_fast()'s numbers */
	long mark, low, high, boost;    /* pages, as printed (boost included) */
	long boost_floor;               /* ≤5.x: boost inferred from low − min */
	long cma, highatomic;           /* pages the check left out */
	long reserve_free;              /* printed free − min discounts aside */
	bool counts_ok;                 /* usable > min + lowmem_reserve */
	bool rmqueue_block;             /* __rmqueue could take a block ≥ order */
	bool orders_unknown;            /* buddy line cut or missing */
	bool letters_unknown;           /* buddyinfo counts only */
	bool wmark_unknown;             /* no zone line: free from the buddy
					   total, min/low/high unknown */
	int largest_any;                /* largest order with a free block, -1 */
	int largest_usable;             /* … on a list this request may take */
	unsigned long ge_blocks, ge_cma_blocks, ge_ha_blocks;   /* blocks ≥ order */
	unsigned long ge_kb, ge_cma_kb;
};

/* Where the memory is, from the global counters (pages). */
struct explain_usage {
	bool valid;
	unsigned long managed, free, anon, file, unevictable, slab_reclaimable,
		      slab_unreclaimable, pagetables, kernel_stack, untracked,
		      cma_reserved, non_cma_free;
};

#define EXPLAIN_MAX_NOTES 10

struct explanation {
	const struct log_report *rep;
	unsigned number;                /* 1-based report number in the log */
	kver_t kv;
	enum explain_kver_source kv_source;
	char kv_detail[200];
	bool have_request;              /* order and mask known */
	unsigned order;
	uint32_t mask;                  /* as the kernel numbered it */
	gfp_t gfp;                      /* canonical */
	char mask_text[256];            /* "0xa20(GFP_ATOMIC)" for kv */
	char mask_bits[256];            /* "__GFP_HIGH|__GFP_ATOMIC|…" */
	int migratetype;
	unsigned alloc_flags;
	char alloc_flags_text[160];
	bool can_reclaim;               /* __GFP_DIRECT_RECLAIM */
	unsigned page_kb, nr_page_orders;
	char highest_zone[16];
	unsigned nr_zones;              /* zones the request may use, highest first */
	struct explain_zone zones[LOG_MAX_ZONES];
	int primary;                    /* zone the verdict speaks of, -1 */
	enum explain_verdict verdict;
	char verdict_text[400];
	unsigned recs;
	struct explain_usage usage;
	unsigned nr_notes;
	char notes[EXPLAIN_MAX_NOTES][400];
	/* the node the arithmetic runs on (bookkeeping only, no mem_map) */
	struct pglist_data node;
};

/* Explain report `i` of `log`.  kv = 0: infer the version.  Returns 0;
 * -1 with a message in err when `i` is out of range. */
int explain_report(const struct log *log, unsigned i, kver_t kv,
		   struct explanation *ex, struct gfp_error *err);

/* The version the report came from, and how that was decided. */
kver_t explain_infer_kernel(const struct log_report *rep,
			    enum explain_kver_source *src, char *why,
			    size_t len);

void explain_format_text(const struct explanation *ex, struct sbuf *sb);
/* One JSON object (no trailing newline). */
void explain_format_json(const struct explanation *ex, struct sbuf *sb);

#endif
