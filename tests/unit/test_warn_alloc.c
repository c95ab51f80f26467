/* Golden failure reports.  Every line of a generated report must have the
 * shape of a line the kernel printed: shapes are built from the real logs
 * in tests/data/logs (numbers, addresses, symbol names, zone names and
 * migratetype letters abstracted; wrapped records joined) and, for the
 * version-specific lines of kernels no log here comes from (5.10, 6.1,
 * 6.6), from those kernels' format strings.  seed002's header and
 * dump_stack lines are reproduced byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "mm/zone_load.h"
#include "report/report.h"
#include "report/warn_alloc.h"
#include "testdata.h"

#define TEXT_MAX (64 * 1024)
#define MAX_SHAPES 512
#define SHAPE_LEN 1024

/* ---- shapes --------------------------------------------------------------- */

static bool is_zone_name(const char *s, size_t n)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal", "HighMem", "Movable" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && memcmp(s, names[i], n) == 0)
			return true;
	return false;
}

static bool all_of(const char *s, size_t n, const char *set)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr(set, s[i]))
			return false;
	return true;
}

/* "name+0xoff/0xsize" */
static bool is_symbol(const char *s, size_t n)
{
	const char *plus = memchr(s, '+', n);
	const char *slash = memchr(s, '/', n);
	return plus && slash && plus > s && plus + 3 < slash &&
	       memcmp(plus, "+0x", 3) == 0 && slash + 3 <= s + n &&
	       memcmp(slash, "/0x", 3) == 0;
}

/* Append the shape of one token to out. */
static void shape_token(const char *s, size_t n, char *out, size_t len)
{
	char tmp[SHAPE_LEN];
	size_t o = 0;

	if (n > 4 && s[0] == '[' && s[1] == '<' && s[n - 2] == '>' && s[n - 1] == ']') {
		strncat(out, "[<#>]", len - strlen(out) - 1);
		return;
	}
	if (is_symbol(s, n)) {
		strncat(out, "F+#/#", len - strlen(out) - 1);
		return;
	}
	if (n > 2 && s[0] == '(' && s[n - 1] == ')' && all_of(s + 1, n - 2, "UMEHCI")) {
		strncat(out, "(L)", len - strlen(out) - 1);
		return;
	}
	if (n > 2 && s[0] == '[' && s[n - 1] == ']' && strlen(out) >= 5 &&
	    strcmp(out + strlen(out) - 6, "F+#/# ") == 0) {
		strncat(out, "[M]", len - strlen(out) - 1);
		return;
	}
	/* a kernel release ("4.9.56", "5.4.125-android11-…") */
	if (n > 2 && isdigit((unsigned char)s[0]) && memchr(s, '.', n) &&
	    isdigit((unsigned char)s[strspn(s, "0123456789") + 1])) {
		strncat(out, "R", len - strlen(out) - 1);
		return;
	}
	{
		size_t zn = n;
		if (zn && (s[zn - 1] == ':' || s[zn - 1] == ','))
			zn--;
		if (is_zone_name(s, zn)) {
			strncat(out, "Z", len - strlen(out) - 1);
			if (zn < n)
				strncat(out, s + zn, 1);
			return;
		}
	}
	for (size_t i = 0; i < n && o + 2 < sizeof(tmp); ) {
		if (s[i] == '0' && i + 1 < n && s[i + 1] == 'x') {
			i += 2;
			while (i < n && isxdigit((unsigned char)s[i]))
				i++;
			tmp[o++] = '#';
		} else if (isdigit((unsigned char)s[i])) {
			while (i < n && isdigit((unsigned char)s[i]))
				i++;
			tmp[o++] = '#';
		} else {
			tmp[o++] = s[i++];
		}
	}
	tmp[o] = '\0';
	strncat(out, tmp, len - strlen(out) - 1);
}

/* The shape of one line (no newline): prefix stripped, whitespace
 * collapsed, tokens abstracted, "Node # " before a zone dropped (it only
 * says CONFIG_NUMA), buddy columns collapsed to one "{cols}", the comm of
 * a header line and the hardware name abstracted. */
