/* Machine descriptions: sizes, the `key = value` settings of profiles and
 * environment values, and consistency checks.  Profile files are read in
 * machine_file.c, the printed form is machine_describe.c.
 *
 * A description is edited one setting at a time (machine_set()); settings
 * that imply others say so: `arch` and `mem` lay out the arch's default
 * zones (the RAM total and the zone list of the kernel set before them),
 * and re-place the default CMA area ("reserved") the way the kernel would.
 * machine_validate() is the one place that decides whether the result is
 * a machine node_init() can boot.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "abi/kver_rules.h"
#include "machine/initial.h"
#include "machine/machine.h"
#include "machine/machine_impl.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* --- messages ------------------------------------------------------------ */

struct setting {
	const char *where;      /* "board.conf:12", "GFPSHIM_MEM=12Q" */
	const char *key;
	const char *value;
	struct gfp_error *err;
};

/* "WHERE: KEY: message"; a `where` that is already an assignment
 * ("GFPSHIM_MEM=12Q") names the field itself. */
static int __attribute__((format(printf, 2, 3)))
set_error(const struct setting *s, const char *fmt, ...)
{
	char *m = s->err->msg;
	size_t cap = sizeof(s->err->msg), n = 0;
	int w;

	if (s->where && *s->where) {
		w = snprintf(m, cap, "%s: ", s->where);
		n = w > 0 ? (size_t)w : 0;
	}
	if (s->key && !(s->where && strchr(s->where, '=')) && n < cap) {
		w = snprintf(m + n, cap - n, "%s: ", s->key);
		n += w > 0 ? (size_t)w : 0;
	}
	if (n < cap) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(m + n, cap - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#define SIZE_EXPECTED \
	"expected a number of bytes with an optional unit K, M, G or T " \
	"(powers of 1024), such as 512M, 3.5G or 65536"

static int size_value(const struct setting *s, const char *text, uint64_t *out)
{
	switch (machine_size_parse(text, out)) {
	case SIZE_OK:
		return 0;
	case SIZE_OVERFLOW:
		return set_error(s, "\"%s\" is too large; expected less than 16384P", text);
	case SIZE_FRACTION:
		return set_error(s, "\"%s\" is not a whole number of bytes; %s",
				 text, SIZE_EXPECTED);
	default:
		return set_error(s, "\"%s\" is not a size; %s", text, SIZE_EXPECTED);
	}
}

static int uint_value(const struct setting *s, const char *text, unsigned long lo,
		      unsigned long hi, unsigned long *out)
{
	unsigned long v = 0;
	const char *p = text;

	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > hi)
			goto bad;
	}
	if (*p || v < lo)
		goto bad;
	*out = v;
	return 0;
bad:
	return set_error(s, "\"%s\": expected an integer from %lu to %lu", text, lo, hi);
}

static int bool_value(const struct setting *s, const char *text, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on", "y" };
	static const char *const no[] = { "0", "no", "false", "off", "n" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(text, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(text, no[i]) == 0)
			return *out = false, 0;
	}
	return set_error(s, "\"%s\": expected yes or no (also 1/0, true/false, on/off)", text);
}

/* --- architectures --------------------------------------------------------- */

static const struct arch_info arches[] = {
	{ "x86_64", "amd64", 1u << 12, 64, 0, 0 },
	/* QEMU virt and most SoCs start DRAM at 1 GiB */
	{ "arm64", "aarch64", (1u << 12) | (1u << 14) | (1u << 16), 64, 1 * GiB, 0 },
	/* VMSPLIT_3G with the default 240 MiB vmalloc area (arch/arm/mm/mmu.c) */
	{ "arm", "arm32", 1u << 12, 32, 0, 768 * MiB },
	{ "csky", NULL, 1u << 12, 32, 0, 1 * GiB },
};

const struct arch_info *arch_find(const char *name)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		if (strcasecmp(name, arches[i].name) == 0 ||
		    (arches[i].alias && strcasecmp(name, arches[i].alias) == 0))
			return &arches[i];
	}
	return NULL;
}

static bool is_arm64(const struct machine_desc *d)
{
	return strcmp(d->arch, "arm64") == 0;
}

/* The zone types a kernel of this arch and version is built with (the
 * distro/defconfig choice; a profile overrides it with `zones`). */
