/* What machine.c shares with machine_file.c (profile files) and
 * machine_describe.c (the printed form); not part of machine.h's API.
 */
#ifndef GFPSHIM_MACHINE_IMPL_H
#define GFPSHIM_MACHINE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "machine/machine.h"

/* A size with K, M, G or T (powers of 1024) and at most the decimals the
 * unit makes whole (size.c). */
enum size_status { SIZE_OK, SIZE_SYNTAX, SIZE_OVERFLOW, SIZE_FRACTION };
enum size_status machine_size_parse(const char *text, uint64_t *out);

/* "16M", "1048572K", "3.5G" is printed "3584M": the largest exact unit. */
const char *machine_fmt_size(char *buf, size_t len, uint64_t bytes);

/* The description's zone types in order, space-separated ("DMA32 Normal"). */
const char *machine_zone_list(const struct machine_desc *d, char *buf,
			      size_t len);

/* The architectures a description may name (machine.c). */
struct arch_info {
	const char *name;
	const char *alias;
	unsigned page_shifts;           /* bit n: PAGE_SHIFT n is supported */
	unsigned struct_page;           /* sizeof(struct page): the mem_map cost */
	uint64_t ram_base;              /* where `mem` puts RAM */
	uint64_t lowmem;                /* 32-bit: RAM above this is HighMem */
};
const struct arch_info *arch_find(const char *name);

/* The highest address a zone type may reach on the description's arch. */
uint64_t zone_limit(const struct machine_desc *d, enum zone_type t);

/* The CMA bytes inside zone z, not counting `skip`. */
uint64_t zone_cma_bytes(const struct machine_desc *d,
			const struct zone_desc *z, const struct cma_desc *skip);

#endif