static void shape_line(const char *line, char *out, size_t len)
{
	const char *p = line;
	const char *toks[256];
	size_t lens[256];
	unsigned nt = 0;

	out[0] = '\0';
	while (*p == ' ')
		p++;
	if (*p == '[' && isdigit((unsigned char)p[strspn(p + 1, " ") + 1])) {
		const char *q = strchr(p, ']');
		if (q)
			p = q + 1;
	}
	while (*p && nt < 256) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		toks[nt] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		lens[nt] = (size_t)(p - toks[nt]);
		nt++;
	}
	if (nt >= 2 && strstr(line, "Hardware name:")) {
		snprintf(out, len, "Hardware name: H");
		return;
	}
	bool header = strstr(line, "page allocation failure") ||
		      strstr(line, "invoked oom-killer") || strstr(line, "vmalloc");
	bool cols = false;
	for (unsigned i = 0; i < nt; i++) {
		const char *s = toks[i];
		size_t n = lens[i];
		char tok[SHAPE_LEN] = "";

		if (i == 0 && header) {
			snprintf(tok, sizeof(tok), "C%s", n && s[n - 1] == ':' ? ":" : "");
		} else if (i > 0 && lens[i - 1] == 5 && memcmp(toks[i - 1], "Comm:", 5) == 0) {
			snprintf(tok, sizeof(tok), "C");
		} else if (memchr(s, '*', n) && n > 3 && memcmp(s + n - 2, "kB", 2) == 0) {
			if (cols)
				continue;
			cols = true;
			snprintf(tok, sizeof(tok), "{cols}");
		} else if (cols && n > 2 && s[0] == '(') {
			continue;
		} else if (tok[0] == '\0' && n == 4 && memcmp(s, "Node", 4) == 0 &&
			   i + 2 < nt && all_of(toks[i + 1], lens[i + 1], "0123456789")) {
			size_t zn = lens[i + 2];
			if (zn && toks[i + 2][zn - 1] == ':')
				zn--;
			if (is_zone_name(toks[i + 2], zn)) {
				i++;            /* drop "Node N" */
				continue;
			}
			snprintf(tok, sizeof(tok), "Node");
		} else {
			size_t before = strlen(out);
			shape_token(s, n, out, len);
			if (i + 1 < nt && strlen(out) > before)
				strncat(out, " ", len - strlen(out) - 1);
			continue;
		}
		strncat(out, tok, len - strlen(out) - 1);
		if (i + 1 < nt)
			strncat(out, " ", len - strlen(out) - 1);
	}
	/* a trailing space left by a skipped token */
	size_t l = strlen(out);
	while (l && out[l - 1] == ' ')
		out[--l] = '\0';
}

struct shapes {
	unsigned n;
	char s[MAX_SHAPES][SHAPE_LEN];
};

static void shapes_add(struct shapes *sh, const char *shape)
{
	for (unsigned i = 0; i < sh->n; i++)
		if (strcmp(sh->s[i], shape) == 0)
			return;
	assert_true(sh->n < MAX_SHAPES);
	snprintf(sh->s[sh->n++], SHAPE_LEN, "%s", shape);
}

/* Records the kernel prints as one line but logs wrap: joined until their
 * last field. */
static const char *record_end(const char *line)
{
	if (strstr(line, " free:") && strstr(line, "kB min:"))
		return "free_cma:";
	if (strstr(line, "active_anon:") && strstr(line, "kB"))
		return "all_unreclaimable?";
	if (strstr(line, "*") && strstr(line, "kB ") && strstr(line, ": "))
		return "= ";
	return NULL;
}

static void shapes_from_log(struct shapes *sh, char *text)
{
	char line[4096], shape[SHAPE_LEN];
	char *p = text;

	/* rsyslog's #012 is a newline */
	for (char *q = strstr(p, "#012"); q; q = strstr(q, "#012")) {
		*q = '\n';
		memmove(q + 1, q + 4, strlen(q + 4) + 1);
	}
	while (*p) {
		char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		const char *end;

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n + (eol ? 1 : 0);
		end = record_end(line);
		while (end && !strstr(line, end) && *p) {
			eol = strchr(p, '\n');
			n = eol ? (size_t)(eol - p) : strlen(p);
			strncat(line, " ", sizeof(line) - strlen(line) - 1);
			strncat(line, p, n < sizeof(line) - strlen(line) - 1 ? n :
				sizeof(line) - strlen(line) - 1);
			p += n + (eol ? 1 : 0);
		}
		shape_line(line, shape, sizeof(shape));
		if (shape[0])
			shapes_add(sh, shape);
	}
}