static unsigned arch_zone_mask(const struct machine_desc *d)
{
	if (strcmp(d->arch, "x86_64") == 0)
		return 1u << ZONE_DMA | 1u << ZONE_DMA32 | 1u << ZONE_NORMAL |
		       1u << ZONE_MOVABLE | 1u << ZONE_DEVICE;
	if (is_arm64(d)) {
		if (!kver_has(d->kernel, KF_ARM64_ZONE_DMA32))
			return 1u << ZONE_DMA | 1u << ZONE_NORMAL | 1u << ZONE_MOVABLE;
		if (!kver_has(d->kernel, KF_ARM64_ZONE_DMA))
			return 1u << ZONE_DMA32 | 1u << ZONE_NORMAL | 1u << ZONE_MOVABLE;
		return 1u << ZONE_DMA | 1u << ZONE_DMA32 | 1u << ZONE_NORMAL |
		       1u << ZONE_MOVABLE;
	}
	return 1u << ZONE_NORMAL | 1u << ZONE_HIGHMEM | 1u << ZONE_MOVABLE;
}

/* The highest physical address (exclusive) a zone type may reach; 0: none. */
uint64_t zone_limit(const struct machine_desc *d, enum zone_type t)
{
	if (t == ZONE_DMA32)
		return 4 * GiB;
	if (t != ZONE_DMA)
		return 0;
	if (strcmp(d->arch, "x86_64") == 0)
		return 16 * MiB;                /* MAX_DMA_PFN */
	if (is_arm64(d)) {
		if (!kver_has(d->kernel, KF_ARM64_ZONE_DMA32))
			return 4 * GiB;         /* the old 32-bit ZONE_DMA */
		return kver_has(d->kernel, KF_ARM64_DMA_32BIT) ? 4 * GiB : 1 * GiB;
	}
	return 0;
}

unsigned machine_nr_page_orders(const struct machine_desc *d)
{
	if (d->nr_page_orders)
		return d->nr_page_orders;
	/* arm64 FORCE_MAX_ZONEORDER / ARCH_FORCE_MAX_ORDER: 14 orders with
	 * 64K pages, 12 with 16K; MAX_ORDER 11 everywhere else */
	if (is_arm64(d) && d->page_shift == 16)
		return 14;
	if (is_arm64(d) && d->page_shift == 14)
		return 12;
	return 11;
}

unsigned machine_pageblock_order(const struct machine_desc *d)
{
	if (d->pageblock_order)
		return d->pageblock_order;
	/* pageblock-flags.h: min(HUGETLB_PAGE_ORDER, MAX_ORDER - 1), and
	 * MAX_ORDER - 1 without CONFIG_HUGETLB_PAGE (arm and csky configs) */
	unsigned max = machine_nr_page_orders(d) - 1;
	unsigned huge = max;
	if (strcmp(d->arch, "x86_64") == 0 || is_arm64(d))
		huge = d->page_shift - 3;       /* a PMD maps PAGE_SIZE/8 pages */
	return huge < max ? huge : max;
}

/* --- zones ------------------------------------------------------------------ */

static int zone_type_parse(const char *name, enum zone_type *out)
{
	for (int t = 0; t < NR_ZONE_TYPES; t++) {
		if (strcasecmp(name, zone_type_names[t]) == 0) {
			*out = (enum zone_type)t;
			return 0;
		}
	}
	return -1;
}

static struct zone_desc *zone_find(struct machine_desc *d, enum zone_type t)
{
	for (unsigned i = 0; i < d->nr_zones; i++)
		if (d->zones[i].type == t)
			return &d->zones[i];
	return NULL;
}

const char *machine_zone_list(const struct machine_desc *d, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < d->nr_zones && n < len; i++) {
		int w = snprintf(buf + n, len - n, "%s%s", i ? " " : "",
				 zone_type_names[d->zones[i].type]);
		n += w > 0 ? (size_t)w : 0;
	}
	return buf;
}

/* An empty zone sits where the zone before it ends, so that a printed
 * description reads back unchanged. */
static void place_empty_zones(struct machine_desc *d)
{
	uint64_t end = 0;
	for (unsigned i = 0; i < d->nr_zones; i++) {
		struct zone_desc *z = &d->zones[i];
		if (!z->size) {
			z->start = end;
			z->reserved = 0;
		} else {
			end = z->start + z->size;
		}
	}
}

