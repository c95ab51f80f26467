/* What a report needs to know of the kernel's build (CONFIG_CMA,
 * CONFIG_SWAP, CONFIG_TRANSPARENT_HUGEPAGE, the hugetlb page sizes),
 * derived from the machine; report.h struct report_kconfig. */
#include "config.h"

#include <string.h>

#include "report/report.h"

static bool arch_is(const struct pglist_data *pgdat, const char *arch)
{
	return pgdat->desc && strcmp(pgdat->desc->arch, arch) == 0;
}

/* hugetlb_add_hstate() order of the architectures the profiles describe:
 * x86_64 registers 1G (gbpages) then 2M; arm64's hugetlbpage_init()
 * registers PUD (4K pages only), CONT_PMD, PMD, CONT_PTE sizes. */
static void report_hstates(const struct pglist_data *pgdat,
			   struct report_kconfig *kc)
{
	unsigned shift = pgdat->page_shift;
	unsigned pmd_order = shift - 3;         /* one table level */

	kc->nr_hstates = 0;
	/* a kernel with CONFIG_HUGETLB_PAGE has pageblock_order =
	 * HUGETLB_PAGE_ORDER (pageblock-flags.h); one without it uses
	 * MAX_ORDER-1, which is how a profile says "no hugetlbfs" */
	if (pgdat->pageblock_order != pmd_order)
		return;
	if (arch_is(pgdat, "x86_64") && shift == 12) {
		kc->hstate_kb[kc->nr_hstates++] = 1048576;
		kc->hstate_kb[kc->nr_hstates++] = 2048;
	} else if (arch_is(pgdat, "arm64")) {
		unsigned long page_kb = 1UL << (shift - 10);
		unsigned long pmd_kb = page_kb << pmd_order;
		/* CONT_PTES / CONT_PMDS: 16/16 (4K), 128/32 (16K), 32/32 (64K) */
		unsigned cont_pte = shift == 12 ? 16 : shift == 14 ? 128 : 32;
		unsigned cont_pmd = shift == 12 ? 16 : 32;

		if (shift == 12)
			kc->hstate_kb[kc->nr_hstates++] = pmd_kb << pmd_order;
		kc->hstate_kb[kc->nr_hstates++] = pmd_kb * cont_pmd;
		kc->hstate_kb[kc->nr_hstates++] = pmd_kb;
		kc->hstate_kb[kc->nr_hstates++] = page_kb * cont_pte;
	}
}

void report_kconfig(const struct pglist_data *pgdat, struct report_kconfig *kc)
{
	bool distro = arch_is(pgdat, "x86_64") || arch_is(pgdat, "arm64");

	memset(kc, 0, sizeof(*kc));
	kc->cma = distro || pgdat->totalcma_pages ||
		(pgdat->desc && pgdat->desc->nr_cma);
	/* CONFIG_CMA selects CONFIG_MEMORY_ISOLATION */
	kc->memory_isolation = kc->cma;
	kc->swap = pgdat->total_swap_kb >= 0;
	kc->memory_failure = pgdat->nr_hwpoisoned >= 0;
	kc->thp = pgdat->desc && pgdat->desc->thp;
	report_hstates(pgdat, kc);
}
