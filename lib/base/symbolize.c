/* Address → object and function, from the objects' own ELF symbol tables.
 *
 * Objects are found with dl_iterate_phdr() and kept in a fixed table that
 * only grows (a refresh runs when an address falls outside every known
 * object and the loader reports new objects).  An object's file is mapped
 * read-only the first time one of its addresses needs a name; its function
 * symbols (.symtab, else .dynsym) are copied into an address-sorted index in
 * mapped memory, searched by bisection.  Names point into the file mapping,
 * which stays until exit.  A small direct-mapped cache in front of all this
 * makes repeated lookups of the same return address cheap; its slots are
 * seqlocked, so readers never wait.
 */
#include "config.h"

#include "base/stack.h"
#include "base/prim.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_OBJECTS     128
#define OBJ_PATH_MAX    512
#define SYM_CACHE_SLOTS 1024    /* power of two */

struct sym_entry {
	uintptr_t start;        /* st_value: link-time address */
	uint32_t name;          /* offset in the string table */
	uint32_t size : 30;
	uint32_t bind : 2;      /* 0 global, 1 weak, 2 local: lower is preferred */
};

struct elf_object {
	uintptr_t bias;         /* dlpi_addr: runtime = link-time + bias */
	uintptr_t lo, hi;       /* span of the PT_LOAD segments, runtime */
	bool main_program;
	char path[OBJ_PATH_MAX];
	const char *base;       /* basename, inside path */
	uint64_t base_hash;

	/* symbol index: built under g_lock, published by `ready` */
	_Atomic int ready;      /* 0: not tried; 1: built; -1: no symbols */
	const struct sym_entry *syms;
	size_t nsyms;
	const char *strtab;
	size_t strsz;
};

static struct elf_object g_obj[MAX_OBJECTS];
static atomic_uint g_nr_obj;
static unsigned long long g_adds;       /* dlpi_adds at the last refresh */
static atomic_bool g_overlap;           /* a new object reuses an old range */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

struct sym_cache_slot {
	atomic_uint seq;        /* odd while a writer fills the slot */
	_Atomic uintptr_t addr; /* lookup address (ip, or ip − 1) */
	_Atomic uintptr_t start;
	_Atomic uintptr_t size;
	_Atomic(const char *) func;
	atomic_uint obj;        /* object index + 1 */
};

static struct sym_cache_slot g_cache[SYM_CACHE_SLOTS];

/* This thread holds g_lock: a signal handler that symbolizes on the same
 * thread must not wait for it. */
static __thread bool tls_locked __attribute__((tls_model("initial-exec")));

static bool table_lock(void)
{
	if (tls_locked)
		return false;
	pthread_mutex_lock(&g_lock);
	tls_locked = true;
	return true;
}

static void table_unlock(void)
{
	tls_locked = false;
	pthread_mutex_unlock(&g_lock);
}

void stack_fork_prepare(void)
{
	pthread_mutex_lock(&g_lock);
}

void stack_fork_parent(void)
{
	pthread_mutex_unlock(&g_lock);
}

void stack_fork_child(void)
{
	pthread_mutex_unlock(&g_lock);
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	return h;
}

/* ---- the object table --------------------------------------------------- */

struct refresh_arg {
	bool first;
	bool changed;
};

static bool object_known(uintptr_t bias, uintptr_t lo, const char *name)
{
	unsigned n = atomic_load_explicit(&g_nr_obj, memory_order_relaxed);
	for (unsigned i = 0; i < n; i++)
		if (g_obj[i].bias == bias && g_obj[i].lo == lo &&
		    (g_obj[i].main_program ? !*name :
		     strcmp(g_obj[i].path, name) == 0))
			return true;
	return false;
}