static void set_zone_mask(struct machine_desc *d, unsigned mask)
{
	struct zone_desc old[MAX_NR_ZONES];
	unsigned nr_old = d->nr_zones;

	memcpy(old, d->zones, sizeof(old));
	memset(d->zones, 0, sizeof(d->zones));
	d->nr_zones = 0;
	for (int t = 0; t < NR_ZONE_TYPES; t++) {
		if (!(mask & (1u << t)))
			continue;
		struct zone_desc *z = &d->zones[d->nr_zones++];
		*z = (struct zone_desc){ .type = (enum zone_type)t };
		for (unsigned i = 0; i < nr_old; i++)
			if (old[i].type == (enum zone_type)t)
				*z = old[i];
	}
	place_empty_zones(d);
}

static uint64_t ram_total(const struct machine_desc *d)
{
	uint64_t total = 0;
	for (unsigned i = 0; i < d->nr_zones; i++)
		total += d->zones[i].size;
	return total;
}

/* The arch's zones for `mem` bytes of RAM from ram_base: each bounded
 * zone up to its limit, the rest in Normal (64-bit) or HighMem above
 * lowmem (32-bit).  Boot reservations: the mem_map and the kernel image
 * in the highest zone, and on x86_64 the first MiB (BIOS, real mode). */
static int layout(struct machine_desc *d, uint64_t mem, const struct setting *s)
{
	const struct arch_info *a = arch_find(d->arch);
	uint64_t page = 1ULL << d->page_shift;
	uint64_t at = a->ram_base, end = a->ram_base + mem;
	char b1[24], b2[24], b3[24];

	if (mem & (page - 1))
		return set_error(s, "%s is not a multiple of the page size %s",
				 machine_fmt_size(b1, sizeof(b1), mem),
				 machine_fmt_size(b2, sizeof(b2), page));
	for (unsigned i = 0; i < d->nr_zones; i++)
		d->zones[i].size = d->zones[i].reserved = 0;

	struct zone_desc *top = NULL;
	for (unsigned i = 0; i < d->nr_zones && at < end; i++) {
		struct zone_desc *z = &d->zones[i];
		uint64_t limit;
		switch (z->type) {
		case ZONE_DMA:
		case ZONE_DMA32:
			limit = zone_limit(d, z->type);
			break;
		case ZONE_NORMAL:
			limit = a->lowmem && zone_find(d, ZONE_HIGHMEM) ? a->lowmem : end;
			break;
		case ZONE_HIGHMEM:
			limit = end;
			break;
		default:
			continue;       /* Movable and Device stay empty */
		}
		if (limit > end)
			limit = end;
		if (limit <= at)
			continue;
		z->start = at;
		z->size = limit - at;
		at = limit;
		top = z;
	}
	if (at < end || !top)
		return set_error(s, "%s of RAM does not fit in the zones %s of %s",
				 machine_fmt_size(b1, sizeof(b1), mem),
				 machine_zone_list(d, b2, sizeof(b2)), d->arch);

	struct zone_desc *dma = zone_find(d, ZONE_DMA);
	if (strcmp(d->arch, "x86_64") == 0 && dma && dma->size >= 2 * MiB)
		dma->reserved = 1 * MiB;
	uint64_t image = mem / 16 < 16 * MiB ? mem / 16 : 16 * MiB;
	uint64_t rsv = (mem >> d->page_shift) * a->struct_page + image;
	rsv = (rsv + page - 1) & ~(page - 1);
	if (rsv + top->reserved > top->size / 2)
		return set_error(s, "%s is too small for %s: the kernel image and "
				 "mem_map need %s, more than half of %s (%s)",
				 machine_fmt_size(b1, sizeof(b1), mem), d->arch,
				 machine_fmt_size(b2, sizeof(b2), rsv), zone_type_names[top->type],
				 machine_fmt_size(b3, sizeof(b3), top->size));
	top->reserved += rsv;
	place_empty_zones(d);
	return 0;
}

/* --- CMA --------------------------------------------------------------------- */

/* cma_declare_contiguous(): areas are aligned to the largest buddy block
 * (PAGE_SIZE << max(MAX_ORDER - 1, pageblock_order)); from 5.18 to a
 * pageblock (CMA_MIN_ALIGNMENT_BYTES). */
