/* Backtraces: capture, symbolization from .symtab/.dynsym without
 * -rdynamic, the frame format, and the ASLR-stable stack hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/stack.h"

#define NOINLINE __attribute__((noinline, noipa))

static const char *self_path;

/* Capture from the caller's point of view: ip[0] is the return address
 * into the function that called capture_here(). */
static NOINLINE void capture_here(struct stack_trace *st)
{
	stack_trace_init(st);
	stack_capture(st, (uintptr_t)__builtin_return_address(0));
	__asm__ volatile("" ::: "memory");
}

static NOINLINE void probe_static(struct stack_trace *st)
{
	capture_here(st);
	__asm__ volatile("" ::: "memory");
}

/* global, but not exported: the program is linked without -rdynamic */
NOINLINE void gfpshim_test_global_probe(struct stack_trace *st);
NOINLINE void gfpshim_test_global_probe(struct stack_trace *st)
{
	capture_here(st);
	__asm__ volatile("" ::: "memory");
}

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static void test_static_function(void **state)
{
	struct stack_trace st;
	struct frame_info fi;
	char buf[256], want[256];
	(void)state;

	probe_static(&st);
	assert_true(st.captured);
	assert_true(st.nr >= 3);
	assert_true(stack_symbolize(st.ip[0], true, &fi));
	assert_string_equal(fi.func, "probe_static");
	assert_true(fi.size > 0 && fi.size < 0x400);
	assert_true(fi.off > 0 && fi.off <= fi.size);
	assert_true(fi.main_program);
	assert_string_equal(fi.object, basename_of(self_path));
	stack_format_frame(&fi, buf, sizeof(buf));
	snprintf(want, sizeof(want), "probe_static+0x%lx/0x%lx",
		 (unsigned long)fi.off, (unsigned long)fi.size);
	assert_string_equal(buf, want);
	/* the next frame is this test */
	assert_true(stack_symbolize(st.ip[1], true, &fi));
	assert_string_equal(fi.func, "test_static_function");
}

static void test_no_rdynamic(void **state)
{
	struct stack_trace st;
	struct frame_info fi;
	(void)state;

	/* not in the dynamic symbol table, still named from .symtab */
	assert_null(dlsym(RTLD_DEFAULT, "gfpshim_test_global_probe"));
	gfpshim_test_global_probe(&st);
	assert_true(stack_symbolize(st.ip[0], true, &fi));
	assert_string_equal(fi.func, "gfpshim_test_global_probe");
}

static struct stack_trace cmp_stack;

static int cmp_capture(const void *a, const void *b)
{
	if (!cmp_stack.captured)
		capture_here(&cmp_stack);
	return *(const int *)a - *(const int *)b;
}

static void test_libc_frame(void **state)
{
	int v[3] = { 3, 2, 1 };
	struct frame_info fi;
	char buf[256];
	bool seen = false;
	(void)state;

	/* a frame inside qsort carries the library's name */
	stack_trace_init(&cmp_stack);
	qsort(v, 3, sizeof(int), cmp_capture);
	assert_true(cmp_stack.nr > 2);
	assert_true(stack_symbolize(cmp_stack.ip[0], true, &fi));
	assert_string_equal(fi.func, "cmp_capture");
	for (unsigned i = 1; i < cmp_stack.nr && !seen; i++) {
		assert_true(stack_symbolize(cmp_stack.ip[i], true, &fi));
		if (fi.object && !strcmp(fi.object, "libc.so.6")) {
			assert_false(fi.main_program);
			stack_format_frame(&fi, buf, sizeof(buf));
			size_t n = strlen(buf);
			assert_true(n > 12);
			assert_string_equal(buf + n - 12, " [libc.so.6]");
			seen = true;
		}
	}
	assert_true(seen);

	/* an exported libc function, looked up at its first byte */
	void *q = dlsym(RTLD_DEFAULT, "qsort");
	assert_non_null(q);
	assert_true(stack_symbolize((uintptr_t)q, false, &fi));
	assert_non_null(fi.func);
	assert_non_null(strstr(fi.func, "qsort"));
	assert_int_equal(fi.off, 0);
	assert_true(fi.size > 0);
	stack_format_frame(&fi, buf, sizeof(buf));
	char want[128];
	snprintf(want, sizeof(want), "%s+0x0/0x%lx [libc.so.6]", fi.func,
		 (unsigned long)fi.size);
	assert_string_equal(buf, want);
}

static void test_no_object(void **state)
{
	int local;
	struct frame_info fi;
	const char *obj;
	uintptr_t off;
	char buf[64], want[64];
	(void)state;

	assert_false(stack_object_of((uintptr_t)&local, &obj, &off, NULL));
	assert_false(stack_symbolize((uintptr_t)&local, false, &fi));
	assert_null(fi.object);
	assert_null(fi.func);
	stack_format_frame(&fi, buf, sizeof(buf));
	snprintf(want, sizeof(want), "0x%lx", (unsigned long)(uintptr_t)&local);
	assert_string_equal(buf, want);
}

