/* fork() while other threads allocate, then allocate in the child, check
 * the child's node, and exec a program (which runs under the shim too).
 *
 *   forkexec [rounds]
 *
 * A child that inherited a lock held by a thread that does not exist in
 * it would hang: the parent gives each child 20 seconds. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static atomic_int stop;

static void *churn(void *arg)
{
	uint64_t s = (uintptr_t)arg;
	void *keep[64] = { 0 };
	while (!atomic_load(&stop)) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		unsigned k = (unsigned)(s >> 58);
		free(keep[k]);
		keep[k] = malloc(1 + (size_t)(s >> 33) % 20000);
		if ((s >> 20) % 64 == 0) {
			void *m = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m != MAP_FAILED)
				munmap(m, 1 << 16);
		}
	}
	for (unsigned k = 0; k < 64; k++)
		free(keep[k]);
	return NULL;
}

/* In the child: the heap works, the node is consistent, exec works. */
static int child(int round)
{
	void *p[1000];
	for (int i = 0; i < 1000; i++) {
		p[i] = malloc((size_t)(i * 37 % 5000) + 1);
		if (!p[i])
			_exit(10);
		memset(p[i], i, (size_t)(i * 37 % 5000) + 1);
	}
	for (int i = 0; i < 1000; i++)
		free(p[i]);
	if (gfpshim_check) {
		char msg[256];
		if (gfpshim_check(msg, sizeof(msg)) != 0) {
			fprintf(stderr, "child %d: %s\n", round, msg);
			_exit(11);
		}
	}
	if (round % 2)
		execl("/bin/sh", "sh", "-c", "exit 7", (char *)NULL);
	else
		execl("/bin/true", "true", (char *)NULL);
	_exit(12);
}

static int wait_child(pid_t pid, int *status)
{
	for (int i = 0; i < 2000; i++) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return -1;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 40;
	pthread_t tid[3];
	int hung = 0, bad = 0;

	for (int t = 0; t < 3; t++)
		pthread_create(&tid[t], NULL, churn, (void *)(uintptr_t)(t + 1));
	for (int r = 0; r < rounds; r++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			printf("Bail out! fork: %s\n", strerror(errno));
			return 1;
		}
		if (pid == 0)
			child(r);
		int status;
		if (wait_child(pid, &status) < 0) {
			hung++;
			continue;
		}
		int want = r % 2 ? 7 : 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != want) {
			bad++;
			printf("# round %d: child status %#x\n", r, status);
		}
	}
	atomic_store(&stop, 1);
	for (int t = 0; t < 3; t++)
		pthread_join(tid[t], NULL);

	CHECK(hung == 0, "no child hung after fork");
	CHECK(bad == 0, "every child allocated, passed the checker and exec'd");
	if (gfpshim_check) {
		char msg[256] = "";
		int r = gfpshim_check(msg, sizeof(msg));
		CHECK(r == 0, "parent's node is consistent after the forks");
		if (r)
			printf("# %s\n", msg);
	}
	/* posix_spawn and system() fork too */
	CHECK(system("exit 3") == 3 << 8, "system() runs a shell");
	return done_testing();
}
