/* The fault predicate and the GFPSHIM_FAIL language: every knob alone and
 * combined, with the counts the kernel's should_fail_ex() would give, and
 * every parse error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault/fault.h"
#include "base/prng.h"
#include "base/stack.h"

/* noipa: no inlining, cloning or identical-code folding, so each of
 * these functions keeps a frame and a name of its own */
#define NOINLINE __attribute__((noinline, noipa))

static struct fault_ctx ctx;
static struct fault_verdict last;

static void rules_kv(const char *text, kver_t kv)
{
	char err[512];

	fault_ctx_release(&ctx);
	fault_ctx_init(&ctx, kv);
	if (fault_parse(&ctx, text, err, sizeof(err)) != 0)
		fail_msg("fault_parse(\"%s\"): %s", text, err);
}

static void rules(const char *text)
{
	rules_kv(text, KVER(6, 1, 0));
}

/* Frames of a request made through req(): [0] req_full, [1] req, [2] the
 * function that called req(), [3] its caller. */
static NOINLINE bool req_full(enum fault_site site, gfp_t gfp, unsigned order,
		     size_t size, const char *comm)
{
	struct fault_request rq = {
		.site = site, .gfp = gfp, .order = order, .size = size,
		.comm = comm, .verdict = &last,
	};
	memset(&last, 0, sizeof(last));
	return should_fail_alloc(&ctx, &rq);
}

static NOINLINE bool req(unsigned order)
{
	bool r = req_full(FAULT_SITE_PAGE, GFP_KERNEL, order, 4096u << order,
			  "test");
	__asm__ volatile("" ::: "memory");     /* no tail call: keep the frame */
	return r;
}

/* failures among n order-`order` requests, as a string of '.' and 'X' */
static void pattern(unsigned order, int n, char *out)
{
	for (int i = 0; i < n; i++)
		out[i] = req(order) ? 'X' : '.';
	out[n] = '\0';
}

static int teardown(void **state)
{
	(void)state;
	fault_ctx_release(&ctx);
	return 0;
}

/* ---- knobs alone -------------------------------------------------------- */

static void test_no_rules(void **state)
{
	(void)state;
	rules("");
	assert_false(fault_active(&ctx));
	for (unsigned o = 0; o < 11; o++)
		assert_false(req(o));
}

static void test_min_order(void **state)
{
	int fails[11] = { 0 }, total = 0;
	(void)state;
	rules("min-order=4,probability=100");
	for (int round = 0; round < 10; round++)
		for (unsigned o = 0; o < 11; o++)
			if (req(o)) {
				fails[o]++;
				total++;
			}
	for (unsigned o = 0; o < 11; o++)
		assert_int_equal(fails[o], o >= 4 ? 10 : 0);
	assert_int_equal(total, 70);
}

static void test_max_order(void **state)
{
	int total = 0;
	(void)state;
	rules("max-order=2");
	for (unsigned o = 0; o < 11; o++)
		total += req(o);
	assert_int_equal(total, 3);
	rules("min-order=3,max-order=5");
	total = 0;
	for (unsigned o = 0; o < 11; o++)
		if (req(o)) {
			assert_in_range(o, 3, 5);
			total++;
		}
	assert_int_equal(total, 3);
}

static void test_nth(void **state)
{
	char p[16];
	(void)state;
	rules("nth=3");
	pattern(0, 10, p);
	assert_string_equal(p, "..X.......");
	/* the verdict says which request it was */
	rules("nth=2");
	assert_false(req(1));
	assert_true(req(1));
	assert_int_equal(last.rule, 1);
	assert_int_equal(last.nr_match, 2);
}

static void test_nth_counts_matching_requests(void **state)
{
	int fired_at = -1;
	(void)state;
	/* only slab requests count: the 2nd slab request is the 4th overall */
	rules("site=slab,nth=2");
	for (int i = 0; i < 8; i++) {
		enum fault_site s = (i == 1 || i == 3) ? FAULT_SITE_SLAB :
				    FAULT_SITE_PAGE;
		if (req_full(s, GFP_KERNEL, 0, 64, "test")) {
			assert_int_equal(fired_at, -1);
			fired_at = i;
		}
	}
	assert_int_equal(fired_at, 3);
}

static void test_interval(void **state)
{
	char p[16];
	(void)state;
	rules("interval=3");
	pattern(0, 10, p);
	assert_string_equal(p, "..X..X..X.");
}

static void test_times(void **state)
{
	char p[16];
	(void)state;
	rules("times=2");
	pattern(0, 6, p);
	assert_string_equal(p, "XX....");
	rules("times=0");
	pattern(0, 6, p);
	assert_string_equal(p, "......");
	rules("times=-1");
	pattern(0, 6, p);
	assert_string_equal(p, "XXXXXX");
}

