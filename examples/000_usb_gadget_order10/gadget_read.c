/* seed000: a USB gadget on a C-SKY board (Linux 4.9.56).  An application
 * leaks memory for hours — anonymous, movable memory, which the page
 * allocator serves from MIGRATE_MOVABLE pageblocks and then from CMA — and
 * when MemFree is down to about 260 MB a read on the gadget's source/sink
 * function queues a request: alloc_ep_req() allocates its 4 MiB buffer
 * with kmalloc(len, GFP_ATOMIC).  That is kmalloc_order(): an order-10
 * compound page, unmovable, so the free 4 MiB CMA blocks do not count.
 *
 *   gadget_read             leak, then read
 *   gadget_read --no-leak   read on the freshly booted board
 *
 * Exit status: 0 when the read got its buffer, 1 when alloc_ep_req failed.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <gfpshim/gfpshim.h>
#include <gfpshim/kernel.h>

#define LEAK_CHUNK      (1UL << 20)
#define LEAK_UNTIL_FREE (260UL << 20)   /* MemFree when warn_alloc fired */
#define BULK_BUFLEN     (4UL << 20)

struct usb_request {
	void *buf;
	size_t length;
};

/* Hours of kernel work before the leak: 2 KiB buffers come and go, one in
 * 64 stays (a cached descriptor).  Their slabs turn pageblocks unmovable,
 * and the free space left in those pageblocks is what the movable leak
 * does not take while CMA still has room (__rmqueue() on 4.9: MOVABLE,
 * then CMA, then stealing). */
#define WORK_BUFS 12288
static void *work[WORK_BUFS];

static __attribute__((noinline)) void kernel_work(void)
{
	for (int i = 0; i < WORK_BUFS; i++)
		work[i] = kmalloc(2048, GFP_KERNEL);
	for (int i = 0; i < WORK_BUFS; i++)
		if (i % 64)
			kfree(work[i]);
}

/* The application's leak: anonymous memory touched and never unmapped. */
static __attribute__((noinline)) unsigned long leak_memory(void)
{
	struct gfpshim_stats st;
	unsigned long leaked = 0;

	while (gfpshim_get_stats(&st, sizeof(st)) == 0 &&
	       st.free_pages * st.page_size > LEAK_UNTIL_FREE) {
		void *p = mmap(NULL, LEAK_CHUNK, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			break;
		memset(p, 0xa5, LEAK_CHUNK);
		leaked += LEAK_CHUNK;
	}
	return leaked;
}

static __attribute__((noinline)) struct usb_request *
alloc_ep_req(size_t len)
{
	static struct usb_request req;
	req.length = len;
	req.buf = kmalloc(req.length, GFP_ATOMIC);
	return req.buf ? &req : NULL;
}

static __attribute__((noinline)) int source_sink_recv(void)
{
	struct usb_request *req = alloc_ep_req(BULK_BUFLEN);
	if (!req)
		return -1;
	memset(req->buf, 0, req->length);
	kfree(req->buf);
	return 0;
}

static __attribute__((noinline)) int usb_sourcesink_bulk_read(void)
{
	return source_sink_recv();
}

static __attribute__((noinline)) int usb_sourcesink_read(void)
{
	return usb_sourcesink_bulk_read();
}

int main(int argc, char **argv)
{
	int leak = 1;
	if (argc == 2 && strcmp(argv[1], "--no-leak") == 0)
		leak = 0;
	else if (argc != 1) {
		fprintf(stderr, "usage: %s [--no-leak]\n", argv[0]);
		return 2;
	}
	kernel_work();
	if (leak)
		printf("leaked %lu MiB of anonymous memory\n", leak_memory() >> 20);
	if (usb_sourcesink_read() < 0) {
		printf("usb_sourcesink_read: alloc_ep_req failed (-ENOMEM)\n");
		return 1;
	}
	printf("usb_sourcesink_read: 4 MiB request queued\n");
	return 0;
}
