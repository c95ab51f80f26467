/* The buddy line of show_free_areas(), one zone's free blocks by order
 * with the migratetypes of their non-empty lists:
 *
 *   Node 0 DMA32: 3*4kB (UM) 1*8kB (M) 0*16kB … = 20kB
 *
 * One reader and one printer.  The reader takes the line as printed or
 * with its white space gone (a log wrapped inside a token, joined), stops
 * at the first thing that is not the format and says what and where; each
 * user decides what it accepts (the count of orders, the block sizes).
 */
#ifndef GFPSHIM_BUDDY_LINE_H
#define GFPSHIM_BUDDY_LINE_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/kver.h"
#include "abi/migratetype.h"
#include "abi/zone.h"
#include "base/sbuf.h"

/* Why reading stopped. */
enum buddy_line_stop {
	BL_COMPLETE,            /* "= TOTALkB" read */
	BL_NO_ZONE,             /* no "[Node N ]ZONE:" at the start */
	BL_NOT_A_COLUMN,        /* neither "COUNT*SIZEkB" nor "=" */
	BL_LETTERS_CUT,         /* "(" with no ")" */
	BL_BAD_LETTER,          /* a letter no kernel prints, or one twice */
	BL_TOO_MANY_ORDERS,     /* more than MAX_PAGE_ORDERS columns */
	BL_TOO_BIG,             /* a count or size that overflows */
	BL_NO_TOTAL,            /* the text ends before "=" */
	BL_BAD_TOTAL,           /* "=" not followed by "TOTALkB" */
};

struct buddy_line {
	int node;                       /* -1 when printed without "Node N " */
	char zone[16];                  /* "DMA32" */
	unsigned nr_orders;             /* columns read */
	unsigned long nr_free[MAX_PAGE_ORDERS];
	unsigned long size_kb[MAX_PAGE_ORDERS];         /* as printed */
	uint8_t types[MAX_PAGE_ORDERS];  /* bit (1 << migratetype), MIGRATE_RESERVE_BIT */
	unsigned long sum_kb;           /* what the columns add up to */
	unsigned long total_kb;         /* "= TOTALkB", with BL_COMPLETE */
	enum buddy_line_stop stop;
	/* where reading stopped, in the text: the column, its "(" for
	 * BL_LETTERS_CUT and BL_BAD_LETTER, what follows "=" for BL_BAD_TOTAL */
	const char *at;
};

/* Reads the line at text ("[Node N ]ZONE: …"); fills bl and returns
 * bl->stop. */
enum buddy_line_stop buddy_line_read(const char *text, struct buddy_line *bl);

/* What a stop means, for messages: "expected COUNT*SIZEkB", … */
const char *buddy_line_stop_text(enum buddy_line_stop stop);

/* Prints bl as kernel kv's show_free_areas() does, "Node N " when
 * bl->node >= 0, without the newline; the sizes and total as given. */
void buddy_line_print(struct sbuf *sb, const struct buddy_line *bl, kver_t kv);

#endif