static void test_space_pages(void **state)
{
	char p[16];
	(void)state;
	/* should_fail_ex(): space 10 > 4 → 6, 6 > 4 → 2, then 2 ≤ 4: fail,
	 * and space stays 2 */
	rules("space=10");
	pattern(2, 5, p);
	assert_string_equal(p, "..XXX");
	assert_int_equal(atomic_load(&ctx.rule[0].space), 2);
	/* equal is not "more than": it fails at once */
	rules("space=4");
	pattern(2, 2, p);
	assert_string_equal(p, "XX");
}

static void test_space_slab_bytes(void **state)
{
	int n = 0;
	(void)state;
	rules("site=slab,space=100");
	/* 100 > 40 → 60, 60 > 40 → 20, then fail */
	for (int i = 0; i < 4; i++)
		n = n * 2 + req_full(FAULT_SITE_SLAB, GFP_KERNEL, 0, 40, "t");
	assert_int_equal(n, 0x3);      /* pass, pass, fail, fail */
	rules("site=slab,space=1K");
	assert_int_equal(ctx.rule[0].space_init, 1024);
}

static void test_probability(void **state)
{
	static char a[10001], b[10001], c[10001];
	int n = 0;
	(void)state;

	rules("probability=25");
	prng_seed(42);
	pattern(0, 10000, a);
	prng_seed(42);
	pattern(0, 10000, b);
	prng_seed(43);
	pattern(0, 10000, c);
	assert_string_equal(a, b);             /* reproducible */
	assert_string_not_equal(a, c);
	for (int i = 0; i < 10000; i++)
		n += a[i] == 'X';
	assert_in_range(n, 2300, 2700);

	rules("probability=0.5%");
	assert_int_equal(ctx.rule[0].probability, 5000);
	prng_seed(7);
	n = 0;
	for (int i = 0; i < 100000; i++)
		n += req(0);
	assert_in_range(n, 400, 600);

	rules("probability=0");
	n = 0;
	for (int i = 0; i < 1000; i++)
		n += req(0);
	assert_int_equal(n, 0);
}

static void test_after_until(void **state)
{
	char p[16];
	(void)state;
	rules("after=5,until=8");
	pattern(0, 12, p);
	assert_string_equal(p, ".....XXX....");
	rules("after=2");
	pattern(0, 5, p);
	assert_string_equal(p, "..XXX");
}

static void test_nofail(void **state)
{
	(void)state;
	rules("probability=100");
	for (unsigned o = 0; o < 11; o++)
		assert_false(req_full(FAULT_SITE_PAGE, GFP_KERNEL | __GFP_NOFAIL,
				      o, 0, "t"));
	/* a NOFAIL request is not counted either */
	rules("nth=1");
	assert_false(req_full(FAULT_SITE_PAGE, GFP_ATOMIC | __GFP_NOFAIL, 0, 0,
			      "t"));
	assert_true(req(0));
}

static void test_gfp_filters(void **state)
{
	(void)state;
	rules("gfp=+__GFP_HIGH,-__GFP_DIRECT_RECLAIM");
	assert_true(req_full(FAULT_SITE_SLAB, GFP_ATOMIC, 0, 8, "t"));
	assert_false(req_full(FAULT_SITE_SLAB, GFP_KERNEL, 0, 8, "t"));
	assert_false(req_full(FAULT_SITE_SLAB, GFP_NOWAIT, 0, 8, "t"));
	assert_false(req_full(FAULT_SITE_SLAB, GFP_ATOMIC | __GFP_DIRECT_RECLAIM,
			      0, 8, "t"));

	/* a whole mask: exactly that mask */
	rules("gfp=GFP_ATOMIC");
	assert_true(req_full(FAULT_SITE_PAGE, GFP_ATOMIC, 4, 0, "t"));
	assert_false(req_full(FAULT_SITE_PAGE, GFP_ATOMIC | __GFP_NOWARN, 4, 0,
			      "t"));
	/* 6.12 has no __GFP_ATOMIC: its GFP_ATOMIC still matches the
	 * canonical one */
	rules_kv("gfp=GFP_ATOMIC", KVER(6, 12, 0));
	assert_true(req_full(FAULT_SITE_PAGE, GFP_ATOMIC, 4, 0, "t"));
	assert_false(req_full(FAULT_SITE_PAGE, GFP_KERNEL, 4, 0, "t"));

	/* a named mask after '+': all of its flags */
	rules("gfp=+GFP_KERNEL");
	assert_true(req_full(FAULT_SITE_PAGE, GFP_KERNEL | __GFP_NOWARN, 0, 0, "t"));
	assert_true(req_full(FAULT_SITE_PAGE, GFP_HIGHUSER_MOVABLE, 0, 0, "t"));
	assert_false(req_full(FAULT_SITE_PAGE, GFP_NOFS, 0, 0, "t"));
}

