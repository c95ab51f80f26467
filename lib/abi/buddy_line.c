/* The buddy line's reader and printer (abi/buddy_line.h), after
 * mm/page_alloc.c show_free_areas() and show_migration_types(). */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "abi/buddy_line.h"
#include "abi/kver_rules.h"

static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* An unsigned decimal at *pp; false when there is none or it overflows
 * (*too_big says which). */
static bool read_count(const char **pp, unsigned long *v, bool *too_big)
{
	const char *p = *pp;
	unsigned long x = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(x, 10UL, &x) ||
		    __builtin_add_overflow(x, (unsigned long)(*p - '0'), &x)) {
			*too_big = true;
			return false;
		}
	}
	*pp = p;
	*v = x;
	return true;
}

/* "[Node N ]ZONE:" */
static const char *read_zone(const char *p, struct buddy_line *bl)
{
	p = skip_blank(p);
	if (strncmp(p, "Node", 4) == 0) {
		const char *q = skip_blank(p + 4);
		if (*q >= '0' && *q <= '9') {
			bl->node = 0;
			for (; *q >= '0' && *q <= '9'; q++) {
				bl->node = bl->node * 10 + (*q - '0');
				if (bl->node > 1023)       /* NODES_SHIFT 10 */
					return NULL;
			}
			p = skip_blank(q);
		}
	}
	size_t n = strcspn(p, ": \t\n");
	if (!n || n >= sizeof(bl->zone) || p[n] != ':')
		return NULL;
	memcpy(bl->zone, p, n);
	bl->zone[n] = '\0';
	return p + n + 1;
}

/* "(UMC)": the type bits, or -1 (bl->stop says why). */
static const char *read_letters(const char *p, struct buddy_line *bl,
				uint8_t *types)
{
	const char *close = strchr(p, ')');

	if (!close || memchr(p, '\n', (size_t)(close - p))) {
		bl->stop = BL_LETTERS_CUT;
		return NULL;
	}
	for (const char *c = p + 1; c < close; c++) {
		int bit = migratetype_letter_bit(*c);
		if (bit < 0 || (*types & (1u << bit))) {
			bl->stop = BL_BAD_LETTER;
			return NULL;
		}
		*types |= (uint8_t)(1u << bit);
	}
	return close + 1;
}

/* One "COUNT*SIZEkB[ (LETTERS)]" column at p, as order o. */
static const char *read_column(const char *p, struct buddy_line *bl,
			       unsigned o)
{
	unsigned long nr, kb, bytes;
	bool too_big = false;

	if (!read_count(&p, &nr, &too_big) || *p != '*' ||
	    (p++, !read_count(&p, &kb, &too_big)) || strncmp(p, "kB", 2) != 0) {
		bl->stop = too_big ? BL_TOO_BIG : BL_NOT_A_COLUMN;
		return NULL;
	}
	if (o >= MAX_PAGE_ORDERS) {
		bl->stop = BL_TOO_MANY_ORDERS;
		return NULL;
	}
	if (__builtin_mul_overflow(nr, kb, &bytes) ||
	    __builtin_add_overflow(bl->sum_kb, bytes, &bl->sum_kb)) {
		bl->stop = BL_TOO_BIG;
		return NULL;
	}
	p = skip_blank(p + 2);
	uint8_t types = 0;
	if (*p == '(') {
		bl->at = p;
		const char *after = read_letters(p, bl, &types);
		if (!after)
			return NULL;
		p = after;
	}
	bl->nr_free[o] = nr;
	bl->size_kb[o] = kb;
	bl->types[o] = types;
	bl->nr_orders = o + 1;
	return p;
}

enum buddy_line_stop buddy_line_read(const char *text, struct buddy_line *bl)
{
	const char *p;

	memset(bl, 0, sizeof(*bl));
	bl->node = -1;
	bl->at = text;
	p = read_zone(text, bl);
	if (!p)
		return bl->stop = BL_NO_ZONE;
	for (unsigned o = 0;; o++) {
		p = skip_blank(p);
		bl->at = p;
		if (*p == '=')
			break;
		if (!*p || *p == '\n')
			return bl->stop = BL_NO_TOTAL;
		p = read_column(p, bl, o);
		if (!p)
			return bl->stop;
	}
	bool too_big = false;
	const char *q = skip_blank(p + 1);
	bl->at = q;
	if (!read_count(&q, &bl->total_kb, &too_big) || strncmp(q, "kB", 2) != 0)
		return bl->stop = too_big ? BL_TOO_BIG : BL_BAD_TOTAL;
	bl->at = q + 2;
	return bl->stop = BL_COMPLETE;
}

const char *buddy_line_stop_text(enum buddy_line_stop stop)
{
	static const char *const text[] = {
		[BL_COMPLETE] = "complete",
		[BL_NO_ZONE] = "expected \"[Node N ]ZONE:\"",
		[BL_NOT_A_COLUMN] = "expected COUNT*SIZEkB",
		[BL_LETTERS_CUT] = "migratetype letters cut",
		[BL_BAD_LETTER] = "unknown or repeated migratetype letter",
		[BL_TOO_MANY_ORDERS] = "more orders than any kernel has",
		[BL_TOO_BIG] = "a count too large for any machine",
		[BL_NO_TOTAL] = "no \"= NkB\" total",
		[BL_BAD_TOTAL] = "expected TOTALkB after \"=\"",
	};
	return text[stop];
}

/* show_migration_types(): one letter per non-empty list, in the order of
 * the kernel's enum migratetype: UNMOVABLE, RECLAIMABLE, MOVABLE, RESERVE
 * before 4.4 ("UEMRCI"), UNMOVABLE, MOVABLE, RECLAIMABLE, HIGHATOMIC from
 * it ("UMEHCI"). */
static void print_types(struct sbuf *sb, uint8_t types, kver_t kv)
{
	static const int enum_4_4[] = {
		MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE,
		MIGRATE_HIGHATOMIC, MIGRATE_CMA, MIGRATE_ISOLATE,
	};
	static const int enum_3_10[] = {
		MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE,
		MIGRATE_RESERVE_BIT, MIGRATE_CMA, MIGRATE_ISOLATE,
	};
	const int *order = kver_has(kv, KF_MIGRATE_HIGHATOMIC) ? enum_4_4 : enum_3_10;
	char tmp[MIGRATE_TYPES + 1];
	size_t n = 0;

	for (int i = 0; i < MIGRATE_TYPES; i++)
		if (types & (1u << order[i]))
			tmp[n++] = order[i] == MIGRATE_RESERVE_BIT ? 'R' :
				   migratetype_letters[order[i]];
	tmp[n] = '\0';
	sb_printf(sb, "(%s) ", tmp);
}

void buddy_line_print(struct sbuf *sb, const struct buddy_line *bl, kver_t kv)
{
	if (bl->node >= 0)
		sb_printf(sb, "Node %d ", bl->node);
	sb_printf(sb, "%s: ", bl->zone);
	for (unsigned o = 0; o < bl->nr_orders; o++) {
		sb_printf(sb, "%lu*%lukB ", bl->nr_free[o], bl->size_kb[o]);
		if (bl->nr_free[o])
			print_types(sb, bl->types[o], kv);
	}
	sb_printf(sb, "= %lukB", bl->total_kb);
}
