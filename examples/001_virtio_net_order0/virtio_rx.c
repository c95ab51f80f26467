/* seed001: virtio-net on a RHEL 8 arm64 guest (64K pages, 4.18).  Each
 * received packet's buffer is a fragment of a page that
 * skb_page_frag_refill() gets with alloc_page(GFP_ATOMIC): with 64K pages
 * SKB_FRAG_PAGE_ORDER is 0, so there is no high-order attempt first.  The
 * NAPI poll runs in softirq context on top of whatever task was running
 * (sfs_client), and the packets stay queued to a socket nobody reads, so
 * every refill takes a new page.  The zones have hundreds of MB free, but
 * below the boosted min watermark: an atomic order-0 request gets half of
 * min (__GFP_HIGH) and a quarter of the rest (ALLOC_HARDER) below it, and
 * when that is used up too, try_fill_recv() fails.
 *
 *   virtio_rx N   refill up to N receive buffers (default 100000)
 *
 * Exit status: 0 when every refill succeeded, 1 when one failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gfpshim/kernel.h>

#define RX_BUF_LEN 32768        /* a fragment of a 64K page */

struct page_frag {
	struct page *page;
	unsigned int offset;
	unsigned int size;
};

static struct page_frag frag;
static unsigned long pages_taken;

/* skb_page_frag_refill(): keep using the current page while the next
 * fragment fits; otherwise a new order-0 page. */
static __attribute__((noinline)) int skb_page_frag_refill(unsigned int sz,
							   struct page_frag *pfrag,
							   gfp_t gfp)
{
	if (pfrag->page && pfrag->offset + sz <= pfrag->size)
		return 1;
	pfrag->page = alloc_page(gfp);
	if (!pfrag->page)
		return 0;
	pages_taken++;
	pfrag->offset = 0;
	pfrag->size = (unsigned int)PAGE_SIZE;
	return 1;
}

/* add_recvbuf_mergeable(): one buffer from the frag page; the page stays
 * referenced by the queued skb. */
static __attribute__((noinline)) int add_recvbuf_mergeable(gfp_t gfp)
{
	if (!skb_page_frag_refill(RX_BUF_LEN, &frag, gfp))
		return -1;
	memset((char *)page_address(frag.page) + frag.offset, 0, RX_BUF_LEN);
	frag.offset += RX_BUF_LEN;
	return 0;
}

static __attribute__((noinline)) int try_fill_recv(unsigned long n, gfp_t gfp)
{
	for (unsigned long i = 0; i < n; i++)
		if (add_recvbuf_mergeable(gfp) < 0)
			return 0;       /* oom: the caller reschedules the refill */
	return 1;
}

static __attribute__((noinline)) int virtnet_poll(unsigned long n)
{
	return try_fill_recv(n, GFP_ATOMIC);
}

int main(int argc, char **argv)
{
	unsigned long n = 100000;
	if (argc == 2) {
		char *end;
		n = strtoul(argv[1], &end, 10);
		if (*end || !n) {
			fprintf(stderr, "usage: %s [BUFFERS]\n", argv[0]);
			return 2;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [BUFFERS]\n", argv[0]);
		return 2;
	}
	/* the heap starts below min for GFP_KERNEL: stdio must not malloc
	 * its buffer (that would be an OOM of its own) */
	static char outbuf[BUFSIZ];
	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	int ok = virtnet_poll(n);
	printf("virtio_net: %lu pages (%lu MiB) taken for receive buffers%s\n",
	       pages_taken, (pages_taken * PAGE_SIZE) >> 20,
	       ok ? "" : ", then try_fill_recv failed");
	return !ok;
}