static void test_ignore_gfp(void **state)
{
	(void)state;
	rules("ignore-gfp-wait=Y");
	assert_false(req_full(FAULT_SITE_PAGE, GFP_KERNEL, 1, 0, "t"));
	assert_true(req_full(FAULT_SITE_PAGE, GFP_ATOMIC, 1, 0, "t"));
	rules("ignore-gfp-highmem=Y");
	assert_false(req_full(FAULT_SITE_MMAP, GFP_HIGHUSER_MOVABLE, 0, 0, "t"));
	assert_true(req_full(FAULT_SITE_PAGE, GFP_KERNEL, 1, 0, "t"));
	/* both, as fail_page_alloc's defaults: only atomic lowmem requests */
	rules("ignore-gfp-wait=1,ignore-gfp-highmem=on,min-order=1");
	assert_false(req_full(FAULT_SITE_PAGE, GFP_ATOMIC, 0, 0, "t"));
	assert_true(req_full(FAULT_SITE_PAGE, GFP_ATOMIC, 1, 0, "t"));
	assert_false(req_full(FAULT_SITE_PAGE, GFP_ATOMIC | __GFP_HIGHMEM, 1, 0,
			      "t"));
	assert_false(req_full(FAULT_SITE_PAGE, GFP_KERNEL, 1, 0, "t"));
}

static void test_site(void **state)
{
	int fails = 0;
	(void)state;
	rules("site=slab|mmap");
	for (int s = 0; s < NR_FAULT_SITES; s++)
		if (req_full(s, GFP_KERNEL, 0, 64, "t")) {
			assert_true(s == FAULT_SITE_SLAB || s == FAULT_SITE_MMAP);
			fails++;
		}
	assert_int_equal(fails, 2);
}

static void test_comm(void **state)
{
	(void)state;
	rules("comm=kworker*|irq/*");
	assert_true(req_full(FAULT_SITE_PAGE, GFP_ATOMIC, 4, 0, "kworker/0:0"));
	assert_true(req_full(FAULT_SITE_PAGE, GFP_ATOMIC, 4, 0, "irq/45-mmc0"));
	assert_false(req_full(FAULT_SITE_PAGE, GFP_ATOMIC, 4, 0, "bash"));
	assert_false(req_full(FAULT_SITE_PAGE, GFP_ATOMIC, 4, 0, NULL));
	rules("comm=kworker/[0-3]:?");
	assert_true(req_full(FAULT_SITE_PAGE, GFP_ATOMIC, 4, 0, "kworker/2:1"));
	assert_false(req_full(FAULT_SITE_PAGE, GFP_ATOMIC, 4, 0, "kworker/7:1"));
	assert_false(req_full(FAULT_SITE_PAGE, GFP_ATOMIC, 4, 0, "kworker/2:10"));
}

/* ---- caller=, module=: the predicate called from distinct functions --- */

static NOINLINE bool drv_alloc(unsigned order)
{
	bool r = req(order);
	__asm__ volatile("" ::: "memory");     /* keep the call a real call */
	return r;
}

static NOINLINE bool other_alloc(unsigned order)
{
	bool r = req(order);
	__asm__ volatile("" ::: "memory");
	return r;
}

static NOINLINE bool outer_calls_drv(unsigned order)
{
	bool r = drv_alloc(order);
	__asm__ volatile("" ::: "memory");
	return r;
}

static void test_caller(void **state)
{
	int d = 0, o = 0;
	(void)state;
	rules("caller=drv_alloc");
	for (int i = 0; i < 20; i++) {
		d += drv_alloc(i % 5);
		o += other_alloc(i % 5);
	}
	assert_int_equal(d, 20);
	assert_int_equal(o, 0);

	rules("caller=drv_*,times=1");
	assert_false(other_alloc(0));
	assert_true(drv_alloc(0));
	assert_false(drv_alloc(0));

	/* caller= looks stacktrace-depth frames deep: outer_calls_drv is
	 * frame 3 */
	rules("caller=outer_calls_drv,stacktrace-depth=3");
	assert_false(outer_calls_drv(0));
	rules("caller=outer_calls_drv,stacktrace-depth=4");
	assert_true(outer_calls_drv(0));
	assert_false(drv_alloc(0));
}

static void test_caller_counts(void **state)
{
	char p[16];
	(void)state;
	/* interval counts only the named caller's requests */
	rules("caller=drv_alloc,interval=2");
	for (int i = 0; i < 6; i++) {
		p[i] = drv_alloc(0) ? 'X' : '.';
		assert_false(other_alloc(0));
	}
	p[6] = '\0';
	assert_string_equal(p, ".X.X.X");
}

static bool via_libc_result;

static int cmp_and_alloc(const void *a, const void *b)
{
	via_libc_result |= req(0);
	return *(const int *)a - *(const int *)b;
}

