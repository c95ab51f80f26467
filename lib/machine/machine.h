/* Machine descriptions: what a node looks like before it boots.
 *
 * A description says what a device has — RAM, page size, which zones the
 * kernel was built with and where they start, CMA areas, reserved memory,
 * the kernel version — and node_init() (mm/node.h) turns it into a pglist_data with
 * every free page in the buddy, watermarks and lowmem_reserve computed the
 * way that kernel computes them at boot.
 *
 * Descriptions come from built-in profiles (machine_profile()), from
 * profile files and from environment values; every parser reports errors
 * through struct gfp_error, naming the source, line and field.
 */
#ifndef GFPSHIM_MACHINE_H
#define GFPSHIM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/kver.h"
#include "abi/zone.h"
#include "base/error.h"

/* Compile-time upper bounds a description is checked against; a node's
 * real values are in its pglist_data. */
#define MAX_NR_CPUS     64
/* Frames are numbered in 32 bits; the last number is the mm's PFN_NIL. */
#define MAX_NR_FRAMES   UINT32_MAX


#define MAX_CMA_AREAS 8
#define MACHINE_INITIAL_MAX 4096

struct zone_desc {
	enum zone_type type;
	uint64_t start;         /* bytes, physical */
	uint64_t size;          /* spanned bytes (0: configured but empty) */
	uint64_t reserved;      /* present − managed, bytes */
};

struct cma_desc {
	char name[32];          /* "reserved" is the default DMA area */
	uint64_t base;          /* bytes, physical; must lie in one zone */
	uint64_t size;
};

struct machine_desc {
	char name[64];
	char arch[16];                  /* "x86_64", "arm64", "arm", "csky" … */
	char hardware[128];             /* dump_stack "Hardware name:"; "" = none */
	kver_t kernel;
	char release[65];               /* uname -r as given ("4.9.56", "5.4.125-android11-…") */
	unsigned page_shift;
	unsigned nr_page_orders;        /* 0: the arch/version default */
	unsigned pageblock_order;       /* 0: the arch/version default */
	unsigned nr_cpus;
	bool numa;                      /* CONFIG_NUMA */

	unsigned nr_zones;              /* configured zones, in zone_type order */
	struct zone_desc zones[MAX_NR_ZONES];

	unsigned nr_cma;
	struct cma_desc cma[MAX_CMA_AREAS];

	long min_free_kbytes;           /* -1: the kernel's default formula */
	unsigned watermark_scale_factor;
	unsigned watermark_boost_factor;
	bool thp;                       /* khugepaged raises min_free_kbytes */

	/* The heap's state after boot: the profile's `initial.*` settings as
	 * "key = value" lines, applied after node_init() by
	 * initial_state_apply() (lib/mm/initial_state.h). */
	char initial[MACHINE_INITIAL_MAX];
};

/* Built-in profiles: "default" (x86_64), and the devices of the examples.
 * Returns NULL for an unknown name. */
const struct machine_desc *machine_profile(const char *name);
/* Names of the built-in profiles, NULL-terminated. */
extern const char *const machine_profile_names[];

/* Set one field from text, as a profile file line `key = value` or an
 * environment value does ("mem", "cma", "kernel", "page_size", "zone", …).
 * `where` names the source for messages ("GFPSHIM_MEM", "board.conf:12"). */
int machine_set(struct machine_desc *d, const char *key, const char *value,
		const char *where, struct gfp_error *err);

/* Check a description for consistency (zones ordered and inside RAM, CMA
 * inside one zone, orders within bounds, …). */
int machine_validate(const struct machine_desc *d, struct gfp_error *err);

/* Parse "512M", "3.5G", "65536", "64K" (suffixes K M G T, powers of 1024). */
int parse_size(const char *text, uint64_t *out);

/* The values a description leaves at 0 ("the default"), resolved for its
 * arch, page size and kernel: NR_PAGE_ORDERS and pageblock_order. */
unsigned machine_nr_page_orders(const struct machine_desc *d);
unsigned machine_pageblock_order(const struct machine_desc *d);

/* Profile files: `# comment` lines and `key = value` lines applied with
 * machine_set(); an optional first setting `profile = NAME` starts from a
 * built-in profile (otherwise from "default").  Errors read
 * "FILE:LINE: FIELD: message".  machine_load_text() parses text already in
 * memory; `source` names it in messages.  Neither allocates. */
#define MACHINE_FILE_MAX 65536
int machine_load_file(const char *path, struct machine_desc *d,
		      struct gfp_error *err);
int machine_load_text(const char *text, size_t len, const char *source,
		      struct machine_desc *d, struct gfp_error *err);

/* Print the effective machine as a profile file (`key = value` lines that
 * machine_load_text() reads back into the same description), with the
 * derived numbers (pages, managed, defaults) in comments. */
struct sbuf;
void machine_describe(const struct machine_desc *d, struct sbuf *sb);

#endif