static struct shapes log_shapes;

static int load_shapes(void **state)
{
	static char text[TEXT_MAX];
	static const char *const logs[] = {
		"seed000-csky-4.9-order10-atomic-comp-cma.log",
		"seed001-arm64-4.18-el8-order0-atomic-64k.log",
		"seed002-arm64-5.4-android-order4-atomic-cma.log",
		"seed003-arm64-5.4-oom-highuser-movable-cma-64k.log",
	};
	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++)
		shapes_from_log(&log_shapes, test_read_log(logs[i], text, TEXT_MAX));
	return 0;
}

/* Lines of 5.10, 6.1 and 6.6 no log here shows, as their format strings
 * print them (mm/page_alloc.c show_free_areas(); mm/show_mem.c 6.6). */
static const char *const format_shapes_5_10[] = {
	"unevictable:# dirty:# writeback:#",
	"Node # active_anon:#kB inactive_anon:#kB active_file:#kB inactive_file:#kB unevictable:#kB isolated(anon):#kB isolated(file):#kB mapped:#kB dirty:#kB writeback:#kB shmem:#kB writeback_tmp:#kB kernel_stack:#kB all_unreclaimable? no",
	"Z free:#kB min:#kB low:#kB high:#kB reserved_highatomic:#KB active_anon:#kB inactive_anon:#kB active_file:#kB inactive_file:#kB unevictable:#kB writepending:#kB present:#kB managed:#kB mlocked:#kB pagetables:#kB bounce:#kB free_pcp:#kB local_pcp:#kB free_cma:#kB",
	NULL,
};
static const char *const format_shapes_6_1[] = {
	"unevictable:# dirty:# writeback:#",
	"mapped:# shmem:# pagetables:#",
	"sec_pagetables:# bounce:#",
	"kernel_misc_reclaimable:#",
	"Node # active_anon:#kB inactive_anon:#kB active_file:#kB inactive_file:#kB unevictable:#kB isolated(anon):#kB isolated(file):#kB mapped:#kB dirty:#kB writeback:#kB shmem:#kB writeback_tmp:#kB kernel_stack:#kB pagetables:#kB sec_pagetables:#kB all_unreclaimable? no",
	"Z free:#kB boost:#kB min:#kB low:#kB high:#kB reserved_highatomic:#KB active_anon:#kB inactive_anon:#kB active_file:#kB inactive_file:#kB unevictable:#kB writepending:#kB present:#kB managed:#kB mlocked:#kB bounce:#kB free_pcp:#kB local_pcp:#kB free_cma:#kB",
	NULL,
};

static void assert_report_shapes(const char *report, const char *const *extra)
{
	char line[4096], shape[SHAPE_LEN];
	const char *p = report;
	unsigned checked = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		bool found = false;

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n + (eol ? 1 : 0);
		shape_line(line, shape, sizeof(shape));
		if (!shape[0])
			continue;
		for (unsigned i = 0; i < log_shapes.n && !found; i++)
			found = strcmp(log_shapes.s[i], shape) == 0;
		for (unsigned i = 0; extra && extra[i] && !found; i++)
			found = strcmp(extra[i], shape) == 0;
		if (!found)
			fail_msg("line without a kernel shape:\n  %s\n  shape: %s", line, shape);
		checked++;
	}
	assert_true(checked > 20);
}

/* ---- golden reports ------------------------------------------------------- */

static const struct report_frame arm64_frames[] = {
	{ "dump_backtrace", 0x0, 0x18c, NULL, 0, false },
	{ "show_stack", 0x24, 0x34, NULL, 0, false },
	{ "dump_stack", 0xbc, 0x108, NULL, 0, false },
	{ "warn_alloc", 0xd8, 0x128, NULL, 0, false },
	{ "glSetHifInfo", 0x670, 0x7c0, "wlan_mt7663_usb", 0, false },
};