static int refresh_one(struct dl_phdr_info *info, size_t size, void *data)
{
	struct refresh_arg *arg = data;
	bool main_program = arg->first;

	arg->first = false;
	if (main_program) {
		if (info->dlpi_adds == g_adds && g_adds)
			return 1;       /* nothing was loaded since last time */
		g_adds = info->dlpi_adds;
		arg->changed = true;
	}

	const char *name = info->dlpi_name ? info->dlpi_name : "";
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t s = info->dlpi_addr + ph->p_vaddr;
		if (s < lo)
			lo = s;
		if (s + ph->p_memsz > hi)
			hi = s + ph->p_memsz;
	}
	if (lo >= hi || object_known(info->dlpi_addr, lo, name))
		return 0;

	unsigned n = atomic_load_explicit(&g_nr_obj, memory_order_relaxed);
	if (n == MAX_OBJECTS)
		return 1;
	for (unsigned i = 0; i < n; i++)
		if (g_obj[i].lo < hi && lo < g_obj[i].hi)
			atomic_store(&g_overlap, true);
	struct elf_object *o = &g_obj[n];
	o->bias = info->dlpi_addr;
	o->lo = lo;
	o->hi = hi;
	o->main_program = main_program && !*name;
	if (o->main_program) {
		if (prim_readlink("/proc/self/exe", o->path, sizeof(o->path)) < 0)
			strcpy(o->path, "main");
	} else {
		size_t len = strlen(name);
		if (len >= sizeof(o->path))
			len = sizeof(o->path) - 1;
		memcpy(o->path, name, len);
		o->path[len] = '\0';
	}
	const char *slash = strrchr(o->path, '/');
	o->base = slash ? slash + 1 : o->path;
	o->base_hash = fnv1a(o->base);
	atomic_store_explicit(&o->ready, 0, memory_order_relaxed);
	atomic_store_explicit(&g_nr_obj, n + 1, memory_order_release);
	return 0;
}

/* The object of the last hit on this thread: consecutive frames are
 * mostly in one object. */
static __thread int tls_hint __attribute__((tls_model("initial-exec")));

/* The newest object containing ip (an unloaded object's range may have
 * been reused), or -1. */
static int object_find(uintptr_t ip)
{
	unsigned n = atomic_load_explicit(&g_nr_obj, memory_order_acquire);
	int h = tls_hint;

	if ((unsigned)h < n && g_obj[h].lo <= ip && ip < g_obj[h].hi &&
	    !atomic_load_explicit(&g_overlap, memory_order_relaxed))
		return h;
	for (unsigned i = n; i-- > 0;)
		if (g_obj[i].lo <= ip && ip < g_obj[i].hi) {
			tls_hint = (int)i;
			return (int)i;
		}
	return -1;
}

static int object_lookup(uintptr_t ip)
{
	int i = object_find(ip);
	if (i >= 0)
		return i;

	struct refresh_arg arg = { true, false };
	if (!table_lock())
		return -1;
	dl_iterate_phdr(refresh_one, &arg);
	table_unlock();
	return arg.changed ? object_find(ip) : -1;
}

/* ---- symbol index ----------------------------------------------------- */

static unsigned leading_underscores(const char *s)
{
	unsigned n = 0;
	while (s[n] == '_')
		n++;
	return n;
}

/* Order by address; among aliases put the preferred name first: fewer
 * leading underscores ("malloc" over "__libc_malloc"), then global over
 * weak over local, then the shorter name. */
static int sym_cmp(const struct sym_entry *a, const struct sym_entry *b,
		   const char *strtab)
{
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	const char *na = strtab + a->name, *nb = strtab + b->name;
	unsigned ua = leading_underscores(na), ub = leading_underscores(nb);
	if (ua != ub)
		return ua < ub ? -1 : 1;
	if (a->bind != b->bind)
		return a->bind < b->bind ? -1 : 1;
	size_t la = strlen(na), lb = strlen(nb);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(na, nb);
}

static void sift_down(struct sym_entry *v, size_t root, size_t n,
		      const char *strtab)
{
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && sym_cmp(&v[child], &v[child + 1], strtab) < 0)
			child++;
		if (sym_cmp(&v[root], &v[child], strtab) >= 0)
			return;
		struct sym_entry t = v[root];
		v[root] = v[child];
		v[child] = t;
		root = child;
	}
}

/* Heapsort: libc's qsort() may allocate. */
static void sym_sort(struct sym_entry *v, size_t n, const char *strtab)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(v, i, n, strtab);
	for (size_t end = n; end > 1; end--) {
		struct sym_entry t = v[0];
		v[0] = v[end - 1];
		v[end - 1] = t;
		sift_down(v, 0, end - 1, strtab);
	}
}

static const ElfW(Shdr) *find_section(const ElfW(Ehdr) *eh, size_t fsize,
				      unsigned type)
{
	const ElfW(Shdr) *sh = (const void *)((const char *)eh + eh->e_shoff);
	for (unsigned i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == type && sh[i].sh_size &&
		    sh[i].sh_offset + sh[i].sh_size <= fsize &&
		    sh[i].sh_entsize == sizeof(ElfW(Sym)) &&
		    sh[i].sh_link < eh->e_shnum)
			return &sh[i];
	return NULL;
}

static bool elf_header_ok(const ElfW(Ehdr) *eh, size_t fsize)
{
	return fsize >= sizeof(*eh) &&
	       memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
	       eh->e_ident[EI_CLASS] == (sizeof(void *) == 8 ? ELFCLASS64 :
					 ELFCLASS32) &&
	       eh->e_shentsize == sizeof(ElfW(Shdr)) &&
	       eh->e_shoff && eh->e_shoff < fsize &&
	       eh->e_shnum <= (fsize - eh->e_shoff) / sizeof(ElfW(Shdr));
}