static uint64_t cma_alignment(const struct machine_desc *d)
{
	unsigned order = machine_pageblock_order(d);
	if (!kver_has(d->kernel, KF_CMA_PAGEBLOCK_ALIGNED) &&
	    machine_nr_page_orders(d) - 1 > order)
		order = machine_nr_page_orders(d) - 1;
	return 1ULL << (d->page_shift + order);
}

uint64_t zone_cma_bytes(const struct machine_desc *d,
			const struct zone_desc *z, const struct cma_desc *skip)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < d->nr_cma; i++) {
		const struct cma_desc *c = &d->cma[i];
		if (c != skip && c->base >= z->start && c->base < z->start + z->size)
			sum += c->size;
	}
	return sum;
}

/* Where the kernel's default area lands (dma_contiguous_reserve() and
 * cma_declare_contiguous()): arm64 passes its DMA limit, 32-bit arm and
 * csky the top of lowmem, so the area sits at the top of the lowest zone;
 * x86_64 passes the top of RAM (the highest zone's top), and from 5.9
 * allocates bottom-up above 4G instead. */
enum cma_fit { CMA_TOP_OF_LOWEST, CMA_TOP_OF_HIGHEST, CMA_BOTTOM_ABOVE_4G };

static enum cma_fit cma_fit(const struct machine_desc *d)
{
	if (strcmp(d->arch, "x86_64") != 0)
		return CMA_TOP_OF_LOWEST;
	return kver_has(d->kernel, KF_X86_CMA_ABOVE_4G) ? CMA_BOTTOM_ABOVE_4G :
						     CMA_TOP_OF_HIGHEST;
}

/* The base for c in zone z, clear of the zone's boot reservations and of
 * the other areas; false when it does not fit. */
static bool cma_base_in_zone(const struct machine_desc *d, const struct zone_desc *z,
			     const struct cma_desc *c, bool bottom_up, uint64_t *out)
{
	uint64_t align = cma_alignment(d);
	uint64_t lo = z->start + z->reserved, hi = z->start + z->size;
	uint64_t base;

	if (!z->size || hi - lo < c->size + zone_cma_bytes(d, z, c))
		return false;
	base = bottom_up ? (lo + align - 1) & ~(align - 1)
			 : (hi - c->size) & ~(align - 1);
	for (unsigned pass = 0; pass <= d->nr_cma; pass++) {
		bool moved = false;
		for (unsigned j = 0; j < d->nr_cma; j++) {
			const struct cma_desc *o = &d->cma[j];
			if (o == c || o->base >= base + c->size || base >= o->base + o->size)
				continue;
			if (bottom_up)
				base = (o->base + o->size + align - 1) & ~(align - 1);
			else
				base = o->base >= c->size ? (o->base - c->size) & ~(align - 1) : 0;
			moved = true;
		}
		if (!moved) {
			if (base < lo || base + c->size > hi)
				return false;
			*out = base;
			return true;
		}
	}
	return false;
}

static uint64_t largest_zone(const struct machine_desc *d)
{
	uint64_t max = 0;
	for (unsigned i = 0; i < d->nr_zones; i++)
		if (d->zones[i].size > max)
			max = d->zones[i].size;
	return max;
}

static int place_cma(struct machine_desc *d, struct cma_desc *c,
		     const struct setting *s)
{
	uint64_t align = cma_alignment(d);
	enum cma_fit fit = cma_fit(d);
	char b1[24], b2[24];

	c->size = (c->size + align - 1) & ~(align - 1);
	for (unsigned n = 0; n < d->nr_zones; n++) {
		unsigned i = fit == CMA_TOP_OF_LOWEST ? n : d->nr_zones - 1 - n;
		const struct zone_desc *z = &d->zones[i];
		bool bottom_up = fit == CMA_BOTTOM_ABOVE_4G && z->start >= (4ULL << 30);
		if (cma_base_in_zone(d, z, c, bottom_up, &c->base))
			return 0;
	}
	return set_error(s, "the CMA area %s of %s does not fit in any zone; "
			 "expected at most the part of one zone that is not boot-"
			 "reserved or in another area (largest zone: %s)", c->name,
			 machine_fmt_size(b1, sizeof(b1), c->size),
			 machine_fmt_size(b2, sizeof(b2), largest_zone(d)));
}

static int replace_default_cma(struct machine_desc *d, const struct setting *s)
{
	for (unsigned i = 0; i < d->nr_cma; i++) {
		if (strcmp(d->cma[i].name, "reserved") == 0)
			return place_cma(d, &d->cma[i], s);
	}
	return 0;
}

