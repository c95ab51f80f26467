/* GFPSHIM_CRASH_TRACE: when the program dies of SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE or SIGABRT, log the signal, the fault address and the top frames
 * of the crashed thread's own stack, then let it die of the same signal.
 *
 *   gfpshim: prog[4242]: crash: SIGSEGV (SEGV_MAPERR), fault address 0x0
 *   Crash trace:
 *    store_name+0x9/0x1d
 *    copy_name+0x2e/0x50
 *    __libc_start_call_main+0x7a/0xb0 [libc.so.6]
 *
 * or, with GFPSHIM_LOG=json:…, one {"type":"crash",…} line.
 *
 * Policy towards the program's own handlers:
 * - The handler is installed at boot only for a signal whose action is
 *   still SIG_DFL; a handler or SIG_IGN already there is left alone.
 * - sigaction() is not interposed.  A handler the program installs later
 *   replaces this one exactly as it would replace SIG_DFL, so the
 *   program's handlers see what they would see without the shim, and its
 *   crashes are then its own handler's to report.  A program that chains
 *   to the action it replaced gets the record and then the default action,
 *   which is what chaining to SIG_DFL does.
 *
 * The handler runs on an alternate signal stack (set up for the booting
 * thread when the program has none), so a stack overflow there is
 * reported too; on other threads it runs on the thread's stack, and a
 * stack overflow there kills the program as it would without the shim.
 * It allocates nothing and uses no stdio: the frames come from libunwind,
 * started at the context the kernel saved for the signal, the names from the symbolizer's mapped
 * ELF tables, and the record is formatted by hand and written with one
 * write(2) to the report sink.  A fault inside the reporter itself (an
 * unwinder reading a smashed stack) ends the trace where it got to.
 * Then the action goes back to SIG_DFL and the signal comes again: a fault
 * returns to the faulting instruction, which faults again; a signal that
 * was sent (abort(), raise(), kill) is sent again to the thread.  The exit
 * status and the core dump are the ones the program gets without the
 * shim.
 */
#include "config.h"

#include "shim/shim.h"

#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "base/prim.h"
#include "shim/reporting.h"
#include "base/stack.h"

#define CRASH_FRAMES     16             /* frames in the record */
#define CRASH_STACK_SIZE (64 * 1024)    /* the alternate signal stack */
#define CRASH_RECORD_MAX 8192

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };

/* The one thread writing a record, and where it escapes to when the
 * reporter itself faults. */
static _Atomic pid_t reporter;
static _Atomic bool reported;
static sigjmp_buf escape;
static volatile int stage;              /* 1 unwinding, 2 writing, 3 done */
static uintptr_t crash_ip[CRASH_FRAMES];
static volatile unsigned crash_nr;

/* ---- names -------------------------------------------------------------- */

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	default: return "SIGABRT";
	}
}

/* si_code names, include/uapi/asm-generic/siginfo.h; NULL: unnamed. */
static const char *code_name(int sig, int code)
{
	static const char *const segv[] = { NULL, "SEGV_MAPERR",
		"SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR", "SEGV_ACCADI",
		"SEGV_ADIDERR", "SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR",
		"SEGV_CPERR" };
	static const char *const bus[] = { NULL, "BUS_ADRALN", "BUS_ADRERR",
		"BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO" };
	static const char *const ill[] = { NULL, "ILL_ILLOPC", "ILL_ILLOPN",
		"ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG",
		"ILL_COPROC", "ILL_BADSTK", "ILL_BADIADDR" };
	static const char *const fpe[] = { NULL, "FPE_INTDIV", "FPE_INTOVF",
		"FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES",
		"FPE_FLTINV", "FPE_FLTSUB", NULL, NULL, NULL, NULL, NULL,
		"FPE_FLTUNK", "FPE_CONDTRAP" };
#define PICK(t) ((unsigned)code < sizeof(t) / sizeof(t[0]) ? t[code] : NULL)

	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TKILL: return "SI_TKILL";
	}
	if (code <= 0)
		return NULL;
	switch (sig) {
	case SIGSEGV: return PICK(segv);
	case SIGBUS: return PICK(bus);
	case SIGILL: return PICK(ill);
	case SIGFPE: return PICK(fpe);
	default: return NULL;
	}
#undef PICK
}

/* The kernel raised it for an instruction, and si_addr says where. */
static bool has_address(int sig, int code)
{
	return code > 0 && code != SI_KERNEL && sig != SIGABRT;
}

/* ---- a record without stdio ---------------------------------------------- */

