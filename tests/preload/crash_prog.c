/* Crashes for tests/preload/crash.sh, one per mode, each in a function of
 * its own so that the crash record can be checked frame by frame:
 *   segv      writes to address 0x10 in fault_here() < level1() < main
 *   abort     abort() in give_up()
 *   fpe       an integer division by zero in divide()
 *   overflow  unbounded recursion in recurse(): the stack runs out
 *   thread    prints "pid N", then the NULL write in thread_fault() on
 *             a second thread
 *   recover   its own SIGSEGV handler (installed in main) jumps back
 *             past the fault; prints "recovered", exits 0
 *   chain     its own SIGSEGV handler says "own handler" on stderr and
 *             calls the action it replaced, as crash reporters do
 *   shared    two unchecked allocations at two call sites, both written
 *             by fill(): a sweep's two failures crash at one place
 *   actions   prints each crash signal's action: "default", "ignored"
 *             or "handler"
 * Each mode first makes two allocations that it checks, so that a sweep
 * has something to fail.  Output is write(2): stdio's streams allocate.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0)
		_exit(4);
}

__attribute__((noipa)) static void fault_here(volatile int *p)
{
	*p = 1;
	__asm__ volatile("" ::: "memory");
}

__attribute__((noipa)) static void level1(void)
{
	fault_here((volatile int *)0x10);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noipa)) static void give_up(void)
{
	abort();
}

__attribute__((noipa)) static int divide(volatile int a, volatile int b)
{
	return a / b;
}

__attribute__((noipa)) static unsigned recurse(volatile unsigned n)
{
	volatile char pad[256];
	pad[0] = (char)n;
	/* the stack runs out long before n wraps */
	return n == ~0u ? 0 : recurse(n + 1) + pad[0];
}

__attribute__((noipa)) static void thread_fault(void)
{
	fault_here(NULL);
	__asm__ volatile("" ::: "memory");
}

static void *thread_main(void *arg)
{
	(void)arg;
	thread_fault();
	return NULL;
}

__attribute__((noipa)) static char *name_buffer(void)
{
	char *p = malloc(64);
	__asm__ volatile("" : : "r"(p) : "memory");    /* no tail call */
	return p;
}

__attribute__((noipa)) static char *path_buffer(void)
{
	char *p = malloc(128);
	__asm__ volatile("" : : "r"(p) : "memory");    /* no tail call */
	return p;
}

__attribute__((noipa)) static void fill(char *p)
{
	memset(p, 'x', 63);     /* unchecked: NULL when the allocation failed */
	p[63] = '\0';
}

static sigjmp_buf back;

static void recover(int sig)
{
	(void)sig;
	siglongjmp(back, 1);
}

static struct sigaction replaced;

static void chain(int sig, siginfo_t *si, void *uc)
{
	say(2, "own handler\n");
	if (replaced.sa_flags & SA_SIGINFO)
		replaced.sa_sigaction(sig, si, uc);
	else if (replaced.sa_handler == SIG_DFL)
		signal(sig, SIG_DFL);
}

static void actions(void)
{
	static const struct { int sig; const char *name; } s[] = {
		{ SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" },
		{ SIGILL, "SIGILL" }, { SIGFPE, "SIGFPE" },
		{ SIGABRT, "SIGABRT" },
	};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		struct sigaction old;
		sigaction(s[i].sig, NULL, &old);
		say(1, s[i].name);
		say(1, (old.sa_flags & SA_SIGINFO) ? ": handler\n" :
		       old.sa_handler == SIG_DFL ? ": default\n" :
		       old.sa_handler == SIG_IGN ? ": ignored\n" : ": handler\n");
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	for (int i = 0; i < 2; i++) {
		char *p = malloc(100 + 900 * (size_t)i);
		if (!p) {
			say(2, "crash_prog: no memory\n");
			return 1;
		}
		memset(p, i, 100);
		free(p);
	}
	if (!strcmp(mode, "segv")) {
		level1();
	} else if (!strcmp(mode, "abort")) {
		give_up();
	} else if (!strcmp(mode, "fpe")) {
		return divide(1, 0);
	} else if (!strcmp(mode, "overflow")) {
		return (int)recurse(0);
	} else if (!strcmp(mode, "thread")) {
		pthread_t t;
		char line[32];
		snprintf(line, sizeof(line), "pid %d\n", (int)getpid());
		say(1, line);
		if (pthread_create(&t, NULL, thread_main, NULL))
			return 5;
		pthread_join(t, NULL);
	} else if (!strcmp(mode, "recover")) {
		signal(SIGSEGV, recover);
		if (!sigsetjmp(back, 1))
			level1();
		say(1, "recovered\n");
		return 0;
	} else if (!strcmp(mode, "chain")) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = chain;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, &replaced);
		level1();
	} else if (!strcmp(mode, "shared")) {
		char *name = name_buffer(), *path = path_buffer();
		fill(name);
		fill(path);
		free(name);
		free(path);
		return 0;
	} else if (!strcmp(mode, "actions")) {
		actions();
		return 0;
	} else {
		say(2, "usage: crash_prog segv|abort|fpe|overflow|thread|"
		    "recover|chain|shared|actions\n");
		return 2;
	}
	return 6;
}
