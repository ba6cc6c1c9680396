// runtime.c: boot, the knob table, and death.  See docs/boot.md.
//
// Boot order (rt_boot):
//   1. remember argc/argv;
//   2. parse the environment knobs once, through the table below, into
//      rt_knobs, which is read-only from then on;
//   3. self-check what the rest of the runtime takes for granted (atomics,
//      the TLS stack-limit slot), and throw if the machine disagrees;
//   4. give this thread (the first M) its stack limit: 0, since the main
//      thread's stack is a system stack on which split checks never fire,
//      and its signal stack;
//   5. the heap (whose size classes the defer pools are checked against,
//      panic.h), membarrier's registration (locks and run queues take
//      their mode from it, so it comes before any other thread), the
//      C-call gates, and the fault handlers (signal_linux.c).
// The offsets the assembly uses are checked here at compile time.
#include <stdlib.h>

#include "runtime.h"
#include "asm.h"
#include "atomic.h"
#include "stack.h"
#include "malloc.h"
#include "panic.h"
#include "proc.h"

_Static_assert(offsetof(Gobuf, sp) == GOBUF_SP, "asm.h GOBUF_SP");
_Static_assert(offsetof(Gobuf, limit) == GOBUF_LIMIT, "asm.h GOBUF_LIMIT");
_Static_assert(offsetof(M, sysstacktop) == M_SYSSTACKTOP, "asm.h M_SYSSTACKTOP");
_Static_assert(offsetof(Segment, size) == SEG_SIZE, "asm.h SEG_SIZE");
_Static_assert(offsetof(Segment, next) == SEG_NEXT, "asm.h SEG_NEXT");
_Static_assert(offsetof(Segment, oldsp) == SEG_OLDSP, "asm.h SEG_OLDSP");
_Static_assert(offsetof(Segment, prev) == SEG_PREV, "asm.h SEG_PREV");
_Static_assert(SegHeader == SEG_HEADER, "asm.h SEG_HEADER");
_Static_assert(StackRed == STACK_RED, "asm.h STACK_RED");

// The compiler ABI's numbers are the runtime's (gort/abi.h).
#include "gort/abi.h"
_Static_assert(GORT_STACK_SMALL == StackSmall, "abi.h GORT_STACK_SMALL");
_Static_assert(GORT_NOSPLIT_BUDGET == NOSPLIT_BUDGET, "abi.h GORT_NOSPLIT_BUDGET");
_Static_assert(GORT_CGATE_RESERVE == CGATE_RESERVE, "abi.h GORT_CGATE_RESERVE");
_Static_assert(GORT_CGATE_ARGS == CGATE_ARGS, "abi.h GORT_CGATE_ARGS");

__thread M *rt_m;

Knobs rt_knobs = {
	.traceback = TracebackSingle,
	.gcpercent = 100,
};

static int32 rt_argc;
static char **rt_argv;

// ---- knobs ----

// A knob reads its value from one environment variable.  parse returns
// false when the value is not one it understands; the default then stays.
typedef struct Knob {
	const char *name;
	bool (*parse)(const char *val);
} Knob;

bool rt_streq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

// GORT_TRACEBACK takes Go's GOTRACEBACK words, and its numbers:
// 0 is none, 1 is all, 2 is system.
static bool parsetraceback(const char *v)
{
	static const struct { const char *word; int32 level; } spell[] = {
		{"none", TracebackNone},     {"0", TracebackNone},
		{"single", TracebackSingle},
		{"all", TracebackAll},       {"1", TracebackAll},
		{"system", TracebackSystem}, {"2", TracebackSystem},
		{"crash", TracebackCrash},
	};
	uint32 i;

	for (i = 0; i < nelem(spell); i++) {
		if (rt_streq(v, spell[i].word)) {
			rt_knobs.traceback = spell[i].level;
			return true;
		}
	}
	return false;
}

// GORT_DEBUG=key=value,...: each key sets one integer field of rt_knobs.
static const struct { const char *key; int64 *field; } debugkeys[] = {
	{"stackstress", &rt_knobs.stackstress},
	{"stacksplit", &rt_knobs.stacksplit},
	{"maxstack", &rt_knobs.maxstack},
	{"memstats", &rt_knobs.memstats},
	{"madvfree", &rt_knobs.madvfree},
	{"disablethp", &rt_knobs.disablethp},
	{"memlimit", &rt_knobs.memlimit},
	{"schedtrace", &rt_knobs.schedtrace},
	{"scheddetail", &rt_knobs.scheddetail},
	{"gctrace", &rt_knobs.gctrace},
	{"gcstress", &rt_knobs.gcstress},
};

// parseint reads a decimal integer that must end at end; false if not.
static bool parseint(const char *p, const char *end, int64 *v)
{
	int64 n = 0;

	if (p == end)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9' || n > (INT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (*p - '0');
	}
	*v = n;
	return true;
}