static char report_buf[256 * 1024];

static void golden_arm64_tainted(kver_t kv, const char *const *extra,
				 const char *taint, bool thp)
{
	struct machine_desc d;
	fixture_desc(&d, kv, 12);
	d.thp = thp;
	snprintf(d.arch, sizeof(d.arch), "arm64");
	snprintf(d.hardware, sizeof(d.hardware), "Amlogic (DT)");
	fixture_zone(&d, ZONE_DMA32, 0, 1ULL << 30, 16ULL << 20);
	fixture_zone(&d, ZONE_NORMAL, 1ULL << 30, 1ULL << 30, 0);
	fixture_zone(&d, ZONE_MOVABLE, 2ULL << 30, 0, 0);
	fixture_cma(&d, "reserved", 512ULL << 20, 256ULL << 20);
	struct pglist_data *pgdat = fixture_node(&d);
	struct report_task task = {
		.comm = "kworker/0:0", .pid = 5171, .cpu = 0,
		.taint = taint, .workqueue = "usb_hub_wq hub_event",
		.cpuset = "/",
	};
	struct report_ctx rc = { pgdat, &task, arm64_frames,
				 sizeof(arm64_frames) / sizeof(arm64_frames[0]) };
	struct sbuf sb = SBUF_INIT(report_buf, sizeof(report_buf));

	report_page_alloc_failure(&sb, &rc, GFP_ATOMIC, 4);
	assert_false(sb_overflowed(&sb));
	assert_report_shapes(sb_str(&sb), extra);
	fixture_node_free(pgdat);
}

static void golden_arm64(kver_t kv, const char *const *extra)
{
	golden_arm64_tainted(kv, extra, "Tainted: P WC O", false);
}

static void test_golden_5_10(void **state) { golden_arm64(KVER(5, 10, 0), format_shapes_5_10); }
static void test_golden_6_1(void **state) { golden_arm64(KVER(6, 1, 0), format_shapes_6_1); }
static void test_golden_6_6(void **state)
{
	/* 6.6: the 6.1 lines, with shmem_thp etc. without the space (thp is
	 * off here, so the Node line is the 6.1 one) */
	golden_arm64(KVER(6, 6, 0), format_shapes_6_1);
}

/* 6.19 against the real 6.19-rc5 report: every line has a kernel shape,
 * and the CPU, node and zone lines have exactly that log's shapes (the
 * older logs' would pass the first check with a pre-6.16 layout). */
static void assert_lines_like(const char *report, const char *needle,
			      const struct shapes *sh)
{
	char line[4096], shape[SHAPE_LEN];
	unsigned checked = 0;

	for (const char *p = report; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		bool found = false;

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n + (eol ? 1 : 0);
		if (!strstr(line, needle))
			continue;
		shape_line(line, shape, sizeof(shape));
		for (unsigned i = 0; i < sh->n && !found; i++)
			found = strcmp(sh->s[i], shape) == 0;
		if (!found)
			fail_msg("not shaped as in the 6.19 log:\n  %s\n  shape: %s",
				 line, shape);
		checked++;
	}
	assert_true(checked > 0);
}

static void test_golden_6_19(void **state)
{
	static struct shapes log_6_19;
	static char text[TEXT_MAX];
	static const char *extra[MAX_SHAPES + 1];
	(void)state;

	shapes_from_log(&log_6_19, test_read_log(
		"public/x86_64-6.19-rc5-kswapd-order0-sheaves.log", text, TEXT_MAX));
	for (unsigned i = 0; i < log_6_19.n; i++)
		extra[i] = log_6_19.s[i];
	extra[log_6_19.n] = NULL;
	/* the log's kernel: untainted, with transparent hugepages */
	golden_arm64_tainted(KVER(6, 19, 0), extra, "Not tainted", true);
	static const char *const needles[] = {
		"CPU: ", "Node 0 active_anon:", " free:",
	};
	for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
		assert_lines_like(report_buf, needles[i], &log_6_19);
}

static struct pglist_data *load_seed(const char *profile, const char *log_name,
				     struct machine_desc *d)
{
	static char text[TEXT_MAX];
	struct gfp_error err = { { 0 } };
	const struct machine_desc *p = machine_profile(profile);
	struct pglist_data *pgdat;

