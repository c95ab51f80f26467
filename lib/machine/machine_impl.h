/* What machine.c shares with machine_file.c (profile files) and
 * machine_describe.c (the printed form); not part of machine.h's API.
 */
#ifndef GFPSHIM_MACHINE_IMPL_H
#define GFPSHIM_MACHINE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "machine/machine.h"

/* "16M", "1048572K", "3.5G" is printed "3584M": the largest exact unit. */
const char *machine_fmt_size(char *buf, size_t len, uint64_t bytes);

/* The description's zone types in order, space-separated ("DMA32 Normal"). */
const char *machine_zone_list(const struct machine_desc *d, char *buf,
			      size_t len);

#endif
