/* Sizes as profiles and variables write them ("512M", "3.5G", "65536")
 * and as descriptions print them ("3584M"). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "machine/machine.h"
#include "machine/machine_impl.h"

enum size_status machine_size_parse(const char *text, uint64_t *out)
{
	const char *p = text;
	unsigned __int128 whole = 0, frac = 0, scale = 1;

	if (*p < '0' || *p > '9')
		return SIZE_SYNTAX;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (unsigned)(*p - '0');
		if (whole > UINT64_MAX)
			return SIZE_OVERFLOW;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return SIZE_SYNTAX;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (scale > UINT64_MAX / 10)
				return SIZE_FRACTION;
			frac = frac * 10 + (unsigned)(*p - '0');
			scale *= 10;
		}
	}
	unsigned shift = 0;
	switch (*p) {
	case 'k': case 'K': shift = 10; p++; break;
	case 'm': case 'M': shift = 20; p++; break;
	case 'g': case 'G': shift = 30; p++; break;
	case 't': case 'T': shift = 40; p++; break;
	}
	if (shift && (p[0] == 'i' || p[0] == 'I') && (p[1] == 'B' || p[1] == 'b'))
		p += 2;
	else if (shift && (p[0] == 'B' || p[0] == 'b'))
		p++;
	if (*p)
		return SIZE_SYNTAX;

	unsigned __int128 bytes = whole << shift;
	unsigned __int128 part = frac << shift;
	if (part % scale)
		return SIZE_FRACTION;
	bytes += part / scale;
	if (bytes > UINT64_MAX)
		return SIZE_OVERFLOW;
	*out = (uint64_t)bytes;
	return SIZE_OK;
}

int parse_size(const char *text, uint64_t *out)
{
	return machine_size_parse(text, out) == SIZE_OK ? 0 : -1;
}

const char *machine_fmt_size(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "KMGT";
	int u = -1;
	while (u < 3 && bytes && (bytes & 1023) == 0) {
		bytes >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)bytes, units[u]);
	return buf;
}