	assert_non_null(p);
	*d = *p;
	pgdat = fixture_node(d);
	test_read_log(log_name, text, TEXT_MAX);
	if (zone_load_zone_line(pgdat, text, &err) || zone_load_buddy_line(pgdat, text, &err))
		fail_msg("%s: %s", log_name, err.msg);
	return pgdat;
}

static void test_golden_4_9(void **state)
{
	struct machine_desc d;
	struct pglist_data *pgdat = load_seed("csky-4.9-usb-gadget",
		"seed000-csky-4.9-order10-atomic-comp-cma.log", &d);
	static const struct report_frame frames[] = {
		{ "dump_stack", 0x1e, 0x3c, NULL, 0x802f63f2, false },
		{ "warn_alloc", 0x100, 0x148, NULL, 0x800f6cf4, false },
		{ "__alloc_pages_nodemask", 0x2bc, 0xb5c, NULL, 0x800f709c, false },
	};
	struct report_task task = { .comm = "xxxx", .pid = 179, .cpu = 0, .build = 53 };
	struct report_ctx rc = { pgdat, &task, frames, 3 };
	struct sbuf sb = SBUF_INIT(report_buf, sizeof(report_buf));

	/* the board's kernel has neither CONFIG_SWAP nor CONFIG_MEMORY_FAILURE */
	pgdat->total_swap_kb = -1;
	pgdat->nr_hwpoisoned = -1;
	report_page_alloc_failure(&sb, &rc, GFP_ATOMIC | __GFP_COMP, 10);
	assert_report_shapes(sb_str(&sb), NULL);
	/* the lines that are the same text in the log */
	assert_non_null(strstr(sb_str(&sb),
		"xxxx: page allocation failure: order:10, mode:0x2084020(GFP_ATOMIC|__GFP_COMP)\n"
		"CPU: 0 PID: 179 Comm: xxxx Not tainted 4.9.56 #53\n"
		"Call Trace:\n[<802f63f2>] dump_stack+0x1e/0x3c\n"));
	assert_non_null(strstr(sb_str(&sb), "\nlowmem_reserve[]: 0 0 0\n"));
	assert_non_null(strstr(sb_str(&sb),
		"\n262143 pages RAM\n0 pages HighMem/MovableOnly\n78501 pages reserved\n90112 pages cma reserved\n"));
	fixture_node_free(pgdat);
}

static void test_golden_5_4_and_seed002_header(void **state)
{
	struct machine_desc d;
	struct pglist_data *pgdat = load_seed("amlogic-5.4",
		"seed002-arm64-5.4-android-order4-atomic-cma.log", &d);
	struct report_task task = {
		.comm = "kworker/0:0", .pid = 5171, .cpu = 0,
		.taint = "Tainted: P WC O", .workqueue = "usb_hub_wq hub_event",
		.cpuset = "/",
	};
	struct report_ctx rc = { pgdat, &task, arm64_frames,
				 sizeof(arm64_frames) / sizeof(arm64_frames[0]) };
	struct sbuf sb = SBUF_INIT(report_buf, sizeof(report_buf));

	report_page_alloc_failure(&sb, &rc, GFP_ATOMIC, 4);
	assert_report_shapes(sb_str(&sb), NULL);
	/* seed002, byte for byte (the log's whitespace in the taint field) */
	assert_memory_equal(sb_str(&sb),
		"kworker/0:0: page allocation failure: order:4, mode:0xa20(GFP_ATOMIC), nodemask=(null),cpuset=/,mems_allowed=0\n"
		"CPU: 0 PID: 5171 Comm: kworker/0:0 Tainted: P WC O 5.4.125-android11-2-g6d2ca40337f4-dirty-ab2800 #1\n"
		"Hardware name: Amlogic (DT)\n"
		"Workqueue: usb_hub_wq hub_event\n"
		"Call trace:\n",
		strlen("kworker/0:0: page allocation failure: order:4, mode:0xa20(GFP_ATOMIC), nodemask=(null),cpuset=/,mems_allowed=0\n"
		       "CPU: 0 PID: 5171 Comm: kworker/0:0 Tainted: P WC O 5.4.125-android11-2-g6d2ca40337f4-dirty-ab2800 #1\n"
		       "Hardware name: Amlogic (DT)\n"
		       "Workqueue: usb_hub_wq hub_event\n"
		       "Call trace:\n"));
	assert_non_null(strstr(sb_str(&sb),
		" glSetHifInfo+0x670/0x7c0 [wlan_mt7663_usb]\nMem-Info:\n"));
	assert_non_null(strstr(sb_str(&sb),
		"\nDMA32: 1587*4kB (UMEC) 1959*8kB (UMEC) 1803*16kB (UMEC) 676*32kB (UMEC) 305*64kB (C) "
		"86*128kB (C) 19*256kB (C) 10*512kB (C) 26*1024kB (C) 5*2048kB (C) 118*4096kB (C) = 633204kB\n"));
	fixture_node_free(pgdat);
}

