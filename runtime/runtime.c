// runtime.c: boot, the knob table, and death.  See docs/boot.md.
//
// Boot order (rt_boot):
//   1. remember argc/argv;
//   2. parse the environment knobs once, through the table below, into
//      rt_knobs, which is read-only from then on;
//   3. self-check what the rest of the runtime takes for granted (atomics,
//      the TLS stack-limit slot), and throw if the machine disagrees;
//   4. give this thread (the first M) its stack limit: 0, since the main
//      thread's stack is a system stack on which split checks never fire.
// The offsets the assembly uses are checked here at compile time.
#include "runtime.h"
#include "asm.h"
#include "atomic.h"

_Static_assert(offsetof(Gobuf, sp) == GOBUF_SP, "asm.h GOBUF_SP");
_Static_assert(offsetof(Gobuf, limit) == GOBUF_LIMIT, "asm.h GOBUF_LIMIT");

Knobs rt_knobs = {
	.traceback = TracebackSingle,
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

static bool streq(const char *a, const char *b)
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
		if (streq(v, spell[i].word)) {
			rt_knobs.traceback = spell[i].level;
			return true;
		}
	}
	return false;
}

static const Knob knobs[] = {
	{"GORT_TRACEBACK", parsetraceback},
};

// envmatch returns the value of "NAME=value" if the entry is for name.
static const char *envmatch(const char *entry, const char *name)
{
	while (*name != '\0' && *entry == *name) {
		entry++;
		name++;
	}
	return *name == '\0' && *entry == '=' ? entry + 1 : NULL;
}

static void warnknob(const char *entry, const char *why)
{
	rt_prints("gort: ignoring ");
	rt_prints(entry);
	rt_prints(": ");
	rt_prints(why);
	rt_printnl();
}

static bool hasprefix(const char *s, const char *prefix)
{
	while (*prefix != '\0' && *s == *prefix) {
		s++;
		prefix++;
	}
	return *prefix == '\0';
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

void rt_boot(int argc, char **argv, char **envp)
{
	rt_argc = argc;
	rt_argv = argv;
	rt_parseknobs(envp);
	selfcheck();
	rt_setlimit(0);
}

// ---- death ----

// crash dies by SIGABRT so that the system can write a core file.
static NORETURN void crash(void)
{
	KSigaction sa = {0};
	uint32 set[2] = {1u << (SigAbort - 1), 0};

	sa.handler = (void *)SigDfl;
	rt_sigaction(SigAbort, &sa, NULL);
	rt_sigprocmask(SIG_UNBLOCK_, set, NULL);
	rt_tgkill(rt_getpid(), rt_gettid(), SigAbort);
	rt_exit(2);
}

// rt_throw reports a fatal runtime error and ends the process with status
// 2, as Go does.  A throw while throwing (on this or another thread) only
// exits, so a failing traceback cannot loop.
void rt_throw(const char *msg)
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
	if (rt_knobs.traceback >= TracebackCrash)
		crash();
	rt_exit(2);
}

// ---- public ----

#include "gort.h"

#define STR_(x) #x
#define STR(x) STR_(x)

const char *gort_version(void)
{
	return STR(GORT_VERSION_MAJOR) "." STR(GORT_VERSION_MINOR) "."
		STR(GORT_VERSION_PATCH);
}