/* --- the settings --------------------------------------------------------------- */

/* Copy the next whitespace-separated word of *p into buf. */
static bool next_word(const char **p, char *buf, size_t len)
{
	const char *q = *p;
	while (*q == ' ' || *q == '\t')
		q++;
	if (!*q)
		return false;
	size_t n = 0;
	while (*q && *q != ' ' && *q != '\t') {
		if (n + 1 < len)
			buf[n++] = *q;
		q++;
	}
	buf[n] = '\0';
	*p = q;
	return true;
}

static int set_mem(struct machine_desc *d, const struct setting *s)
{
	uint64_t mem;
	if (size_value(s, s->value, &mem))
		return -1;
	if (layout(d, mem, s))
		return -1;
	return replace_default_cma(d, s);
}

static int set_arch(struct machine_desc *d, const struct setting *s)
{
	const struct arch_info *a = arch_find(s->value);
	if (!a) {
		char names[96];
		size_t n = 0;
		for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
			n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
					      i ? ", " : "", arches[i].name);
		return set_error(s, "unknown architecture \"%s\"; expected one of %s",
				 s->value, names);
	}
	uint64_t mem = ram_total(d);
	memset(d->arch, 0, sizeof(d->arch));
	memcpy(d->arch, a->name, strlen(a->name));
	if (!(a->page_shifts & (1u << d->page_shift)))
		d->page_shift = 12;
	set_zone_mask(d, arch_zone_mask(d));
	if (layout(d, mem, s))
		return -1;
	return replace_default_cma(d, s);
}

static int set_page_size(struct machine_desc *d, const struct setting *s)
{
	uint64_t v;
	if (machine_size_parse(s->value, &v) != SIZE_OK ||
	    (v != 4 * KiB && v != 16 * KiB && v != 64 * KiB))
		return set_error(s, "\"%s\": expected 4K, 16K or 64K", s->value);
	unsigned shift = (unsigned)__builtin_ctzll(v);
	const struct arch_info *a = arch_find(d->arch);
	if (a && !(a->page_shifts & (1u << shift)))
		return set_error(s, "%s has no %s pages; expected 4K%s", d->arch,
				 s->value, is_arm64(d) ? ", 16K or 64K" : "");
	d->page_shift = shift;
	return 0;
}

static int set_kernel(struct machine_desc *d, const struct setting *s)
{
	kver_t kv;
	if (kver_parse(s->value, &kv))
		return set_error(s, "\"%s\" is not a supported kernel version; expected "
				 "3.10 or later, such as 4.9, 5.4.125-android11 or 6.12",
				 s->value);
	if (strlen(s->value) >= sizeof(d->release))
		return set_error(s, "\"%s\" is longer than uname's %u characters",
				 s->value, (unsigned)sizeof(d->release) - 1);
	d->kernel = kv;
	memset(d->release, 0, sizeof(d->release));
	memcpy(d->release, s->value, strlen(s->value));
	return 0;
}

static int set_hardware(struct machine_desc *d, const struct setting *s)
{
	const char *v = s->value;
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	if (n >= sizeof(d->hardware))
		return set_error(s, "the name is %u characters; expected at most %u",
				 (unsigned)n, (unsigned)sizeof(d->hardware) - 1);
	memset(d->hardware, 0, sizeof(d->hardware));
	memcpy(d->hardware, v, n);
	return 0;
}

static int set_name(struct machine_desc *d, const struct setting *s)
{
	if (!*s->value || strlen(s->value) >= sizeof(d->name))
		return set_error(s, "\"%s\": expected a name of 1 to %u characters",
				 s->value, (unsigned)sizeof(d->name) - 1);
	memset(d->name, 0, sizeof(d->name));
	memcpy(d->name, s->value, strlen(s->value));
	return 0;
}

static int set_cpus(struct machine_desc *d, const struct setting *s)
{
	unsigned long v;
	if (uint_value(s, s->value, 1, MAX_NR_CPUS, &v))
		return -1;
	d->nr_cpus = (unsigned)v;
	return 0;
}

static int set_numa(struct machine_desc *d, const struct setting *s)
{
	return bool_value(s, s->value, &d->numa);
}

static int set_thp(struct machine_desc *d, const struct setting *s)
{
	return bool_value(s, s->value, &d->thp);
}