static void test_golden_5_4_oom_seed003(void **state)
{
	struct machine_desc d;
	struct pglist_data *pgdat = load_seed("arm64-5.4-64k-cma",
		"seed003-arm64-5.4-oom-highuser-movable-cma-64k.log", &d);
	struct report_task task = { .comm = "oncealloc2", .pid = 1440, .cpu = 2,
				    .taint = "Tainted: G S", .build = 14, .cpuset = "/" };
	struct report_ctx rc = { pgdat, &task, arm64_frames, 4 };
	struct sbuf sb = SBUF_INIT(report_buf, sizeof(report_buf));

	report_oom(&sb, &rc, GFP_HIGHUSER_MOVABLE, 0);
	assert_report_shapes(sb_str(&sb), NULL);
	assert_non_null(strstr(sb_str(&sb),
		"oncealloc2 invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0\n"
		"CPU: 2 PID: 1440 Comm: oncealloc2 Tainted: G S 5.4.74 #14\n"
		"Hardware name: E2000Q DEMO DDR4 (DT)\n"
		"Call trace:\n"));
	/* the buddy line of the log, unwrapped */
	assert_non_null(strstr(sb_str(&sb),
		"Node 0 DMA32: 12*64kB (UM) 10*128kB (UM) 5*256kB (UM) 5*512kB (MC) 5*1024kB (UMC) "
		"4*2048kB (MC) 3*4096kB (UMC) 1*8192kB (C) 3*16384kB (UMC) 2*32768kB (MC) 1*65536kB (C) "
		"1*131072kB (C) 1*262144kB (C) 0*524288kB = 613120kB\n"));
	assert_non_null(strstr(sb_str(&sb),
		"Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=16777216kB\n"
		"Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=524288kB\n"
		"Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB\n"));
	assert_non_null(strstr(sb_str(&sb),
		"31744 pages RAM\n0 pages HighMem/MovableOnly\n546 pages reserved\n"
		"8192 pages cma reserved\n0 pages hwpoisoned\n"));
	fixture_node_free(pgdat);
}

/* ---- the other messages ----------------------------------------------------- */

static struct pglist_data *small_node(kver_t kv, struct machine_desc *d)
{
	fixture_desc(d, kv, 12);
	fixture_zone(d, ZONE_DMA32, 0, 256ULL << 20, 0);
	return fixture_node(d);
}

