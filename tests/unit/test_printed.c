/* The per-version field tables of abi/printed.h against real logs: for each
 * log, the zone line's and the node line's fields, in order, with their
 * units, are the rows the table gives for the log's kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "abi/printed.h"
#include "testdata.h"

#define TEXT_MAX (256 * 1024)
#define FIELDS_MAX 64

struct printed_seen {
	char name[FIELDS_MAX][32];
	char unit[FIELDS_MAX][4];
	unsigned nr;
};

/* "name:VALUEunit" tokens from p on ("shmem_thp: 0kB" keeps its space in
 * the name, as the table does); stops at a token without a colon. */
static void read_fields(const char *p, struct printed_seen *s)
{
	s->nr = 0;
	for (;;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, ": \n");
		if (p[n] != ':' || s->nr == FIELDS_MAX || n + 2 >= 32)
			return;
		n++;
		if (p[n] == ' ' && p[n + 1] >= '0' && p[n + 1] <= '9')
			n++;
		memcpy(s->name[s->nr], p, n);
		s->name[s->nr][n] = '\0';
		p += n;
		while (*p >= '0' && *p <= '9')
			p++;
		size_t u = strspn(p, "kKB");
		if (u >= 4)
			return;
		memcpy(s->unit[s->nr], p, u);
		s->unit[s->nr][u] = '\0';
		p += u;
		s->nr++;
	}
}

/* The first line of text holding `needle` (and `also`), from just after
 * `after` in it. */
static const char *line_with(const char *text, const char *needle,
			     const char *also, const char *after)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *eol = strchr(l, '\n');
		size_t len = eol ? (size_t)(eol - l) : strlen(l);
		char line[4096];
		if (len >= sizeof(line))
			continue;
		memcpy(line, l, len);
		line[len] = '\0';
		if (strstr(line, needle) && strstr(line, also)) {
			const char *a = strstr(l, after);
			return a ? a + strlen(after) : NULL;
		}
	}
	return NULL;
}

/* The rows kv prints (on the node line: before the all_unreclaimable
 * answer, or after it) are the fields s read, in order. */
static void assert_rows(const struct printed_seen *s,
			const struct printed_field *table, unsigned nr,
			kver_t kv, bool thp, bool node, bool after_answer)
{
	unsigned j = 0;

	for (unsigned i = 0; i < nr; i++) {
		const struct printed_field *f = &table[i];
		if (!printed_by(f, kv) || f->after_answer != after_answer ||
		    (node && node_field_is_thp(f->field) && !thp))
			continue;
		if (j >= s->nr)
			fail_msg("the log ends before %s", f->name);
		if (strcmp(s->name[j], f->name) || strcmp(s->unit[j], f->unit))
			fail_msg("field %u: the log prints \"%s…%s\", the table "
				 "\"%s…%s\"", j, s->name[j], s->unit[j], f->name,
				 f->unit);
		j++;
	}
	assert_int_equal(j, s->nr);
}

static const struct {
	const char *log;
	kver_t kv;
	const char *zone;       /* the first zone line's zone */
} logs[] = {
	{ "seed000-csky-4.9-order10-atomic-comp-cma.log", KVER(4, 9, 56), "Normal" },
	{ "public/x86_64-5.15-order6-dmesg-T.log", KVER(5, 15, 0), "DMA" },
	{ "public/ppc32-6.9-gfp-kernel-boost-quoted.log", KVER(6, 9, 0), "DMA" },
	/* "6.15.0-rc6" with the mm tree bound for 6.16 on top: 6.16's
	 * free_highatomic and Balloon, and still writeback_tmp */
	{ "public/x86_64-6.16-mm-oom-order0-lkp.log", KVER(6, 16, 0), "DMA" },
	/* zspages, no writeback_tmp */
	{ "public/x86_64-6.19-rc5-kswapd-order0-sheaves.log", KVER(6, 19, 0), "DMA" },
};

static void test_zone_line(void **state)
{
	static char text[TEXT_MAX];
	(void)state;

	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		char zone[32];
		struct printed_seen s;
		test_read_log(logs[i].log, text, sizeof(text));
		snprintf(zone, sizeof(zone), " %s free:", logs[i].zone);
		const char *p = line_with(text, zone, " managed:", zone);
		assert_non_null(p);
		read_fields(p - strlen("free:"), &s);
		print_message("%s: %u zone fields\n", logs[i].log, s.nr);
		assert_rows(&s, zone_line_fields, nr_zone_line_fields,
			    logs[i].kv, false, false, false);
	}
}

static void test_node_line(void **state)
{
	static char text[TEXT_MAX];
	(void)state;

	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		struct printed_seen s;
		test_read_log(logs[i].log, text, sizeof(text));
		const char *p = line_with(text, "Node 0 active_anon:",
					  "all_unreclaimable?", "Node 0");
		assert_non_null(p);
		read_fields(p, &s);
		bool thp = strstr(p, "shmem_thp:") &&
			   strstr(p, "shmem_thp:") < strchr(p, '\n');
		print_message("%s: %u node fields\n", logs[i].log, s.nr);
		assert_rows(&s, node_line_fields, nr_node_line_fields,
			    logs[i].kv, thp, true, false);
		/* and after "all_unreclaimable? yes|no" */
		const char *a = strstr(p, "all_unreclaimable? ");
		assert_non_null(a);
		a += strlen("all_unreclaimable? ");
		a += strspn(a, "yesno");
		read_fields(a, &s);
		assert_rows(&s, node_line_fields, nr_node_line_fields,
			    logs[i].kv, thp, true, true);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone_line),
		cmocka_unit_test(test_node_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
