/* Allocation patterns for the report tests, run under the shim.  Output
 * goes through write(2) after the work is done, so that the program makes
 * no allocation of its own between the ones a test counts.
 *
 *   report_prog orders            malloc(4096 << o) for o = 0..10: "order O: ok|fail"
 *   report_prog count N SIZE      N mallocs of SIZE: "failed: I J …" (1-based)
 *                                 and "failures: K"
 *   report_prog callers N SIZE    N rounds of from_a(SIZE), from_b(SIZE):
 *                                 "a: K", "b: K" (failures of each)
 *   report_prog sites N SIZE      three call sites, N calls each: "site1: K" …
 *   report_prog fill SIZE         malloc(SIZE) until it fails: "blocks: K errno: E"
 *   report_prog fillmore SIZE N [MS [M]]
 *                                 fill, then N more failing mallocs; after a
 *                                 pause of MS milliseconds, M more (1)
 *   report_prog mmapfill SIZE     anonymous mmap until it fails, touching nothing
 *   report_prog signal SIZE       fill SIZE, failing again inside a SIGALRM handler
 *   report_prog threads T SIZE    T threads fill SIZE at once
 *   report_prog fork SIZE         malloc(SIZE) in the parent, then in a
 *                                 forked child: "parent P: fail|ok",
 *                                 "child C: fail|ok"
 *
 * Every failure must come with errno == ENOMEM; otherwise the program says
 * "bad errno" and exits 3.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_BLOCKS (1 << 20)

static void **blocks;

static void out(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(1, buf, (size_t)n) < 0)
		exit(4);
}

static void check_errno(void)
{
	if (errno != ENOMEM) {
		out("bad errno %d\n", errno);
		exit(3);
	}
}

/* Each call site counts its own calls, so that no two of them have the
 * same code and the compiler cannot fold them into one (-fipa-icf). */
static volatile unsigned long calls[5];

static __attribute__((noinline)) void *from_a(size_t n)
{
	calls[0]++;
	void *p = malloc(n);
	__asm__ volatile("" ::: "memory");
	return p;
}

static __attribute__((noinline)) void *from_b(size_t n)
{
	calls[1]++;
	void *p = malloc(n);
	__asm__ volatile("" ::: "memory");
	return p;
}

static __attribute__((noinline)) void *site1(size_t n)
{
	calls[2]++;
	void *p = malloc(n);
	__asm__ volatile("" ::: "memory");
	return p;
}

static __attribute__((noinline)) void *site2(size_t n)
{
	calls[3]++;
	void *p = malloc(n);
	__asm__ volatile("" ::: "memory");
	return p;
}

static __attribute__((noinline)) void *site3(size_t n)
{
	calls[4]++;
	void *p = malloc(n);
	__asm__ volatile("" ::: "memory");
	return p;
}

static int cmd_orders(void)
{
	char res[11][8];
	for (unsigned o = 0; o <= 10; o++) {
		void *p = malloc((size_t)4096 << o);
		if (!p)
			check_errno();
		strcpy(res[o], p ? "ok" : "fail");
		free(p);
	}
	for (unsigned o = 0; o <= 10; o++)
		out("order %u: %s\n", o, res[o]);
	return 0;
}

static int cmd_count(unsigned long n, size_t size)
{
	static unsigned long failed[4096];
	unsigned long k = 0;
	for (unsigned long i = 1; i <= n; i++) {
		void *p = malloc(size);
		if (!p) {
			check_errno();
			if (k < 4096)
				failed[k] = i;
			k++;
		}
		free(p);
	}
	out("failed:");
	for (unsigned long i = 0; i < k && i < 4096; i++)
		out(" %lu", failed[i]);
	out("\nfailures: %lu\n", k);
	return 0;
}

static int cmd_callers(unsigned long n, size_t size)
{
	unsigned long fa = 0, fb = 0;
	for (unsigned long i = 0; i < n; i++) {
		void *p = from_a(size);
		fa += !p;
		free(p);
		p = from_b(size);
		fb += !p;
		free(p);
	}
	out("a: %lu\nb: %lu\n", fa, fb);
	return 0;
}

static int cmd_sites(unsigned long n, size_t size)
{
	unsigned long f[3] = { 0, 0, 0 };
	void *(*const fn[3])(size_t) = { site1, site2, site3 };
	for (unsigned long i = 0; i < n; i++)
		for (unsigned s = 0; s < 3; s++) {
			void *p = fn[s](size);
			f[s] += !p;
			free(p);
		}
	out("site1: %lu\nsite2: %lu\nsite3: %lu\n", f[0], f[1], f[2]);
	return 0;
}