static bool is_auto(const char *v)
{
	return strcasecmp(v, "auto") == 0 || strcasecmp(v, "default") == 0;
}

static int set_nr_page_orders(struct machine_desc *d, const struct setting *s)
{
	unsigned long v = 0;
	if (!is_auto(s->value) && uint_value(s, s->value, 2, MAX_PAGE_ORDERS, &v))
		return -1;
	d->nr_page_orders = (unsigned)v;
	return 0;
}

static int set_pageblock_order(struct machine_desc *d, const struct setting *s)
{
	unsigned long v = 0;
	if (!is_auto(s->value) && uint_value(s, s->value, 1, MAX_PAGE_ORDERS - 1, &v))
		return -1;
	d->pageblock_order = (unsigned)v;
	return 0;
}

static int set_min_free_kbytes(struct machine_desc *d, const struct setting *s)
{
	unsigned long v;
	if (is_auto(s->value) || strcmp(s->value, "-1") == 0) {
		d->min_free_kbytes = -1;
		return 0;
	}
	if (uint_value(s, s->value, 0, 0x7fffffff, &v))
		return -1;
	d->min_free_kbytes = (long)v;
	return 0;
}

static int set_watermark_scale_factor(struct machine_desc *d, const struct setting *s)
{
	unsigned long v;
	/* the vm.watermark_scale_factor sysctl range (1..3000 since 5.19) */
	if (uint_value(s, s->value, 1, 3000, &v))
		return -1;
	d->watermark_scale_factor = (unsigned)v;
	return 0;
}

static int set_watermark_boost_factor(struct machine_desc *d, const struct setting *s)
{
	unsigned long v;
	if (uint_value(s, s->value, 0, 0x7fffffff, &v))
		return -1;
	d->watermark_boost_factor = (unsigned)v;
	return 0;
}

/* zones = DMA32 Normal Movable: a new configuration, every zone empty
 * until `mem` or `zone` lines give them memory */
static int set_zones(struct machine_desc *d, const struct setting *s)
{
	const char *p = s->value;
	char word[32];
	unsigned mask = 0;

	while (next_word(&p, word, sizeof(word))) {
		enum zone_type t;
		if (zone_type_parse(word, &t))
			return set_error(s, "unknown zone \"%s\"; expected zone names among "
					 "DMA DMA32 Normal HighMem Movable Device", word);
		if (mask & (1u << t))
			return set_error(s, "%s is listed twice", zone_type_names[t]);
		mask |= 1u << t;
	}
	if (!mask)
		return set_error(s, "no zones given; expected a list such as "
				 "\"DMA32 Normal Movable\"");
	d->nr_zones = 0;
	set_zone_mask(d, mask);
	return 0;
}

/* zone = TYPE START SIZE [reserved=SIZE | managed=SIZE] */
static int set_zone(struct machine_desc *d, const struct setting *s)
{
	const char *p = s->value;
	char type[32], start[32], size[32], extra[48], list[64];
	enum zone_type t;
	struct zone_desc z;

	if (!next_word(&p, type, sizeof(type)) || !next_word(&p, start, sizeof(start)) ||
	    !next_word(&p, size, sizeof(size)))
		return set_error(s, "\"%s\": expected TYPE START SIZE [reserved=SIZE|managed=SIZE], "
				 "such as \"DMA32 0 3G reserved=20M\"", s->value);
	if (zone_type_parse(type, &t))
		return set_error(s, "unknown zone \"%s\"; expected one of "
				 "DMA DMA32 Normal HighMem Movable Device", type);
	struct zone_desc *slot = zone_find(d, t);
	if (!slot)
		return set_error(s, "%s is not among the configured zones (%s); "
				 "expected one of them, or a `zones` line that adds it",
				 zone_type_names[t], machine_zone_list(d, list, sizeof(list)));
	z = (struct zone_desc){ .type = t };
	if (size_value(s, start, &z.start) || size_value(s, size, &z.size))
		return -1;
	if (next_word(&p, extra, sizeof(extra))) {
		uint64_t v;
		bool managed = strncmp(extra, "managed=", 8) == 0;
		if (!managed && strncmp(extra, "reserved=", 9) != 0)
			return set_error(s, "\"%s\": expected reserved=SIZE or managed=SIZE", extra);
		if (size_value(s, strchr(extra, '=') + 1, &v))
			return -1;
		if (managed && v > z.size)
			return set_error(s, "managed %s is larger than the zone (%s)",
					 strchr(extra, '=') + 1, size);
		z.reserved = managed ? z.size - v : v;
		if (next_word(&p, extra, sizeof(extra)))
			return set_error(s, "unexpected \"%s\" after the zone's sizes", extra);
	}
	*slot = z;
	place_empty_zones(d);
	return 0;
}