static void test_header_per_version(void **state)
{
	static const struct {
		kver_t kv;
		const char *want;
	} cases[] = {
		{ KVER(4, 9, 0), "t: page allocation failure: order:2, mode:0x24000c0(GFP_KERNEL)\n" },
		{ KVER(4, 14, 0), "t: page allocation failure: order:2, mode:0x14000c0(GFP_KERNEL), nodemask=(null)\n"
				  "t cpuset=/ mems_allowed=0\n" },
		{ KVER(5, 10, 0), "t: page allocation failure: order:2, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct machine_desc d;
		struct pglist_data *pgdat = small_node(cases[i].kv, &d);
		struct report_task task = { .comm = "t", .pid = 1, .cpuset = "/" };
		struct report_ctx rc = { pgdat, &task, NULL, 0 };
		struct sbuf sb = SBUF_INIT(report_buf, sizeof(report_buf));

		report_page_alloc_failure(&sb, &rc, GFP_KERNEL, 2);
		assert_memory_equal(sb_str(&sb), cases[i].want, strlen(cases[i].want));
		fixture_node_free(pgdat);
	}
}

static void test_dump_stack_x86_and_6_12(void **state)
{
	struct machine_desc d;
	struct pglist_data *pgdat = small_node(KVER(6, 12, 0), &d);
	static const struct report_frame frames[] = {
		{ "dump_stack_lvl", 0x48, 0x70, NULL, 0, false },
		{ "foo", 0x10, 0x20, "libc.so.6", 0, true },
		{ NULL, 0, 0, NULL, 0x7f00, false },
	};
	struct report_task task = { .comm = "prog", .pid = 7, .uid = 1000, .cpu = 1 };
	struct report_ctx rc = { pgdat, &task, frames, 3 };
	struct sbuf sb = SBUF_INIT(report_buf, sizeof(report_buf));

	report_dump_stack(&sb, &rc);
	assert_string_equal(sb_str(&sb),
		"CPU: 1 UID: 1000 PID: 7 Comm: prog Not tainted 6.12.0 #1\n"
		"Call Trace:\n <TASK>\n dump_stack_lvl+0x48/0x70\n"
		" ? foo+0x10/0x20 [libc.so.6]\n 0x7f00\n </TASK>\n");
	fixture_node_free(pgdat);
}

static void test_fault_injection_lines(void **state)
{
	struct machine_desc d;
	struct pglist_data *pgdat = small_node(KVER(6, 6, 0), &d);
	struct report_task task = { .comm = "prog", .pid = 7 };
	struct report_ctx rc = { pgdat, &task, NULL, 0 };
	struct sbuf sb = SBUF_INIT(report_buf, sizeof(report_buf));
	struct report_fault_attr fa = { "fail_page_alloc", 1, 100, 0, -1, 1 };

	report_fault_injection(&sb, &rc, &fa);
	assert_string_equal(sb_str(&sb),
		"FAULT_INJECTION: forcing a failure.\n"
		"name fail_page_alloc, interval 1, probability 100, space 0, times -1\n");
	sb_reset(&sb);
	fa.verbose = 0;
	report_fault_injection(&sb, &rc, &fa);
	assert_string_equal(sb_str(&sb), "");
	fa.verbose = 2;
	report_fault_injection(&sb, &rc, &fa);
	assert_non_null(strstr(sb_str(&sb), "times -1\nCPU: 0 PID: 7 Comm: prog"));
	fixture_node_free(pgdat);
}

static void test_vmalloc_texts(void **state)
{
	static const struct {
		kver_t kv;
		enum vmalloc_failure why;
		const char *want;
	} cases[] = {
		{ KVER(4, 9, 0), VMALLOC_FAIL_TOO_BIG, "t: vmalloc: allocation failure: 1048576 bytes, mode:" },
		{ KVER(5, 4, 0), VMALLOC_FAIL_PAGES, "t: vmalloc: allocation failure, allocated 8192 of 1048576 bytes, mode:" },
		{ KVER(6, 1, 0), VMALLOC_FAIL_PAGES, "t: vmalloc error: size 1048576, page order 0, failed to allocate pages, mode:" },
		{ KVER(6, 12, 0), VMALLOC_FAIL_PAGES, "t: vmalloc error: size 1048576, failed to allocate pages, mode:" },
		{ KVER(6, 6, 0), VMALLOC_FAIL_TOO_BIG, "t: vmalloc error: size 1048576, exceeds total pages, mode:" },
		{ KVER(6, 6, 0), VMALLOC_FAIL_MAP, "t: vmalloc error: size 1048576, failed to map pages, mode:" },
		{ KVER(6, 6, 0), VMALLOC_FAIL_AREA, "t: vmalloc error: size 1048576, vm_struct allocation failed, mode:" },
		{ KVER(6, 6, 0), VMALLOC_FAIL_PAGE_ARRAY, "t: vmalloc error: size 1048576, failed to allocated page array size 2048, mode:" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct machine_desc d;
		struct pglist_data *pgdat = small_node(cases[i].kv, &d);
		struct report_task task = { .comm = "t", .pid = 1 };
		struct report_ctx rc = { pgdat, &task, NULL, 0 };
		struct sbuf sb = SBUF_INIT(report_buf, sizeof(report_buf));

		report_vmalloc_failure(&sb, &rc, GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO,
				       cases[i].why, 1 << 20, 8192, 0);
		assert_memory_equal(sb_str(&sb), cases[i].want, strlen(cases[i].want));
		fixture_node_free(pgdat);
	}
}

static void test_cma_lines(void **state)
{
	char buf[512];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));
	static const struct cma_run runs[] = { { 0, 8 }, { 24, 16 } };

	report_cma_failure(&sb, KVER(6, 1, 0), "reserved", 256, -12, runs, 2, 8192);
	assert_string_equal(sb_str(&sb),
		"cma: cma_alloc: reserved: alloc failed, req-size: 256 pages, ret: -12\n"
		"cma: number of available pages: 8@0+16@24=> 24 free of 8192 total pages\n");
	sb_reset(&sb);
	report_cma_failure(&sb, KVER(6, 12, 0), "reserved", 256, -12, runs, 1, 8192);
	assert_string_equal(sb_str(&sb),
		"cma: __cma_alloc: reserved: alloc failed, req-size: 256 pages, ret: -12\n"
		"cma: number of available pages: 8@0=> 8 free of 8192 total pages\n");
	sb_reset(&sb);
	report_cma_failure(&sb, KVER(4, 9, 0), "reserved", 256, -12, runs, 1, 8192);
	assert_string_equal(sb_str(&sb), "");
}