static unsigned long fill(size_t size)
{
	unsigned long k = 0;
	void *p;
	while (k < MAX_BLOCKS && (p = malloc(size)) != NULL)
		blocks[k++] = p;
	if (k < MAX_BLOCKS)
		check_errno();
	return k;
}

static int cmd_fill(size_t size)
{
	unsigned long k = fill(size);
	out("blocks: %lu errno: %d\n", k, errno);
	return 0;
}

static int cmd_fillmore(size_t size, unsigned long n, unsigned long ms,
			unsigned long m)
{
	unsigned long k = fill(size), failed = 0;
	for (unsigned long i = 0; i < n; i++)
		failed += malloc(size) == NULL;
	if (ms) {
		usleep((useconds_t)(ms * 1000));
		for (unsigned long i = 0; i < m; i++)
			failed += malloc(size) == NULL;
	}
	out("blocks: %lu more failures: %lu\n", k, failed);
	return 0;
}

static int cmd_mmapfill(size_t size)
{
	unsigned long k = 0;
	void *p;
	while (k < MAX_BLOCKS && (p = mmap(NULL, size, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) !=
	       MAP_FAILED)
		k++;
	if (k < MAX_BLOCKS)
		check_errno();
	out("mappings: %lu errno: %d\n", k, errno);
	return 0;
}

static size_t sig_size;
static volatile int sig_failed;

static void on_alarm(int sig)
{
	(void)sig;
	int saved = errno;
	void *p = malloc(sig_size);
	sig_failed = p == NULL;
	free(p);
	errno = saved;
}

/* A failure report raised in a signal handler while the interrupted code
 * may itself be inside the allocator (or its report): the heap is full,
 * the main loop keeps failing, and the timer fires into that. */
static int cmd_signal(size_t size)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sig_size = size;
	unsigned long k = fill(size);
	ualarm(1000, 1000);
	unsigned long fails = 0;
	for (int i = 0; i < 20000; i++) {
		void *p = malloc(size);
		fails += !p;
		free(p);
	}
	ualarm(0, 0);
	out("blocks: %lu loop failures: %lu handler failed: %d\n", k, fails,
	    sig_failed);
	return 0;
}

static void *thread_fill(void *arg)
{
	size_t size = *(size_t *)arg;
	unsigned long k = 0;
	while (malloc(size))
		k++;
	return (void *)k;
}

static int cmd_threads(unsigned t, size_t size)
{
	pthread_t th[16];
	unsigned long total = 0;
	if (t > 16)
		t = 16;
	for (unsigned i = 0; i < t; i++)
		pthread_create(&th[i], NULL, thread_fill, &size);
	for (unsigned i = 0; i < t; i++) {
		void *r;
		pthread_join(th[i], &r);
		total += (unsigned long)r;
	}
	out("threads: %u blocks: %lu\n", t, total);
	return 0;
}

static int cmd_fork(size_t size)
{
	void *p = malloc(size);
	out("parent %d: %s\n", (int)getpid(), p ? "ok" : "fail");
	free(p);
	pid_t pid = fork();
	if (pid == 0) {
		void *q = malloc(size);
		out("child %d: %s\n", (int)getpid(), q ? "ok" : "fail");
		free(q);
		exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 5;
}

int main(int argc, char **argv)
{
	static void *store[MAX_BLOCKS];
	blocks = store;
	const char *cmd = argc > 1 ? argv[1] : "";
	unsigned long a = argc > 2 ? strtoul(argv[2], NULL, 0) : 0;
	unsigned long b = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;
	unsigned long c = argc > 4 ? strtoul(argv[4], NULL, 0) : 0;
	unsigned long d = argc > 5 ? strtoul(argv[5], NULL, 0) : 1;

	if (!strcmp(cmd, "orders"))
		return cmd_orders();
	if (!strcmp(cmd, "count"))
		return cmd_count(a, b);
	if (!strcmp(cmd, "callers"))
		return cmd_callers(a, b);
	if (!strcmp(cmd, "sites"))
		return cmd_sites(a, b);
	if (!strcmp(cmd, "fill"))
		return cmd_fill(a);
	if (!strcmp(cmd, "fillmore"))
		return cmd_fillmore(a, b, c, d);
	if (!strcmp(cmd, "mmapfill"))
		return cmd_mmapfill(a);
	if (!strcmp(cmd, "signal"))
		return cmd_signal(a);
	if (!strcmp(cmd, "fork"))
		return cmd_fork(a);
	if (!strcmp(cmd, "threads"))
		return cmd_threads((unsigned)a, b);
	fprintf(stderr, "usage: report_prog orders|count N SIZE|callers N SIZE|"
		"sites N SIZE|fill SIZE|fillmore SIZE N [MS [M]]|mmapfill SIZE|\n"
		"signal SIZE|threads T SIZE|fork SIZE\n");
	return 2;
}