static bool cma_name_ok(const char *name, size_t n)
{
	if (!n || n >= sizeof(((struct cma_desc *)0)->name))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

/* cma = none | SIZE | SIZE@BASE | NAME:SIZE[@BASE] */
static int set_cma(struct machine_desc *d, const struct setting *s)
{
	const char *v = s->value;
	struct cma_desc c = { .name = "reserved" };
	char size[32];
	bool placed = false;

	if (strcasecmp(v, "none") == 0 || strcmp(v, "0") == 0) {
		memset(d->cma, 0, sizeof(d->cma));
		d->nr_cma = 0;
		return 0;
	}
	const char *colon = strchr(v, ':');
	if (colon) {
		if (!cma_name_ok(v, (size_t)(colon - v)))
			return set_error(s, "\"%.*s\" is not an area name; expected 1 to %u "
					 "letters, digits, '_', '-' or '.'", (int)(colon - v), v,
					 (unsigned)sizeof(c.name) - 1);
		memcpy(c.name, v, (size_t)(colon - v));
		c.name[colon - v] = '\0';
		v = colon + 1;
	}
	const char *at = strchr(v, '@');
	size_t n = at ? (size_t)(at - v) : strlen(v);
	if (n >= sizeof(size))
		n = sizeof(size) - 1;
	memcpy(size, v, n);
	size[n] = '\0';
	if (size_value(s, size, &c.size))
		return -1;
	if (!c.size)
		return set_error(s, "area %s has size 0; expected a size, or \"none\" "
				 "for no CMA", c.name);
	if (at) {
		if (size_value(s, at + 1, &c.base))
			return -1;
		placed = true;
	}

	struct cma_desc *slot = NULL;
	for (unsigned i = 0; i < d->nr_cma; i++)
		if (strcmp(d->cma[i].name, c.name) == 0)
			slot = &d->cma[i];
	if (!slot) {
		if (d->nr_cma == MAX_CMA_AREAS)
			return set_error(s, "too many CMA areas; expected at most %u",
					 MAX_CMA_AREAS);
		slot = &d->cma[d->nr_cma++];
	}
	*slot = c;
	return placed ? 0 : place_cma(d, slot, s);
}

struct key {
	const char *name;
	int (*set)(struct machine_desc *d, const struct setting *s);
};

static const struct key keys[] = {
	{ "name", set_name },
	{ "arch", set_arch },
	{ "kernel", set_kernel },
	{ "hardware", set_hardware },
	{ "page_size", set_page_size },
	{ "nr_page_orders", set_nr_page_orders },
	{ "pageblock_order", set_pageblock_order },
	{ "mem", set_mem },
	{ "zones", set_zones },
	{ "zone", set_zone },
	{ "cma", set_cma },
	{ "cpus", set_cpus },
	{ "numa", set_numa },
	{ "min_free_kbytes", set_min_free_kbytes },
	{ "watermark_scale_factor", set_watermark_scale_factor },
	{ "watermark_boost_factor", set_watermark_boost_factor },
	{ "thp", set_thp },
};

int machine_set(struct machine_desc *d, const char *key, const char *value,
		const char *where, struct gfp_error *err)
{
	struct setting s = { where, key, value, err };
	/* the heap's initial state has its own keys (machine/initial.c) */
	if (strncmp(key, INITIAL_KEY_PREFIX, strlen(INITIAL_KEY_PREFIX)) == 0)
		return initial_state_set(d, key, value, where, err);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(key, keys[i].name) == 0) {
			struct machine_desc save = *d;
			if (keys[i].set(d, &s) == 0)
				return 0;
			*d = save;
			return -1;
		}
	}
	char names[320];
	size_t n = 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
				      i ? ", " : "", keys[i].name);
	s.key = NULL;
	return set_error(&s, "unknown setting \"%s\"; expected one of %s", key, names);
}

/* --- validation ---------------------------------------------------------------- */
