/* A program with three allocation sites for tests/cmd/sweep.sh:
 *   read_config   fails cleanly: a message and exit status 3
 *   make_buffer   copes: runs without the buffer, exit status 0
 *   copy_name     does not check for NULL: SIGSEGV in store_name
 * It writes with write(2), so that stdio makes no allocations of its own.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void say(const char *s)
{
	if (write(2, s, strlen(s)) < 0)
		_exit(4);
}

__attribute__((noinline)) static int read_config(void)
{
	char *cfg = malloc(96);
	if (!cfg) {
		say("sweep_target: no memory for the configuration\n");
		return -1;
	}
	strcpy(cfg, "verbose=1");
	free(cfg);
	return 0;
}

__attribute__((noinline)) static void make_buffer(void)
{
	char *buf = malloc(3000);
	if (!buf) {
		say("sweep_target: running without a buffer\n");
		return;
	}
	memset(buf, 0, 3000);
	free(buf);
}

/* The NULL dereference happens here, one call below the allocation, so
 * that the crash's own frames and the failed request's differ. */
__attribute__((noinline)) static void store_name(char *dst, const char *src)
{
	size_t i = 0;
	do
		dst[i] = src[i];
	while (src[i++]);
	__asm__ volatile("" ::: "memory");      /* no tail call, no strcpy */
}

__attribute__((noinline)) static void copy_name(const char *name)
{
	char *copy = malloc(strlen(name) + 1);
	store_name(copy, name);         /* the bug: no NULL check */
	say(copy);
	say("\n");
	free(copy);
}

int main(int argc, char **argv)
{
	if (read_config() < 0)
		return 3;
	make_buffer();
	copy_name(argc > 1 ? argv[1] : "sweep_target");
	return 0;
}
