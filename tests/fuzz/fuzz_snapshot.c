/* Snapshot files (GFPSHIM_SNAPSHOT, gfpshim map): read and checked, then
 * summed per zone as map does. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "report/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snapshot s;
	static struct snap_totals t;
	static int fd = -1;
	char path[64];
	struct gfp_error err = { { 0 } };

	if (fd < 0)
		fd = memfd_create("snapshot", 0);
	FUZZ_ASSERT(fd >= 0, "memfd_create");
	FUZZ_ASSERT(ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) ==
		    (ssize_t)size, "writing the input");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (snapshot_read_file(path, &s, &err) < 0) {
		FUZZ_ASSERT(err.msg[0], "refused with no message");
		return 0;
	}
	snapshot_totals(&s, -1, &t);
	for (unsigned z = 0; z < s.hdr.nr_zones; z++)
		snapshot_totals(&s, (int)z, &t);
	snapshot_release(&s);
	return 0;
}
