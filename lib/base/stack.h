/* Backtraces of the program: capture, symbolization, a stable hash.
 *
 * Capture (stack.c) walks the calling thread's stack with libunwind's local
 * unwinder and drops the shim's own frames from the top.  Symbolization
 * (symbolize.c) reads each object's ELF symbol table (.symtab, else
 * .dynsym) from a read-only mapping of its file, so static functions of a
 * program built without -rdynamic get their names.  Neither allocates from
 * the heap: mappings come from prim.h, tables are fixed.
 */
#ifndef GFPSHIM_STACK_H
#define GFPSHIM_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STACK_MAX_DEPTH 64

/* ip[0] is the innermost frame.  ip[0] may be the address of the current
 * instruction; every other entry is a return address. */
struct stack_trace {
	bool captured;          /* false: not taken yet (lazy capture) */
	unsigned nr;            /* frames in ip[]; 0 when capture was refused */
	uintptr_t ip[STACK_MAX_DEPTH];
};

static inline void stack_trace_init(struct stack_trace *st)
{
	st->captured = false;
	st->nr = 0;
}

/* Capture the calling thread's stack into st (up to STACK_MAX_DEPTH frames).
 * When `from` is not 0 it is a return address on the current stack
 * (__builtin_return_address(0) of a shim entry point): frames above it are
 * dropped, so ip[0] is `from` itself.  Then leading frames that lie in the
 * shim's own shared object are dropped (not when the shim is linked into
 * the program).  Returns st->nr; returns 0 when called again from inside a
 * capture on the same thread (the unwinder re-entered the allocator). */
unsigned stack_capture(struct stack_trace *st, uintptr_t from);

/* fork(): the symbolizer's lock, taken before and released after in both
 * processes (fault_fork_*() call these). */
void stack_fork_prepare(void);
void stack_fork_parent(void);
void stack_fork_child(void);

/* One frame, symbolized.  Strings point into mappings that live until the
 * process ends. */
struct frame_info {
	uintptr_t ip;
	const char *func;       /* NULL when no symbol covers ip */
	uintptr_t off;          /* ip − start of func */
	uintptr_t size;         /* size of func */
	const char *object;     /* basename of the object; NULL: no object */
	uintptr_t obj_off;      /* ip − the object's load bias */
	bool main_program;      /* the object is the executable */
};

/* Symbolize ip.  A return address (`is_return`) is looked up at ip − 1, as
 * the kernel's %pB does, so a call at the very end of a function still
 * names that function; off is always ip − start.  Returns false when ip is
 * in no loaded object (fi->object is then NULL). */
bool stack_symbolize(uintptr_t ip, bool is_return, struct frame_info *fi);

/* The object ip lies in, without reading symbols: basename and ip − bias.
 * Returns false when ip is in no loaded object. */
bool stack_object_of(uintptr_t ip, const char **object, uintptr_t *obj_off,
		     bool *main_program);

/* For stack_hash(): the hash of ip's object basename and ip − its bias. */
bool stack_object_key(uintptr_t ip, uint64_t *base_hash, uintptr_t *obj_off);

/* "glSetHifInfo+0x670/0x7c0" for the program, "malloc+0x1e/0x1a0
 * [libc.so.6]" outside it, "0x7f… [libc.so.6]" when no symbol covers ip.
 * snprintf semantics: returns the full length, writes at most len − 1
 * bytes and always NUL-terminates when len > 0. */
size_t stack_format_frame(const struct frame_info *fi, char *buf, size_t len);

/* Hash of the innermost `depth` frames that does not change between runs
 * under ASLR: each frame counts as (object basename, offset in object).
 * Never 0. */
uint64_t stack_hash(const struct stack_trace *st, unsigned depth);

#endif