struct out {
	char *buf;
	size_t len, cap;
};

static void put_n(struct out *o, const char *s, size_t n)
{
	if (n > o->cap - o->len)
		n = o->cap - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void put(struct out *o, const char *s)
{
	put_n(o, s, strlen(s));
}

static void put_unsigned(struct out *o, unsigned long v, unsigned base)
{
	char d[24];
	unsigned n = 0;

	do {
		d[sizeof(d) - ++n] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16)
		put(o, "0x");
	put_n(o, d + sizeof(d) - n, n);
}

/* A JSON string, escaped as logsink.c's json_string() escapes. */
static void put_json(struct out *o, const char *s)
{
	if (!s) {
		put(o, "null");
		return;
	}
	put(o, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			char e[2] = { '\\', (char)*p };
			put_n(o, e, 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			char e[6] = { '\\', 'u', '0', '0',
				      "0123456789abcdef"[*p >> 4],
				      "0123456789abcdef"[*p & 15] };
			put_n(o, e, 6);
		} else {
			put_n(o, (const char *)p, 1);
		}
	}
	put(o, "\"");
}

/* "func+0xoff/0xsize [module]", as stack_format_frame() prints a frame. */
static void put_frame(struct out *o, const struct frame_info *fi)
{
	bool module = fi->object && !fi->main_program;

	if (fi->func) {
		put(o, fi->func);
		put(o, "+");
		put_unsigned(o, fi->off, 16);
		put(o, "/");
		put_unsigned(o, fi->size, 16);
	} else {
		put_unsigned(o, fi->ip, 16);
	}
	if (module) {
		put(o, " [");
		put(o, fi->object);
		put(o, "]");
	}
}

static void put_frame_json(struct out *o, const struct frame_info *fi)
{
	put(o, "{\"addr\":\"");
	put_unsigned(o, fi->ip, 16);
	put(o, "\",\"func\":");
	put_json(o, fi->func);
	put(o, ",\"off\":");
	put_unsigned(o, fi->func ? fi->off : 0, 10);
	put(o, ",\"size\":");
	put_unsigned(o, fi->func ? fi->size : 0, 10);
	put(o, ",\"module\":");
	put_json(o, fi->object && !fi->main_program ? fi->object : NULL);
	put(o, "}");
}

/* ---- the stack ------------------------------------------------------------ */

/* The interrupted thread's frames into crash_ip[], unwound from the
 * context the kernel saved for the signal: the first is the instruction
 * that faulted.  libunwind's context on Linux is laid out as the kernel's
 * ucontext_t (on x86_64 it is that type), so the handler's third argument
 * serves as one. */
static void unwind_crash(void *uc)
{
	unw_cursor_t cur;
	unw_word_t ip;

	crash_nr = 0;
	if (unw_init_local2(&cur, (unw_context_t *)uc, UNW_INIT_SIGNAL_FRAME) < 0)
		return;
	do {
		if (unw_get_reg(&cur, UNW_REG_IP, &ip) < 0 || !ip)
			break;
		crash_ip[crash_nr] = (uintptr_t)ip;
		crash_nr = crash_nr + 1;
	} while (crash_nr < CRASH_FRAMES && unw_step(&cur) > 0);
}

/* ---- the record ----------------------------------------------------------- */

static void format_text(struct out *o, int sig, const siginfo_t *si,
			pid_t tid)
{
	const char *code = code_name(sig, si->si_code);

	put(o, "gfpshim: ");
	put(o, shim.comm);
	put(o, "[");
	put_unsigned(o, (unsigned long)tid, 10);
	put(o, "]: crash: ");
	put(o, signal_name(sig));
	put(o, " (");
	if (code) {
		put(o, code);
	} else {
		put(o, "si_code ");
		put_unsigned(o, (unsigned long)(long)si->si_code, 10);
	}
	if (si->si_code <= 0) {
		put(o, " from pid ");
		put_unsigned(o, (unsigned long)si->si_pid, 10);
	}
	put(o, ")");
	if (has_address(sig, si->si_code)) {
		put(o, ", fault address ");
		put_unsigned(o, (uintptr_t)si->si_addr, 16);
	}
	put(o, "\nCrash trace:\n");
	for (unsigned i = 0; i < crash_nr; i++) {
		struct frame_info fi;
		/* the first is the faulting instruction, the rest return
		 * addresses (looked up at ip - 1, as %pB does) */
		stack_symbolize(crash_ip[i], i > 0, &fi);
		put(o, " ");
		put_frame(o, &fi);
		put(o, "\n");
	}
}

static void format_json(struct out *o, int sig, const siginfo_t *si,
			pid_t tid)
{
	put(o, "{\"type\":\"crash\",\"comm\":");
	put_json(o, shim.comm);
	put(o, ",\"pid\":");
	put_unsigned(o, (unsigned long)tid, 10);
	put(o, ",\"signal\":\"");
	put(o, signal_name(sig));
	put(o, "\",\"signo\":");
	put_unsigned(o, (unsigned long)sig, 10);
	put(o, ",\"code\":");
	put_json(o, code_name(sig, si->si_code));
	put(o, ",\"si_code\":");
	if (si->si_code < 0)
		put(o, "-");
	put_unsigned(o, (unsigned long)(si->si_code < 0 ? -(long)si->si_code :
					si->si_code), 10);
	if (has_address(sig, si->si_code)) {
		put(o, ",\"addr\":\"");
		put_unsigned(o, (uintptr_t)si->si_addr, 16);
		put(o, "\"");
	}
	if (si->si_code <= 0) {
		put(o, ",\"sender\":");
		put_unsigned(o, (unsigned long)si->si_pid, 10);
	}
	put(o, ",\"frames\":[");
	for (unsigned i = 0; i < crash_nr; i++) {
		struct frame_info fi;
		stack_symbolize(crash_ip[i], i > 0, &fi);
		if (i)
			put(o, ",");
		put_frame_json(o, &fi);
	}
	put(o, "]}\n");
}

/* ---- the handler ---------------------------------------------------------- */

/* Back to the default action, and the signal again (see the top). */
static void die(int sig, const siginfo_t *si)
{
	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	if (si->si_code > 0 && sig != SIGABRT)
		return;         /* the instruction faults again */
	syscall(SYS_tgkill, (long)prim_getpid(), syscall(SYS_gettid), (long)sig);
}

static void on_crash(int sig, siginfo_t *si, void *uc)
{
	static char record[CRASH_RECORD_MAX];
	pid_t tid = (pid_t)syscall(SYS_gettid);
	pid_t none = 0;

	if (!atomic_compare_exchange_strong(&reporter, &none, tid)) {
		if (none == tid && stage < 3)   /* the reporter faulted */
			siglongjmp(escape, 1);
		/* another thread is writing its record: let it finish */
		struct timespec pause = { 0, 10 * 1000000 };
		for (int i = 0; i < 100 && none != tid &&
		     !atomic_load(&reported); i++)
			nanosleep(&pause, NULL);
		die(sig, si);
		return;
	}
	shim_enter();
	if (sigsetjmp(escape, 1) == 0) {
		stage = 1;
		unwind_crash(uc);
	}
	if (stage == 1) {
		if (sigsetjmp(escape, 1) == 0) {
			struct out o = { record, 0, sizeof(record) };
			stage = 2;
			if (logsink_json())
				format_json(&o, sig, si, tid);
			else
				format_text(&o, sig, si, tid);
			logsink_write(record, o.len);
		}
	}
	stage = 3;
	shim_leave();
	atomic_store(&reported, true);
	die(sig, si);
}

/* The booting thread's alternate signal stack, under a guard page, unless
 * the program has one. */
static void alt_stack(void)
{
	stack_t ss;
	size_t guard = shim.host_page;

	if (sigaltstack(NULL, &ss) == 0 && !(ss.ss_flags & SS_DISABLE))
		return;
	char *base = prim_reserve(CRASH_STACK_SIZE + guard, guard);
	if (!base || prim_commit(base + guard, CRASH_STACK_SIZE) < 0)
		return;         /* the handler runs on the thread's stack */
	ss.ss_sp = base + guard;
	ss.ss_size = CRASH_STACK_SIZE;
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
}

void shim_crash_init(void)
{
	struct sigaction sa, old;
	bool any = false;

	if (!shim.opt.crash_trace)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_crash;
	/* SA_NODEFER: a fault inside the reporter comes back to it */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]);
	     i++) {
		int sig = crash_signals[i];
		if (sigaction(sig, NULL, &old) < 0 ||
		    (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)
			continue;       /* the program's own action */
		if (sigaction(sig, &sa, NULL) == 0)
			any = true;
	}
	if (!any)
		return;
	alt_stack();
	/* libunwind's one-time set-up, here rather than in the handler */
	unw_context_t ctx;
	unw_cursor_t cur;
	if (unw_getcontext(&ctx) == 0 && unw_init_local(&cur, &ctx) == 0)
		unw_step(&cur);
}