static void test_module(void **state)
{
	int v[4] = { 4, 3, 2, 1 };
	(void)state;
	/* the test program itself is on every stack */
	rules("module=test_fault*");
	assert_true(req(0));
	rules("module=libnothere.so*");
	assert_false(req(0));
	/* libc is within four frames only when the request comes from inside
	 * qsort (further down, __libc_start_main calls main) */
	rules("module=libc.so*,stacktrace-depth=4");
	assert_false(req(0));
	via_libc_result = false;
	qsort(v, 4, sizeof(int), cmp_and_alloc);
	assert_true(via_libc_result);
}

static void test_stack_lazy(void **state)
{
	struct stack_trace st;
	struct fault_request rq = {
		.site = FAULT_SITE_PAGE, .gfp = GFP_KERNEL, .order = 0,
		.comm = "t", .stack = &st,
	};
	(void)state;

	/* no rule needs a stack: none is taken */
	rules("min-order=4,probability=100;interval=7");
	stack_trace_init(&st);
	should_fail_alloc(&ctx, &rq);
	assert_false(st.captured);

	/* a caller= rule filtered out by its order never unwinds */
	rules("caller=drv_alloc,min-order=3");
	stack_trace_init(&st);
	should_fail_alloc(&ctx, &rq);
	assert_false(st.captured);
	rq.order = 3;
	should_fail_alloc(&ctx, &rq);
	assert_true(st.captured);
	assert_true(st.nr > 0);

	/* nor does an exhausted one */
	rules("caller=drv_alloc,times=0");
	stack_trace_init(&st);
	should_fail_alloc(&ctx, &rq);
	assert_false(st.captured);
}

/* ---- stack=unique ------------------------------------------------------- */

static NOINLINE bool site_a(void)
{
	bool r = req(0);
	__asm__ volatile("" ::: "memory");
	return r;
}

static NOINLINE bool site_b(void)
{
	bool r = req(0);
	__asm__ volatile("" ::: "memory");
	return r;
}

static NOINLINE bool site_c(void)
{
	bool r = req(0);
	__asm__ volatile("" ::: "memory");
	return r;
}

static NOINLINE int run_sites(int include_c)
{
	int n = 0;
	for (int i = 0; i < 3; i++) {
		n += site_a();
		n += site_b();
		if (include_c)
			n += site_c();
	}
	return n;
}

static int count_lines(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	int n = 0;

	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f)) {
		assert_true(strlen(buf) > 17);
		assert_int_equal(buf[16], ' ');
		n++;
	}
	fclose(f);
	return n;
}

/* The stacks below are keyed on three frames (req_full, req, the site
 * function), so a site's stack is the same whichever line of a test calls
 * it, as it would be in two runs of one program. */
static void test_stack_unique_two_runs(void **state)
{
	char path[] = "/tmp/gfpshim-stacksXXXXXX";
	char rule[96];
	int fd = mkstemp(path);
	(void)state;

	assert_true(fd >= 0);
	close(fd);
	snprintf(rule, sizeof(rule), "stack=unique:%s,stacktrace-depth=3", path);

	/* run 1: a and b fail once each, however often they are called */
	rules(rule);
	assert_int_equal(run_sites(0), 2);
	assert_int_equal(count_lines(path), 2);
	fault_ctx_release(&ctx);

	/* run 2, same file: a and b are known; only the new site c fails */
	rules(rule);
	assert_int_equal(run_sites(1), 1);
	assert_int_equal(count_lines(path), 3);
	fault_ctx_release(&ctx);

	/* run 3: nothing new */
	rules(rule);
	assert_int_equal(run_sites(1), 0);
	unlink(path);
}

static NOINLINE bool site_d(void)
{
	bool r = req(0);
	__asm__ volatile("" ::: "memory");
	return r;
}

static void test_stack_unique_concurrent_runs(void **state)
{
	char path[] = "/tmp/gfpshim-stacksXXXXXX";
	char rule[96];
	int fd = mkstemp(path), fails = 0;
	pid_t pid[6];
	(void)state;

	assert_true(fd >= 0);
	close(fd);
	snprintf(rule, sizeof(rule), "stack=unique:%s,stacktrace-depth=3", path);
	rules(rule);
	/* six processes race on one new stack: exactly one fails it */
	for (int i = 0; i < 6; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			bool f = false;
			for (int k = 0; k < 50; k++)
				f |= site_d();
			_exit(f ? 1 : 0);
		}
	}
	for (int i = 0; i < 6; i++) {
		int status;
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		fails += WEXITSTATUS(status);
	}
	assert_int_equal(fails, 1);
	assert_int_equal(count_lines(path), 1);
	/* the parent, which has not failed it, finds it in the file */
	assert_false(site_d());
	unlink(path);
}