static bool keyeq(const char *p, const char *end, const char *key)
{
	while (p < end && *key != '\0' && *p == *key) {
		p++;
		key++;
	}
	return p == end && *key == '\0';
}

static bool parsedebug(const char *v)
{
	const char *key, *eq, *end;
	bool ok = true;
	uint32 i;

	for (key = v; *key != '\0'; key = *end != '\0' ? end + 1 : end) {
		for (end = key; *end != '\0' && *end != ','; end++)
			;
		for (eq = key; eq < end && *eq != '='; eq++)
			;
		for (i = 0; i < nelem(debugkeys); i++)
			if (keyeq(key, eq, debugkeys[i].key))
				break;
		if (i == nelem(debugkeys) || eq == end ||
		    !parseint(eq + 1, end, debugkeys[i].field))
			ok = false;
	}
	return ok;
}

static bool parsemaxprocs(const char *v)
{
	int64 n;
	const char *end;

	for (end = v; *end != '\0'; end++)
		;
	if (!parseint(v, end, &n) || n < 1 || n > MaxGomaxprocs)
		return false;
	rt_knobs.maxprocs = (int32)n;
	return true;
}

// GORT_GC=<percent>: collect when the heap has grown by this much over
// the live heap (default 100); off: never collect on our own.
static bool parsegc(const char *v)
{
	int64 n;
	const char *end;

	if (rt_streq(v, "off")) {
		rt_knobs.gcpercent = -1;
		return true;
	}
	for (end = v; *end != '\0'; end++)
		;
	if (!parseint(v, end, &n) || n > 1000000)
		return false;
	rt_knobs.gcpercent = (int32)n;
	return true;
}

static const Knob knobs[] = {
	{"GORT_TRACEBACK", parsetraceback},
	{"GORT_GC", parsegc},
	{"GORT_DEBUG", parsedebug},
	{"GORT_MAXPROCS", parsemaxprocs},
};

static bool hasprefix(const char *s, const char *prefix)
{
	while (*prefix != '\0' && *s == *prefix) {
		s++;
		prefix++;
	}
	return *prefix == '\0';
}

// envmatch returns the value of "NAME=value" if the entry is for name.
static const char *envmatch(const char *entry, const char *name)
{
	uintptr n;

	if (!hasprefix(entry, name))
		return NULL;
	for (n = 0; name[n] != '\0'; n++)
		;
	return entry[n] == '=' ? entry + n + 1 : NULL;
}

static void warnknob(const char *entry, const char *why)
{
	rt_prints("gort: ignoring ");
	rt_prints(entry);
	rt_prints(": ");
	rt_prints(why);
	rt_printnl();
}

// parseentry hands one environment entry to its knob; a GORT_ name that
// matches no knob is reported, since it is almost always a typo.
static void parseentry(const char *entry)
{
	const char *val;
	uint32 i;

	if (!hasprefix(entry, "GORT_"))
		return;
	for (i = 0; i < nelem(knobs); i++) {
		val = envmatch(entry, knobs[i].name);
		if (val == NULL)
			continue;
		if (!knobs[i].parse(val))
			warnknob(entry, "value not understood");
		return;
	}
	warnknob(entry, "no such knob");
}

void rt_parseknobs(char **envp)
{
	for (; envp != NULL && *envp != NULL; envp++)
		parseentry(*envp);
}

// ---- boot ----

static void selfcheck(void)
{
	uint32 w;
	uintptr p, old;

	w = 5;
	if (!rt_cas32(&w, 5, 7) || w != 7 || rt_cas32(&w, 5, 9) || w != 7)
		rt_throw("selfcheck: cas32");
	if (rt_xadd32(&w, -3) != 4 || rt_xchg32(&w, 11) != 4 || rt_load32(&w) != 11)
		rt_throw("selfcheck: xadd32/xchg32");
	p = 1;
	if (!rt_casp(&p, 1, ~(uintptr)0) || rt_xaddp(&p, 2) != 1)
		rt_throw("selfcheck: casp/xaddp");
	old = rt_getlimit();
	rt_setlimit(0x12345678);
	if (rt_getlimit() != 0x12345678)
		rt_throw("selfcheck: TLS stack-limit slot");
	rt_setlimit(old);
}

enum { SysStackSize = 64 << 10 };