static int load_symbols(struct elf_object *o)
{
	const char *path = o->main_program ? "/proc/self/exe" : o->path;
	size_t fsize;
	int fd = prim_open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (prim_file_size(fd, &fsize) < 0 || fsize == 0) {
		prim_close(fd);
		return -1;
	}
	const ElfW(Ehdr) *eh = prim_mmap(NULL, fsize, PROT_READ, MAP_PRIVATE,
					 fd, 0);
	prim_close(fd);
	if (eh == MAP_FAILED)
		return -1;
	if (!elf_header_ok(eh, fsize))
		goto unmap;

	const ElfW(Shdr) *symsec = find_section(eh, fsize, SHT_SYMTAB);
	if (!symsec)
		symsec = find_section(eh, fsize, SHT_DYNSYM);
	if (!symsec)
		goto unmap;
	const ElfW(Shdr) *strsec =
		(const ElfW(Shdr) *)((const char *)eh + eh->e_shoff) +
		symsec->sh_link;
	if (strsec->sh_offset + strsec->sh_size > fsize || !strsec->sh_size)
		goto unmap;
	const char *strtab = (const char *)eh + strsec->sh_offset;
	size_t strsz = strsec->sh_size;
	const ElfW(Sym) *sym = (const void *)((const char *)eh + symsec->sh_offset);
	size_t nsym = symsec->sh_size / sizeof(*sym);

	size_t count = 0;
	for (size_t i = 0; i < nsym; i++) {
		unsigned t = ELF64_ST_TYPE(sym[i].st_info);
		if ((t == STT_FUNC || t == STT_GNU_IFUNC) &&
		    sym[i].st_shndx != SHN_UNDEF && sym[i].st_size &&
		    sym[i].st_name && sym[i].st_name < strsz)
			count++;
	}
	if (!count)
		goto unmap;
	struct sym_entry *v = prim_map(count * sizeof(*v));
	if (!v)
		goto unmap;
	size_t k = 0;
	for (size_t i = 0; i < nsym && k < count; i++) {
		unsigned t = ELF64_ST_TYPE(sym[i].st_info);
		if (!((t == STT_FUNC || t == STT_GNU_IFUNC) &&
		      sym[i].st_shndx != SHN_UNDEF && sym[i].st_size &&
		      sym[i].st_name && sym[i].st_name < strsz))
			continue;
		unsigned b = ELF64_ST_BIND(sym[i].st_info);
		v[k].start = sym[i].st_value;
		v[k].name = sym[i].st_name;
		v[k].size = sym[i].st_size < (1u << 30) ? sym[i].st_size :
			    (1u << 30) - 1;
		v[k].bind = b == STB_GLOBAL ? 0 : b == STB_WEAK ? 1 : 2;
		k++;
	}
	/* a name that runs off the end of the table would be read past it */
	if (strtab[strsz - 1] != '\0')
		goto unmap_index;
	sym_sort(v, k, strtab);
	size_t n = 0;
	for (size_t i = 0; i < k; i++)
		if (n == 0 || v[n - 1].start != v[i].start)
			v[n++] = v[i];
	o->syms = v;
	o->nsyms = n;
	o->strtab = strtab;
	o->strsz = strsz;
	return 1;

unmap_index:
	prim_unmap(v, count * sizeof(*v));
unmap:
	prim_unmap((void *)eh, fsize);
	return -1;
}

static bool object_symbols(struct elf_object *o)
{
	int r = atomic_load_explicit(&o->ready, memory_order_acquire);
	if (r)
		return r > 0;
	if (!table_lock())
		return false;
	r = atomic_load_explicit(&o->ready, memory_order_relaxed);
	if (!r) {
		r = load_symbols(o);
		atomic_store_explicit(&o->ready, r, memory_order_release);
	}
	table_unlock();
	return r > 0;
}