static void test_stack_unique_memory(void **state)
{
	(void)state;
	rules("stack=unique,stacktrace-depth=3");
	assert_int_equal(run_sites(1), 3);
	assert_int_equal(run_sites(1), 0);
	/* with times: one new stack per run, the rest left for later runs */
	rules("stack=unique,stacktrace-depth=3,times=1");
	assert_int_equal(run_sites(1), 1);
	assert_int_equal(run_sites(1), 0);
	rules("stack=unique,stacktrace-depth=3,times=1");
	assert_int_equal(run_sites(1), 1);
	/* the whole stack counts: the same site reached from two callers
	 * is two stacks */
	rules("stack=unique");
	assert_true(site_a());
	assert_true(site_a());
}

/* ---- verdicts and reports ----------------------------------------------- */

static void test_verdict_and_dump(void **state)
{
	char buf[256];
	struct fault_request rq = { .site = FAULT_SITE_SLAB, .gfp = GFP_KERNEL,
				    .size = 64, .verdict = &last };
	(void)state;

	rules("times=3");
	assert_true(should_fail_alloc(&ctx, &rq));
	assert_int_equal(last.rule, 1);
	assert_int_equal(last.times, 3);
	assert_true(last.dump);
	assert_true(last.dump_stack);
	fault_format_dump(&ctx, &rq, &last, buf, sizeof(buf));
	assert_string_equal(buf, "FAULT_INJECTION: forcing a failure.\n"
			    "name failslab, interval 1, probability 100, "
			    "space 0, times 3\n");

	rules("min-order=2,interval=4,probability=0.25,verbose=1");
	rq.site = FAULT_SITE_PAGE;
	rq.order = 3;
	prng_seed(1);
	while (!should_fail_alloc(&ctx, &rq))
		;
	assert_true(last.dump);
	assert_false(last.dump_stack);
	fault_format_dump(&ctx, &rq, &last, buf, sizeof(buf));
	assert_string_equal(buf, "FAULT_INJECTION: forcing a failure.\n"
			    "name fail_page_alloc, interval 4, probability "
			    "0.25, space 0, times -1\n");

	/* __GFP_NOWARN fails silently (FAULT_NOWARN); verbose=0 too */
	rules("");
	rules("probability=100");
	rq.gfp = GFP_ATOMIC | __GFP_NOWARN;
	assert_true(should_fail_alloc(&ctx, &rq));
	assert_false(last.dump);
	rules("verbose=0");
	rq.gfp = GFP_ATOMIC;
	assert_true(should_fail_alloc(&ctx, &rq));
	assert_false(last.dump);
}

static void test_rule_order(void **state)
{
	(void)state;
	rules("min-order=4,times=1;min-order=2");
	assert_true(req(5));
	assert_int_equal(last.rule, 1);
	assert_true(req(5));
	assert_int_equal(last.rule, 2);
	assert_true(req(2));
	assert_int_equal(last.rule, 2);
	assert_false(req(1));
}

static void test_errno_kept(void **state)
{
	(void)state;
	rules("caller=drv_alloc;probability=100");
	errno = EDOM;
	assert_true(req(0));
	assert_int_equal(errno, EDOM);
}

struct thread_arg {
	int fails;
};

static void *hammer(void *p)
{
	struct thread_arg *a = p;
	for (int i = 0; i < 10000; i++)
		a->fails += req(i % 3);
	return NULL;
}

static int run_threads(void)
{
	pthread_t t[4];
	struct thread_arg a[4] = { { 0 } };
	int total = 0;

	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, &a[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		total += a[i].fails;
	}
	return total;
}

static void test_threads(void **state)
{
	(void)state;
	rules("times=100");
	assert_int_equal(run_threads(), 100);
	rules("interval=10");
	assert_int_equal(run_threads(), 4000);
	rules("space=5000");
	/* orders 0,1,2 cycle: space is debited atomically, never below 0 */
	run_threads();
	assert_true(atomic_load(&ctx.rule[0].space) >= 0);
	rules("nth=777");
	assert_int_equal(run_threads(), 1);
}

/* ---- randomness ----------------------------------------------------------- */

static void *first_draws(void *p)
{
	uint64_t *out = p;
	out[0] = prng_thread_index();
	for (int i = 1; i < 4; i++)
		out[i] = prng_next();
	return NULL;
}

static void test_prng(void **state)
{
	uint64_t main1[4], main2[4], thr1[4], thr2[4];
	pthread_t t;
	(void)state;

	/* the same seed gives every thread the same stream again; threads
	 * are numbered in the order they first draw */
	for (int round = 0; round < 2; round++) {
		uint64_t *m = round ? main2 : main1, *th = round ? thr2 : thr1;
		prng_seed(1234);
		first_draws(m);
		assert_int_equal(pthread_create(&t, NULL, first_draws, th), 0);
		pthread_join(t, NULL);
	}
	assert_memory_equal(main1, main2, sizeof(main1));
	assert_memory_equal(thr1, thr2, sizeof(thr1));
	assert_int_equal(main1[0], 0);
	assert_int_equal(thr1[0], 1);
	assert_true(main1[1] != thr1[1]);
	assert_true(prng_get_seed() == 1234);
	for (int i = 0; i < 1000; i++)
		assert_true(prng_below(7) < 7);
}

