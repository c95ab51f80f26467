/* seed004: a kernel module keeps one `struct ip_entry` per source range,
 * with a hit counter per possible CPU.  With NR_CPUS=8192 (distro x86_64
 * kernels) that is 65640 bytes: above KMALLOC_MAX_CACHE_SIZE, so kmalloc()
 * hands the request to the buddy allocator as an order-5 (128 KiB)
 * compound page.  On a heap with no free block of 64 KiB or more the
 * allocation fails ("Failed to allocate memory for ip_entry"); after
 * `echo 1 > /proc/sys/vm/compact_memory` it succeeds.
 *
 *   ip_entry               buddyinfo, the failing insert, compaction,
 *                          buddyinfo again, the insert again
 *   ip_entry --no-compact  stop after the failing insert
 *   ip_entry --gfp-kernel  the insert asked with GFP_KERNEL, which may
 *                          compact directly (an order above
 *                          PAGE_ALLOC_COSTLY_ORDER compacts first)
 *
 * Exit status: 0 when the entry was finally inserted, 1 when it was not.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <gfpshim/gfpshim.h>
#include <gfpshim/kernel.h>

#define NR_CPUS 8192

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
};

struct interval_tree_node {
	struct rb_node rb;
	unsigned long start;
	unsigned long last;
	unsigned long __subtree_last;
};

struct ip_entry {
	struct rcu_head rhead;
	struct ip_entry *next;
	struct ip_entry **pprev;
	struct interval_tree_node node;
	int type;
	uint32_t saddr;
	uint32_t mask;
	int64_t timestamp;
	uint64_t nr_hits[NR_CPUS];
};

_Static_assert(sizeof(struct ip_entry) == 65640,
	       "the article measured sizeof(struct ip_entry) = 65640");

static struct ip_entry *ip_table;
static gfp_t entry_gfp = GFP_ATOMIC;

static void show_buddyinfo(const char *when)
{
	char buf[2048];
	gfpshim_buddyinfo(buf, sizeof(buf));
	printf("# cat /proc/buddyinfo   (%s)\n%s", when, buf);
}

/* The insert runs in the packet path, under the table's spinlock: the
 * entry is asked for with GFP_ATOMIC, which may neither reclaim nor
 * compact. */
static __attribute__((noinline)) struct ip_entry *
ip_entry_alloc(uint32_t saddr, uint32_t mask)
{
	struct ip_entry *e = kmalloc(sizeof(*e), entry_gfp);
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->saddr = saddr;
	e->mask = mask;
	return e;
}

static __attribute__((noinline)) int ip_entry_insert(uint32_t saddr,
						     uint32_t mask)
{
	struct ip_entry *e = ip_entry_alloc(saddr, mask);
	if (!e) {
		printf("ipfilter: Failed to allocate memory for ip_entry\n");
		return -1;
	}
	e->next = ip_table;
	ip_table = e;
	printf("ipfilter: ip_entry %#x/%#x inserted (%zu bytes)\n", saddr, mask,
	       ksize(e));
	return 0;
}

int main(int argc, char **argv)
{
	int compact = 1;
	if (argc == 2 && strcmp(argv[1], "--no-compact") == 0) {
		compact = 0;
	} else if (argc == 2 && strcmp(argv[1], "--gfp-kernel") == 0) {
		entry_gfp = GFP_KERNEL;
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [--no-compact | --gfp-kernel]\n",
			argv[0]);
		return 2;
	}
	printf("sizeof(struct ip_entry) = %zu: order %u\n",
	       sizeof(struct ip_entry), get_order(sizeof(struct ip_entry)));
	show_buddyinfo("before");
	if (ip_entry_insert(0x0a000000, 0xff000000) == 0)
		return 0;
	if (!compact)
		return 1;
	printf("# echo 1 > /proc/sys/vm/compact_memory\n");
	printf("compaction moved %ld pages\n", gfpshim_compact_memory());
	show_buddyinfo("after compaction");
	return ip_entry_insert(0x0a000000, 0xff000000) < 0;
}