static void test_ratelimit(void **state)
{
	char buf[256];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));
	struct report_ratelimit rs;
	const uint64_t s = 1000000000ULL;

	/* 5.4+: one report per 10 s */
	report_ratelimit_init(&rs, KVER(5, 4, 0));
	assert_true(report_ratelimit(&rs, 1 * s, &sb));
	assert_false(report_ratelimit(&rs, 2 * s, &sb));
	assert_false(report_ratelimit(&rs, 11 * s, &sb));       /* window still open */
	assert_true(report_ratelimit(&rs, 11 * s + 1, &sb));
	assert_string_equal(sb_str(&sb), "warn_alloc: 2 callbacks suppressed\n");

	/* 4.9: ten per 5 s */
	sb_reset(&sb);
	report_ratelimit_init(&rs, KVER(4, 9, 0));
	for (int i = 0; i < 10; i++)
		assert_true(report_ratelimit(&rs, 1 * s, &sb));
	assert_false(report_ratelimit(&rs, 2 * s, &sb));
	assert_true(report_ratelimit(&rs, 7 * s, &sb));
	assert_string_equal(sb_str(&sb), "warn_alloc: 1 callbacks suppressed\n");
}

static void test_timestamps(void **state)
{
	char ts[32], buf[256];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));

	sb.prefix = report_timestamp(ts, sizeof(ts), 2123456789ULL);
	assert_string_equal(ts, "[    2.123456] ");
	sb_printf(&sb, "Mem-Info:\nactive_anon:%d\n", 1);
	sb_puts(&sb, " free:0");
	sb_puts(&sb, " free_pcp:0\n");
	assert_string_equal(sb_str(&sb),
		"[    2.123456] Mem-Info:\n[    2.123456] active_anon:1\n"
		"[    2.123456]  free:0 free_pcp:0\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_4_9),
		cmocka_unit_test(test_golden_5_4_and_seed002_header),
		cmocka_unit_test(test_golden_5_4_oom_seed003),
		cmocka_unit_test(test_golden_5_10),
		cmocka_unit_test(test_golden_6_1),
		cmocka_unit_test(test_golden_6_6),
		cmocka_unit_test(test_golden_6_19),
		cmocka_unit_test(test_header_per_version),
		cmocka_unit_test(test_dump_stack_x86_and_6_12),
		cmocka_unit_test(test_fault_injection_lines),
		cmocka_unit_test(test_vmalloc_texts),
		cmocka_unit_test(test_cma_lines),
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_timestamps),
	};
	return cmocka_run_group_tests(tests, load_shapes, NULL);
}
