/* Where reports go (GFPSHIM_LOG) and their JSON-lines form.
 *
 *   stderr (default), stdout, fd:N   an open descriptor
 *   PATH                             a file, created if missing, appended
 *                                    to (O_APPEND); every "%p" in PATH is
 *                                    the pid, and a child after fork()
 *                                    opens its own file at its first report
 *   json:DEST                        any of the above, one JSON object per
 *                                    line instead of the kernel's text
 *
 * Each report is one write(2) of the whole text, so reports of threads and
 * processes sharing a file never interleave line by line.  The file is
 * opened before main (a destination that cannot be opened stops the
 * program, as every bad GFPSHIM_* value does); nothing here allocates.
 */
#include "config.h"

#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim/kernel_api.h"
#include "base/prim.h"
#include "shim/reporting.h"

static struct {
	bool parsed;
	bool json;
	bool per_pid;                   /* the path has "%p" */
	int fixed_fd;                   /* stderr, stdout, fd:N; -1: a path */
	const char *path;               /* the text after "json:" */
} dest;

static _Atomic int file_fd = -1;
static _Atomic pid_t file_pid;          /* the process file_fd was opened in */

static void dest_parse(void)
{
	if (dest.parsed)
		return;
	const char *s = shim.opt.log[0] ? shim.opt.log : "stderr";
	if (strncmp(s, "json:", 5) == 0) {
		dest.json = true;
		s += 5;
	}
	dest.path = s;
	dest.fixed_fd = -1;
	if (strcmp(s, "stderr") == 0)
		dest.fixed_fd = 2;
	else if (strcmp(s, "stdout") == 0)
		dest.fixed_fd = 1;
	else if (strncmp(s, "fd:", 3) == 0)
		dest.fixed_fd = (int)strtol(s + 3, NULL, 10);
	dest.per_pid = dest.fixed_fd < 0 && strstr(s, "%p") != NULL;
	dest.parsed = true;
}

/* PATH with every "%p" replaced by pid; false when it does not fit. */
static bool expand_path(char *out, size_t len, const char *path, pid_t pid)
{
	size_t o = 0;
	for (const char *p = path; *p; p++) {
		if (p[0] == '%' && p[1] == 'p') {
			int n = snprintf(out + o, len - o, "%d", (int)pid);
			if (n < 0 || (size_t)n >= len - o)
				return false;
			o += (size_t)n;
			p++;
			continue;
		}
		if (o + 1 >= len)
			return false;
		out[o++] = *p;
	}
	out[o] = '\0';
	return true;
}