/* One 64-request pattern under probability=50, from a forked child. */
static void fork_pattern(char *parent, char *child)
{
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	fault_fork_prepare(&ctx);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char p[65];
		fault_fork_child(&ctx);
		pattern(0, 64, p);
		_exit(write(fd[1], p, 64) == 64 ? 0 : 1);
	}
	fault_fork_parent(&ctx);
	pattern(0, 64, parent);
	assert_int_equal(read(fd[0], child, 64), 64);
	child[64] = '\0';
	int status;
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd[0]);
	close(fd[1]);
}

static void test_fork_streams(void **state)
{
	char p1[65], c1[65], p2[65], c2[65];
	(void)state;

	rules("probability=50;stack=unique,caller=nothing_here");
	prng_seed(99);
	fork_pattern(p1, c1);
	prng_seed(99);
	fork_pattern(p2, c2);
	/* the child does not replay its parent, and both repeat per seed */
	assert_string_not_equal(p1, c1);
	assert_string_equal(p1, p2);
	assert_string_equal(c1, c2);
}

/* ---- parsing ------------------------------------------------------------ */

static void check_format(const char *in, const char *want)
{
	char out[512], again[512];

	rules(in);
	fault_rule_format(&ctx, 0, out, sizeof(out));
	assert_string_equal(out, want);
	rules(out);                     /* canonical text parses to itself */
	fault_rule_format(&ctx, 0, again, sizeof(again));
	assert_string_equal(again, want);
}

static void test_format(void **state)
{
	(void)state;
	check_format("min-order=4,probability=100",
		     "min-order=4,probability=100,times=-1");
	check_format("nth=3", "nth=3");
	check_format("fail-nth=3", "nth=3");
	check_format("caller=glSetHifInfo,times=1",
		     "caller=glSetHifInfo,probability=100,times=1");
	check_format(" site = slab , probability=5,interval=10 ",
		     "site=slab,interval=10,probability=5,times=-1");
	check_format("stack=unique", "stack=unique,probability=100,times=-1");
	check_format("probability=0.5%,verbose=1,stacktrace-depth=8",
		     "probability=0.5,times=-1,stacktrace-depth=8,verbose=1");
	check_format("gfp=+__GFP_HIGH,-__GFP_DIRECT_RECLAIM,min-order=3",
		     "gfp=+__GFP_HIGH,-__GFP_DIRECT_RECLAIM,min-order=3,"
		     "probability=100,times=-1");
	check_format("gfp=GFP_ATOMIC", "gfp=GFP_ATOMIC,probability=100,times=-1");
	check_format("until=9,after=2,site=cma|page,comm=kworker*,module=lib*.so",
		     "site=page|cma,comm=kworker*,module=lib*.so,after=2,until=9,"
		     "probability=100,times=-1");
	check_format("ignore-gfp-wait=Y,ignore-gfp-highmem=y,max-order=9,space=2M",
		     "max-order=9,ignore-gfp-wait=Y,ignore-gfp-highmem=Y,"
		     "space=2097152,probability=100,times=-1");

	/* several rules; a trailing ';' is allowed */
	rules("nth=1;min-order=2;");
	assert_int_equal(ctx.nr_rules, 2);
}