// rt_minit makes this thread an M: its stack limit (0: a system stack),
// its M, a private system stack and a segment cache.  It runs first on a
// new thread, possibly under a stale limit, so it must not split.
// rt_allocm makes an M: a private system stack, a segment cache and a
// small-object cache.
M *rt_allocm(void)
{
	static uint32 nextid;
	M *m;

	m = rt_sys_alloc(sizeof(M) + sizeof(SegCache));
	if (m == NULL || (m->sysstack = (uintptr)rt_sys_alloc(SysStackSize)) == 0)
		rt_throw("out of memory making an M");
	m->sysstacktop = m->sysstack + SysStackSize;
	rt_valgrind_stack_register(m->sysstack, m->sysstacktop);
	m->segcache = m + 1;
	rt_segcache_init(m->segcache);
	m->mcache = m->ownmcache = rt_mcache_new();
	m->id = rt_xadd32(&nextid, 1) - 1;
	return m;
}

// NOSPLIT: the point is to leave the goroutine's stack, so getting there
// must not grow it.  This frame and rt_systemstack's pushes, under a
// caller's unchecked small frame, stay inside NOSPLIT_BUDGET on every
// arch; the callers are the ways into deep runtime work (a span for an
// MCache, pages from the heap), reached from any depth.
NOSPLIT void rt_onsystemstack(void (*fn)(void *), void *arg)
{
	if (rt_m == NULL || rt_getlimit() == 0)
		fn(arg);
	else
		rt_systemstack(fn, arg, rt_m->sysstacktop);
}

NOSPLIT void rt_minit(void)
{
	rt_setlimit(0);
	if (rt_m == NULL) {
		rt_m = rt_allocm();
		rt_signalstack(rt_m);
	}
	rt_m->limitslot = rt_limitslot();
}

// rt_boot runs once, before main (see boot below); later calls only
// make sure the calling thread is an M.
void rt_boot(int argc, char **argv, char **envp)
{
	static bool booted;

	if (booted) {
		rt_minit();
		return;
	}
	booted = true;
	rt_argc = argc;
	rt_argv = argv;
	rt_valgrind_init();
	rt_parseknobs(envp);
	selfcheck();
	rt_mallocinit();
	rt_deferpool_check();
	rt_minit();
	// Before any other thread: locks and the run queues read it, and
	// both sides of each must agree (lock_futex.c, proc.c rt_takenext).
	rt_store32(&rt_sched.asymfence, rt_membarrier(MembarrierRegisterPrivateExpedited) == 0);
	rt_cgate_init();
	rt_siginit();
	if (rt_knobs.maxstack > 0)
		rt_maxstack = rt_knobs.maxstack;
	if (rt_knobs.stacksplit)
		atexit(rt_stack_printsplits);
	if (rt_knobs.memstats)
		atexit(rt_memstats_print);
}

// gort starts before main, as Go's runtime does: glibc hands constructors
// argc, argv and envp.
__attribute__((constructor)) static void boot(int argc, char **argv, char **envp)
{
	rt_boot(argc, argv, envp);
}

// ---- death ----

// crash dies by SIGABRT so that the system can write a core file.
void rt_crash(void)
{
	KSigaction sa = {0};
	uint32 set[2] = {1u << (SigAbort - 1), 0};

	sa.handler = (void *)SigDfl;
	rt_sigaction(SigAbort, &sa, NULL);
	rt_sigprocmask(SIG_UNBLOCK_, set, NULL);
	rt_tgkill(rt_getpid(), rt_gettid(), SigAbort);
	rt_exit(2);
}

// rt_throwtrace reports a fatal runtime error and ends the process with
// status 2, as Go does; with a frame record (fp, in segment seg) it prints
// the stack from there, as GORT_TRACEBACK allows.  A throw while throwing
// (on this or another thread) only exits, so a failing traceback cannot
// loop.
void rt_throwtrace(const char *msg, uintptr fp, struct Segment *seg)
{
	static uint32 dying;

	if (rt_xadd32(&dying, 1) > 1) {
		rt_prints("fatal error: ");
		rt_prints(msg);
		rt_prints(" (while dying)\n");
		rt_exit(2);
	}
	rt_prints("fatal error: ");
	rt_prints(msg);
	rt_printnl();
	if (fp != 0 && rt_knobs.traceback > TracebackNone) {
		rt_prints("\nstack, innermost frame first:\n");
		rt_traceback(fp, seg);
	}
	if (rt_knobs.traceback >= TracebackCrash)
		rt_crash();
	rt_exit(2);
}

void rt_throw(const char *msg)
{
	rt_throwtrace(msg, 0, NULL);
}

// ---- public ----

#include "gort.h"
#include "gort/abi.h"

#define STR_(x) #x
#define STR(x) STR_(x)

void gort_fatal(const char *msg)
{
	rt_throwtrace(msg, (uintptr)__builtin_frame_address(0),
		rt_segment_of(rt_getlimit()));
}

const char *gort_version(void)
{
	return STR(GORT_VERSION_MAJOR) "." STR(GORT_VERSION_MINOR) "."
		STR(GORT_VERSION_PATCH);
}