static void test_from_drops_inner_frames(void **state)
{
	struct stack_trace st;
	(void)state;

	stack_trace_init(&st);
	assert_false(st.captured);
	/* without `from`, the capture's own frames come first */
	stack_capture(&st, 0);
	struct frame_info fi;
	assert_true(stack_symbolize(st.ip[0], false, &fi));
	assert_string_equal(fi.func, "stack_capture");
	/* with it, the first frame is the caller's */
	probe_static(&st);
	assert_true(stack_symbolize(st.ip[0], true, &fi));
	assert_string_equal(fi.func, "probe_static");
}

static NOINLINE uint64_t hash_site_1(void)
{
	struct stack_trace st;
	capture_here(&st);
	__asm__ volatile("" ::: "memory");
	return stack_hash(&st, STACK_MAX_DEPTH);
}

static NOINLINE uint64_t hash_site_2(void)
{
	struct stack_trace st;
	capture_here(&st);
	__asm__ volatile("" ::: "memory");
	return stack_hash(&st, STACK_MAX_DEPTH);
}

static NOINLINE uint64_t hash_leaf(unsigned depth)
{
	struct stack_trace st;
	capture_here(&st);
	__asm__ volatile("" ::: "memory");
	return stack_hash(&st, depth);
}

static NOINLINE uint64_t leaf_from_x(unsigned depth)
{
	uint64_t h = hash_leaf(depth);
	__asm__ volatile("" ::: "memory");
	return h;
}

static NOINLINE uint64_t leaf_from_y(unsigned depth)
{
	uint64_t h = hash_leaf(depth);
	__asm__ volatile("" ::: "memory");
	return h;
}

static void test_hash(void **state)
{
	uint64_t h[2];
	volatile int n = 2;     /* a loop the compiler cannot unroll */
	(void)state;

	for (int i = 0; i < n; i++)
		h[i] = hash_site_1();   /* one call site, twice */
	assert_true(h[0] == h[1]);
	assert_true(h[0] != 0);
	assert_true(hash_site_1() != hash_site_2());
	/* depth 1 sees only the leaf; depth 2 sees who called it */
	assert_true(leaf_from_x(1) == leaf_from_y(1));
	assert_true(leaf_from_x(2) != leaf_from_y(2));
}

/* Child mode: print the hash of two fixed frames (hash_leaf, leaf_from_x)
 * and where the program is. */
static NOINLINE int print_hash(void)
{
	printf("%016llx %p\n", (unsigned long long)leaf_from_x(2),
	       (void *)&print_hash);
	return 0;
}

static void run_child(unsigned long long *hash, void **where)
{
	char cmd[4200], line[128];

	snprintf(cmd, sizeof(cmd), "'%s' --print-hash", self_path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	assert_int_equal(sscanf(line, "%llx %p", hash, where), 2);
}

static void test_hash_stable_across_runs(void **state)
{
	unsigned long long h1, h2;
	void *w1, *w2;
	(void)state;

	run_child(&h1, &w1);
	run_child(&h2, &w2);
	assert_true(h1 == h2);
	/* with ASLR on, the program moved between the runs */
	if (w1 == w2)
		print_message("# ASLR is off here: addresses did not move\n");
	/* and it is the same stack this process sees */
	assert_true(h1 == leaf_from_x(2));
}

static void *symbolize_many(void *arg)
{
	const struct stack_trace *st = arg;
	uintptr_t sum = 0;
	for (int round = 0; round < 20000; round++) {
		struct frame_info fi;
		unsigned i = (unsigned)round % st->nr;
		if (stack_symbolize(st->ip[i], true, &fi))
			sum += fi.off + fi.size + (uintptr_t)fi.func;
	}
	return (void *)sum;
}

static void test_threads(void **state)
{
	struct stack_trace st;
	pthread_t t[4];
	void *r[4];
	(void)state;

	probe_static(&st);
	uintptr_t want = (uintptr_t)symbolize_many(&st);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, symbolize_many, &st), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &r[i]);
		assert_true((uintptr_t)r[i] == want);
	}
}

int main(int argc, char **argv)
{
	static char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = '\0';
	self_path = exe;
	if (argc > 1 && !strcmp(argv[1], "--print-hash"))
		return print_hash();

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_function),
		cmocka_unit_test(test_no_rdynamic),
		cmocka_unit_test(test_libc_frame),
		cmocka_unit_test(test_no_object),
		cmocka_unit_test(test_from_drops_inner_frames),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_hash_stable_across_runs),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