/* The function of object o containing link-time address a, or NULL. */
static const struct sym_entry *sym_find(const struct elf_object *o,
					uintptr_t a)
{
	size_t lo = 0, hi = o->nsyms;
	while (lo < hi) {               /* first entry with start > a */
		size_t mid = lo + (hi - lo) / 2;
		if (o->syms[mid].start <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* a nested symbol may hide the one that contains a: look back a bit */
	for (size_t i = lo, steps = 0; i-- > 0 && steps < 16; steps++)
		if (a - o->syms[i].start < o->syms[i].size)
			return &o->syms[i];
	return NULL;
}

/* ---- the cache and the public lookups ---------------------------------- */

static bool cache_get(uintptr_t addr, struct frame_info *fi)
{
	struct sym_cache_slot *s = &g_cache[(addr >> 2) & (SYM_CACHE_SLOTS - 1)];
	unsigned seq = atomic_load_explicit(&s->seq, memory_order_acquire);
	if (seq & 1)
		return false;
	uintptr_t a = atomic_load_explicit(&s->addr, memory_order_relaxed);
	uintptr_t start = atomic_load_explicit(&s->start, memory_order_relaxed);
	uintptr_t size = atomic_load_explicit(&s->size, memory_order_relaxed);
	const char *func = atomic_load_explicit(&s->func, memory_order_relaxed);
	unsigned obj = atomic_load_explicit(&s->obj, memory_order_relaxed);
	atomic_thread_fence(memory_order_acquire);
	if (atomic_load_explicit(&s->seq, memory_order_relaxed) != seq ||
	    a != addr || !obj)
		return false;
	const struct elf_object *o = &g_obj[obj - 1];
	fi->func = func;
	fi->off = func ? fi->ip - start : 0;
	fi->size = size;
	fi->object = o->base;
	fi->obj_off = fi->ip - o->bias;
	fi->main_program = o->main_program;
	return true;
}

static void cache_put(uintptr_t addr, const struct frame_info *fi,
		      unsigned obj)
{
	struct sym_cache_slot *s = &g_cache[(addr >> 2) & (SYM_CACHE_SLOTS - 1)];
	unsigned seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
	if ((seq & 1) ||
	    !atomic_compare_exchange_strong_explicit(&s->seq, &seq, seq + 1,
						     memory_order_acquire,
						     memory_order_relaxed))
		return;         /* another writer has it: skip caching */
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&s->addr, addr, memory_order_relaxed);
	atomic_store_explicit(&s->start, fi->ip - fi->off, memory_order_relaxed);
	atomic_store_explicit(&s->size, fi->size, memory_order_relaxed);
	atomic_store_explicit(&s->func, fi->func, memory_order_relaxed);
	atomic_store_explicit(&s->obj, obj + 1, memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}

bool stack_object_of(uintptr_t ip, const char **object, uintptr_t *obj_off,
		     bool *main_program)
{
	int saved = errno;
	int i = object_lookup(ip);
	errno = saved;
	if (i < 0)
		return false;
	*object = g_obj[i].base;
	*obj_off = ip - g_obj[i].bias;
	if (main_program)
		*main_program = g_obj[i].main_program;
	return true;
}

/* For stack_hash(): the object's basename hash and ip's offset in it. */
bool stack_object_key(uintptr_t ip, uint64_t *base_hash, uintptr_t *obj_off)
{
	int saved = errno;
	int i = object_lookup(ip);
	errno = saved;
	if (i < 0)
		return false;
	*base_hash = g_obj[i].base_hash;
	*obj_off = ip - g_obj[i].bias;
	return true;
}

bool stack_symbolize(uintptr_t ip, bool is_return, struct frame_info *fi)
{
	uintptr_t addr = is_return && ip ? ip - 1 : ip;

	memset(fi, 0, sizeof(*fi));
	fi->ip = ip;
	if (cache_get(addr, fi))
		return true;

	int saved = errno;
	int i = object_lookup(addr);
	if (i < 0) {
		errno = saved;
		return false;
	}
	struct elf_object *o = &g_obj[i];
	fi->object = o->base;
	fi->obj_off = ip - o->bias;
	fi->main_program = o->main_program;
	if (object_symbols(o)) {
		const struct sym_entry *e = sym_find(o, addr - o->bias);
		if (e) {
			fi->func = o->strtab + e->name;
			fi->off = ip - (e->start + o->bias);
			fi->size = e->size;
		}
	}
	cache_put(addr, fi, (unsigned)i);
	errno = saved;
	return true;
}

size_t stack_format_frame(const struct frame_info *fi, char *buf, size_t len)
{
	int n;
	bool module = fi->object && !fi->main_program;

	if (fi->func)
		n = snprintf(buf, len, "%s+0x%lx/0x%lx%s%s%s", fi->func,
			     (unsigned long)fi->off, (unsigned long)fi->size,
			     module ? " [" : "", module ? fi->object : "",
			     module ? "]" : "");
	else
		n = snprintf(buf, len, "0x%lx%s%s%s", (unsigned long)fi->ip,
			     module ? " [" : "", module ? fi->object : "",
			     module ? "]" : "");
	return n < 0 ? 0 : (size_t)n;
}