static int open_file(pid_t pid, char *path, size_t len)
{
	if (!expand_path(path, len, dest.path, pid)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return prim_open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

/* The descriptor for this process, opening (or, after a fork with "%p",
 * re-opening) the file.  Two threads racing both open; one keeps its fd. */
static int sink_fd(void)
{
	dest_parse();
	if (dest.fixed_fd >= 0)
		return dest.fixed_fd;
	pid_t pid = prim_getpid();
	int fd = atomic_load_explicit(&file_fd, memory_order_acquire);
	if (fd >= 0 && (!dest.per_pid ||
			atomic_load_explicit(&file_pid, memory_order_relaxed) == pid))
		return fd;
	char path[512];
	int nfd = open_file(pid, path, sizeof(path));
	if (nfd < 0)
		return 2;       /* checked before main; only a later failure */
	if (atomic_compare_exchange_strong(&file_fd, &fd, nfd)) {
		atomic_store_explicit(&file_pid, pid, memory_order_relaxed);
		/* the parent's descriptor, inherited: ours now */
		if (fd >= 0)
			prim_close(fd);
		return nfd;
	}
	prim_close(nfd);
	return atomic_load_explicit(&file_fd, memory_order_acquire);
}

bool logsink_json(void)
{
	dest_parse();
	return dest.json;
}

void logsink_write(const char *text, size_t len)
{
	if (len)
		prim_write_all(sink_fd(), text, len);
}

/* Other kernel text the shim prints (kernel_api.c: WARN-like notes, the
 * CMA messages): as is, or in JSON mode one {"type":"message"} line. */
void report_write(const char *text, size_t len)
{
	if (!logsink_json()) {
		logsink_write(text, len);
		return;
	}
	char buf[4096], line[2048];
	struct sbuf sb = SBUF_INIT(buf, sizeof(buf));
	snprintf(line, sizeof(line), "%.*s", (int)len, text);
	sb_puts(&sb, "{\"type\":\"message\",\"text\":");
	sb_json_string(&sb, line);
	sb_puts(&sb, "}\n");
	logsink_write(buf, sb.len < sb.cap ? sb.len : sb.cap - 1);
}

void logsink_check(void)
{
	dest_parse();
	if (dest.fixed_fd >= 0)
		return;
	char path[512], msg[1024];
	int fd = open_file(prim_getpid(), path, sizeof(path));
	if (fd >= 0) {
		int none = -1;
		if (atomic_compare_exchange_strong(&file_fd, &none, fd))
			atomic_store(&file_pid, prim_getpid());
		else
			prim_close(fd);
		return;
	}
	int n = snprintf(msg, sizeof(msg),
			 "gfpshim: GFPSHIM_LOG=%s: cannot open %s: %s; expected "
			 "stderr, stdout, fd:N or a writable file (%%p: the pid), "
			 "optionally after json:\n", shim.opt.log, path,
			 strerror(errno));
	prim_write_all(2, msg, n > 0 ? (size_t)n : 0);
	syscall(SYS_exit_group, 2);
}

/* ---- JSON ---------------------------------------------------------------- */

static const char *const layer_names[NR_KHEAP_SITES] = {
	[KHEAP_SITE_SLAB] = "slab",
	[KHEAP_SITE_LARGE] = "large",
	[KHEAP_SITE_VMALLOC] = "vmalloc",
	[KHEAP_SITE_USER] = "user",
	[KHEAP_SITE_DMA] = "dma",
	[KHEAP_SITE_CMA] = "cma",
};

static const char *const type_names[] = {
	[FAILURE_SILENT] = "silent",
	[FAILURE_PAGE_ALLOC] = "page_alloc_failure",
	[FAILURE_SLAB] = "slab_out_of_memory",
	[FAILURE_VMALLOC] = "vmalloc_failure",
	[FAILURE_OOM] = "oom",
	[FAILURE_INJECTED] = "fault_injection",
};

static void json_frames(struct sbuf *sb, const struct failure_facts *ff)
{
	sb_puts(sb, "\"frames\":[");
	for (unsigned i = 0; i < ff->nr_frames; i++) {
		const struct report_frame *f = &ff->frames[i];
		sb_printf(sb, "%s{\"addr\":\"0x%lx\",\"func\":", i ? "," : "",
			  (unsigned long)f->addr);
		sb_json_string(sb, f->func);
		sb_printf(sb, ",\"off\":%lu,\"size\":%lu,\"module\":", f->off,
			  f->size);
		sb_json_string(sb, f->module);
		sb_puts(sb, "}");
	}
	sb_puts(sb, "]");
}

/* Each zone as show_mem() sees it: counters and watermarks in pages, the
 * buddy free blocks per order.  Read under zone->lock when it can be had. */
static void json_zones(struct sbuf *sb, struct pglist_data *pgdat)
{
	sb_puts(sb, "\"zones\":[");
	for (unsigned z = 0; z < pgdat->nr_zones; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		bool locked = pthread_mutex_trylock(&zone->lock) == 0;
		sb_printf(sb, "%s{\"name\":", z ? "," : "");
		sb_json_string(sb, zone->name);
		sb_printf(sb, ",\"free\":%ld,\"min\":%lu,\"low\":%lu,\"high\":%lu,"
			  "\"boost\":%lu,\"managed\":%lu,\"present\":%lu,"
			  "\"free_cma\":%ld,\"reserved_highatomic\":%lu,"
			  "\"buddy\":[",
			  zone->vm_stat[NR_FREE_PAGES], zone->_watermark[WMARK_MIN],
			  zone->_watermark[WMARK_LOW], zone->_watermark[WMARK_HIGH],
			  zone->watermark_boost, zone->managed_pages,
			  zone->present_pages, zone->vm_stat[NR_FREE_CMA_PAGES],
			  zone->nr_reserved_highatomic);
		for (unsigned o = 0; o < pgdat->nr_page_orders; o++)
			sb_printf(sb, "%s%lu", o ? "," : "",
				  zone->free_area[o].nr_free);
		if (locked)
			pthread_mutex_unlock(&zone->lock);
		sb_printf(sb, "]}");
	}
	sb_puts(sb, "]");
}

void logsink_json_failure(struct sbuf *sb, const struct failure_facts *ff)
{
	struct pglist_data *pgdat = ff->pgdat;
	const struct kheap_failure *f = ff->f;
	kver_t kv = pgdat->kv;
	uint32_t mask = gfp_to_kernel(ff->gfp, kv);
	char names[256], kvbuf[32];

	gfp_format_names(mask, kv, names, sizeof(names));
	sb_printf(sb, "{\"type\":\"%s\",\"time\":%lu.%06lu,\"comm\":",
		  type_names[ff->kind], (unsigned long)(ff->ns / 1000000000ULL),
		  (unsigned long)(ff->ns % 1000000000ULL / 1000));
	sb_json_string(sb, ff->task.comm);
	sb_printf(sb, ",\"pid\":%d,\"cpu\":%u,\"kernel\":\"%s\",\"release\":",
		  ff->task.pid, ff->task.cpu, kver_format(kv, kvbuf, sizeof(kvbuf)));
	sb_json_string(sb, pgdat->desc && pgdat->desc->release[0] ?
		    pgdat->desc->release : kvbuf);
	sb_printf(sb, ",\"layer\":\"%s\",\"size\":%zu,\"order\":%u,"
		  "\"mode\":%u,\"mode_hex\":\"0x%x\",\"mode_names\":",
		  layer_names[f->site], f->size, ff->order, mask, mask);
	sb_json_string(sb, names);
	sb_printf(sb, ",\"verdict\":\"%s\",\"suppressed\":%u", ff->verdict,
		  ff->suppressed);
	if (f->cache) {
		sb_puts(sb, ",\"cache\":");
		sb_json_string(sb, f->cache->name);
	}
	if (ff->kind == FAILURE_OOM)
		sb_printf(sb, ",\"oom_score_adj\":%d", ff->task.oom_score_adj);
	sb_puts(sb, ",\"rule\":");
	if (ff->v && ff->rule[0]) {
		/* the attribute line without "FAULT_INJECTION: …\n" */
		const char *attr = strchr(ff->attr, '\n');
		char line[160];
		snprintf(line, sizeof(line), "%s", attr ? attr + 1 : ff->attr);
		line[strcspn(line, "\n")] = '\0';
		sb_printf(sb, "{\"index\":%u,\"request\":%lu,\"text\":",
			  ff->v->rule, ff->v->nr_match);
		sb_json_string(sb, ff->rule);
		sb_puts(sb, ",\"fail_dump\":");
		sb_json_string(sb, line);
		/* full: the allocator's warn_alloc() report followed;
		 * kernel: fail_dump()'s lines alone, as the kernel prints */
		sb_printf(sb, ",\"report\":\"%s\"}",
			  ff->full_report ? "full" : "kernel");
	} else {
		sb_puts(sb, "null");
	}
	sb_puts(sb, ",");
	json_frames(sb, ff);
	sb_puts(sb, ",");
	json_zones(sb, pgdat);
	sb_puts(sb, "}\n");
}