static void check_error(const char *text, const char *want)
{
	char err[512];

	fault_ctx_release(&ctx);
	fault_ctx_init(&ctx, KVER(6, 1, 0));
	assert_int_equal(fault_parse(&ctx, text, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_int_equal(ctx.nr_rules, 0);     /* nothing half-parsed */
}

static void test_parse_errors(void **state)
{
	(void)state;
	check_error("min-order=4;probabilty=5",
		    "GFPSHIM_FAIL rule 2: 'probabilty=5': unknown knob "
		    "(did you mean 'probability'?)");
	check_error("min_order=3",
		    "GFPSHIM_FAIL rule 1: 'min_order=3': unknown knob "
		    "(did you mean 'min-order'?)");
	check_error("frobnicate=1",
		    "GFPSHIM_FAIL rule 1: 'frobnicate=1': unknown knob (expected "
		    "one of probability, interval, times, space, min-order, "
		    "max-order, ignore-gfp-wait, ignore-gfp-highmem, "
		    "stacktrace-depth, verbose, gfp, site, caller, module, comm, "
		    "nth, stack, after, until)");
	check_error("probability",
		    "GFPSHIM_FAIL rule 1: 'probability': expected key=value "
		    "(did you mean 'probability=...'?)");
	check_error("=5", "GFPSHIM_FAIL rule 1: '=5': expected key=value "
		    "(e.g. min-order=4)");
	check_error("probability=",
		    "GFPSHIM_FAIL rule 1: 'probability=': missing value after '='");
	static const char *const bad_prob[] = {
		"probability=101", "probability=abc", "probability=0.00001",
		"probability=100.5", "probability=-1", "probability=5%%",
		"probability=.5",
	};
	for (size_t i = 0; i < sizeof(bad_prob) / sizeof(*bad_prob); i++) {
		char want[256];
		snprintf(want, sizeof(want), "GFPSHIM_FAIL rule 1: '%s': expected "
			 "a percentage from 0 to 100 with at most 4 decimals "
			 "(e.g. 5, 0.5 or 0.5%%)", bad_prob[i]);
		check_error(bad_prob[i], want);
	}
	check_error("interval=0", "GFPSHIM_FAIL rule 1: 'interval=0': expected "
		    "a whole number >= 1");
	check_error("times=-2", "GFPSHIM_FAIL rule 1: 'times=-2': expected -1 "
		    "(no limit) or a count from 0 to 2147483647");
	check_error("space=12Q", "GFPSHIM_FAIL rule 1: 'space=12Q': expected a "
		    "count of pages (page sites) or bytes (slab), optionally "
		    "with K, M or G");
	check_error("min-order=64", "GFPSHIM_FAIL rule 1: 'min-order=64': "
		    "expected an order from 0 to 63");
	check_error("max-order=x", "GFPSHIM_FAIL rule 1: 'max-order=x': "
		    "expected an order from 0 to 63");
	check_error("ignore-gfp-wait=maybe", "GFPSHIM_FAIL rule 1: "
		    "'ignore-gfp-wait=maybe': expected Y or N (or 1/0, on/off)");
	check_error("stacktrace-depth=0", "GFPSHIM_FAIL rule 1: "
		    "'stacktrace-depth=0': expected a depth from 1 to 64");
	check_error("verbose=3", "GFPSHIM_FAIL rule 1: 'verbose=3': expected "
		    "0, 1 or 2");
	check_error("gfp=+", "GFPSHIM_FAIL rule 1: 'gfp=+': missing gfp flags "
		    "after '+' (expected e.g. +__GFP_HIGH or "
		    "-__GFP_DIRECT_RECLAIM)");
	check_error("gfp=+__GFP_HIGH,-__GFP_HIGH", "GFPSHIM_FAIL rule 1: "
		    "'-__GFP_HIGH': flags both required and absent");
	check_error("gfp=GFP_ATOMIC,GFP_KERNEL", "GFPSHIM_FAIL rule 1: "
		    "'GFP_KERNEL': expected key=value (e.g. min-order=4)");
	check_error("gfp=GFP_ATOMIC,gfp=GFP_KERNEL", "GFPSHIM_FAIL rule 1: "
		    "'gfp=GFP_KERNEL': gfp given twice in one rule");
	check_error("min-order=1,+__GFP_HIGH", "GFPSHIM_FAIL rule 1: "
		    "'+__GFP_HIGH': gfp flags outside gfp= (expected "
		    "gfp=+__GFP_HIGH)");
	check_error("site=slob", "GFPSHIM_FAIL rule 1: 'site=slob': expected "
		    "sites from slab, page, vmalloc, mmap, dma, cma separated "
		    "by '|'");
	check_error("site=slab|", "GFPSHIM_FAIL rule 1: 'site=slab|': expected "
		    "sites from slab, page, vmalloc, mmap, dma, cma separated "
		    "by '|'");
	check_error("caller=a||b", "GFPSHIM_FAIL rule 1: 'caller=a||b': "
		    "expected function globs separated by '|' (e.g. "
		    "glSetHifInfo|mydrv_*)");
	check_error("module=|x", "GFPSHIM_FAIL rule 1: 'module=|x': expected "
		    "object globs separated by '|' (e.g. libfoo.so*)");
	char longcomm[200] = "comm=";
	memset(longcomm + 5, 'k', 130);
	char want[512];
	snprintf(want, sizeof(want), "GFPSHIM_FAIL rule 1: '%s': pattern longer "
		 "than 127 characters", longcomm);
	check_error(longcomm, want);
	check_error("nth=0", "GFPSHIM_FAIL rule 1: 'nth=0': expected a request "
		    "number >= 1");
	check_error("after=-1", "GFPSHIM_FAIL rule 1: 'after=-1': expected a "
		    "count of requests >= 0");
	check_error("until=0", "GFPSHIM_FAIL rule 1: 'until=0': expected a "
		    "request number >= 1");
	check_error("stack=all", "GFPSHIM_FAIL rule 1: 'stack=all': expected "
		    "unique or unique:FILE");
	check_error("stack=unique:", "GFPSHIM_FAIL rule 1: 'stack=unique:': "
		    "missing file name after 'unique:' (expected e.g. "
		    "unique:/tmp/run.stacks)");
	check_error("stack=unique:/nonexistent-dir/x.stacks", "GFPSHIM_FAIL "
		    "rule 1: 'stack=unique:/nonexistent-dir/x.stacks': cannot "
		    "open the file for the set of seen stacks: No such file or "
		    "directory");
	check_error("min-order=5,max-order=3", "GFPSHIM_FAIL rule 1: "
		    "'max-order=3': max-order=3 is below min-order=5");
	check_error("min-order=5;min-order=70", "GFPSHIM_FAIL rule 2: "
		    "'min-order=70': expected an order from 0 to 63");
	check_error("after=5,until=5", "GFPSHIM_FAIL rule 1: 'until=5': until= "
		    "must be above after=5 (the window is requests after+1 .. "
		    "until)");
	check_error("nth=3,probability=50", "GFPSHIM_FAIL rule 1: 'nth=3': nth= "
		    "fails exactly one request and cannot be combined with "
		    "probability=");
	check_error("stack=unique,nth=3", "GFPSHIM_FAIL rule 1: 'nth=3': nth= "
		    "fails exactly one request and cannot be combined with stack=");
	check_error("times=1,times=2", "GFPSHIM_FAIL rule 1: 'times=2': times "
		    "given twice in one rule");
	check_error(";nth=1", "GFPSHIM_FAIL rule 1: empty rule (expected knobs "
		    "such as min-order=4,probability=100)");
	check_error("nth=1;;nth=2", "GFPSHIM_FAIL rule 2: empty rule (expected "
		    "knobs such as min-order=4,probability=100)");
	check_error("nth=1,,times=1", "GFPSHIM_FAIL rule 1: empty knob between "
		    "commas (expected key=value)");

	char many[256] = "";
	for (int i = 0; i < FAULT_MAX_RULES + 1; i++)
		strcat(many, "nth=1;");
	many[strlen(many) - 1] = '\0';
	check_error(many, "GFPSHIM_FAIL rule 17: 'nth=1': too many rules "
		    "(at most 16)");

	char longval[400] = "caller=";
	memset(longval + 7, 'f', 300);
	snprintf(want, sizeof(want), "GFPSHIM_FAIL rule 1: '%s': value longer "
		 "than 271 characters", longval);
	check_error(longval, want);
}

static void test_parse_gfp_error_names_token(void **state)
{
	char err[512];
	(void)state;
	fault_ctx_release(&ctx);
	fault_ctx_init(&ctx, KVER(6, 1, 0));
	assert_int_equal(fault_parse(&ctx, "gfp=+GFP_BOGUS", err, sizeof(err)), -1);
	/* the rest of the message is gfp_parse()'s */
	assert_memory_equal(err, "GFPSHIM_FAIL rule 1: 'gfp=+GFP_BOGUS': ", 38);
	assert_non_null(strstr(err + 38, "GFP_BOGUS"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_no_rules, teardown),
		cmocka_unit_test_teardown(test_min_order, teardown),
		cmocka_unit_test_teardown(test_max_order, teardown),
		cmocka_unit_test_teardown(test_nth, teardown),
		cmocka_unit_test_teardown(test_nth_counts_matching_requests, teardown),
		cmocka_unit_test_teardown(test_interval, teardown),
		cmocka_unit_test_teardown(test_times, teardown),
		cmocka_unit_test_teardown(test_space_pages, teardown),
		cmocka_unit_test_teardown(test_space_slab_bytes, teardown),
		cmocka_unit_test_teardown(test_probability, teardown),
		cmocka_unit_test_teardown(test_after_until, teardown),
		cmocka_unit_test_teardown(test_nofail, teardown),
		cmocka_unit_test_teardown(test_gfp_filters, teardown),
		cmocka_unit_test_teardown(test_ignore_gfp, teardown),
		cmocka_unit_test_teardown(test_site, teardown),
		cmocka_unit_test_teardown(test_comm, teardown),
		cmocka_unit_test_teardown(test_caller, teardown),
		cmocka_unit_test_teardown(test_caller_counts, teardown),
		cmocka_unit_test_teardown(test_module, teardown),
		cmocka_unit_test_teardown(test_stack_lazy, teardown),
		cmocka_unit_test_teardown(test_stack_unique_two_runs, teardown),
		cmocka_unit_test_teardown(test_stack_unique_concurrent_runs, teardown),
		cmocka_unit_test_teardown(test_stack_unique_memory, teardown),
		cmocka_unit_test_teardown(test_verdict_and_dump, teardown),
		cmocka_unit_test_teardown(test_rule_order, teardown),
		cmocka_unit_test_teardown(test_errno_kept, teardown),
		cmocka_unit_test_teardown(test_threads, teardown),
		cmocka_unit_test_teardown(test_prng, teardown),
		cmocka_unit_test_teardown(test_fork_streams, teardown),
		cmocka_unit_test_teardown(test_format, teardown),
		cmocka_unit_test_teardown(test_parse_errors, teardown),
		cmocka_unit_test_teardown(test_parse_gfp_error_names_token, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
