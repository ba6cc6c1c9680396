// test-stack: split stacks.  Goroutine-like contexts run on a minimal
// first segment and recurse, pass arguments across splits, split hot in a
// loop, overflow, and leave no stale values behind.  Under
// `meson test --setup stress` (GORT_DEBUG=stackstress=1) nearly every call
// splits; the deep tests then go less deep.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gort.h>

#include "rtcheck.h"
#include "malloc.h"
#include "proc.h"
#include "runtime.h"
#include "stack.h"

#if GORT_VALGRIND
#include <valgrind/memcheck.h>
#else
#define VALGRIND_MAKE_MEM_UNDEFINED(p, n) ((void)0)
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)0)
#endif

// FRAME(buf) keeps a local array whole: clang shrinks a volatile array
// that does not escape to the elements used.
#define FRAME(buf) __asm__ volatile("" : : "r"(buf) : "memory")

static Gobuf mainctx, ctx;
static Segment *first;

static void back(void)
{
	rt_gogo(&mainctx);
}

// runonkeep runs fn(arg) as a context on a fresh first segment of size
// bytes (first) and leaves the chain for the caller to look at and free;
// runonsize frees it at once; runon runs on StackMin (the tests that fill
// a frame to a segment's edge are written for it).
static void runonkeep(void (*fn)(void *), void *arg, uintptr size)
{
	rtcheck_bootonce();
	first = rt_stackalloc(size);
	ck_assert_uint_eq(first->size, size);
	rt_gobuf_init(&ctx, rt_segment_top(first), fn, arg, back);
	ctx.limit = rt_segment_limit(first);
	rt_switch(&mainctx, &ctx);
}

static void runonsize(void (*fn)(void *), void *arg, uintptr size)
{
	runonkeep(fn, arg, size);
	rt_stackfree(first);
}

static void runon(void (*fn)(void *), void *arg)
{
	runonsize(fn, arg, StackMin);
}

static long depth(long normal)
{
	return rt_knobs.stackstress ? normal / 100 : normal;
}

// ---- deep recursion ----

static NOINLINE long recurse(long n)
{
	volatile long pad[8];   // ~64 bytes of locals, as in the deeprec anchor

	FRAME(pad);
	pad[0] = n;
	pad[7] = n * 3;
	if (n == 0)
		return 0;
	return recurse(n - 1) + pad[0] + pad[7] - 4 * n + 1;
}

static long recursed;

static void deep(void *arg)
{
	recursed = recurse((long)(intptr)arg);
}

START_TEST(recursion_a_million_deep_from_a_minimal_segment)
{
	long n = depth(1000000);
	StackCensus c0, c1;

	rtcheck_bootonce();
	rt_stack_census(&c0);
	runon(deep, (void *)(intptr)n);
	ck_assert_int_eq(recursed, n);
	rt_stack_census(&c1);
	ck_assert_uint_eq(c1.inuse, c0.inuse);  // the whole chain came back
	ck_assert_uint_gt(c1.slowsplits, c0.slowsplits);
}
END_TEST

START_TEST(a_second_recursion_reuses_the_segments)
{
	long n = depth(200000);
	StackCensus c0, c1;

	rtcheck_bootonce();
	first = rt_stackalloc(StackMin);
	rt_gobuf_init(&ctx, rt_segment_top(first), deep, (void *)(intptr)n, back);
	ctx.limit = rt_segment_limit(first);
	rt_switch(&mainctx, &ctx);
	rt_stack_census(&c0);
	rt_gobuf_init(&ctx, rt_segment_top(first), deep, (void *)(intptr)n, back);
	ctx.limit = rt_segment_limit(first);
	rt_switch(&mainctx, &ctx);
	rt_stack_census(&c1);
	ck_assert_int_eq(recursed, n);
	if (!rt_knobs.stackstress)
		ck_assert_uint_le(c1.slowsplits - c0.slowsplits, 1);
	rt_stackfree(first);
}
END_TEST

// ---- first segments: small pieces of shared spans ----

START_TEST(recursion_from_a_first_segment_grows_through_splits)
{
	long n = depth(100000);

	runonsize(deep, (void *)(intptr)n, StackFirst);
	ck_assert_int_eq(recursed, n);
}
END_TEST

enum { NPieces = 20000 };       // 40 MB: more than an M's cache keeps

static Segment *pieces[NPieces];

START_TEST(first_segments_share_spans_and_give_them_back)
{
	enum { PerSpan = (StackPoolPages << PageShift) / StackFirst };
	StackCensus c0, c1, c2;
	uintptr i, lo, hi;
	byte *p;

	rtcheck_bootonce();
	rt_stack_census(&c0);
	for (i = 0; i < NPieces; i++) {
		pieces[i] = rt_stackalloc(StackFirst);
		ck_assert_uint_eq(pieces[i]->size, StackFirst);
		ck_assert(rt_mheap_lookup(pieces[i])->state == MSpanStack);
		// The frames' area, from the limit to the top: fill it.
		lo = rt_segment_limit(pieces[i]);
		hi = (uintptr)pieces[i] + StackFirst;
		memset((void *)lo, (int)(i % 251), hi - lo);
	}
	rt_stack_census(&c1);
	ck_assert_uint_eq(c1.inuse - c0.inuse, NPieces);
	ck_assert_uint_le(c1.poolspans, c0.poolspans + NPieces / PerSpan + 1);
	ck_assert_uint_ge(c1.poolspans, NPieces / PerSpan);
	for (i = 0; i < NPieces; i++) {         // no two pieces overlap
		lo = rt_segment_limit(pieces[i]);
		hi = (uintptr)pieces[i] + StackFirst;
		for (p = (byte *)lo; p < (byte *)hi; p++)
			if (*p != (byte)(i % 251))
				ck_abort_msg("piece %lu overwritten at %p", (unsigned long)i, (void *)p);
		ck_assert_uint_eq(pieces[i]->size, StackFirst);
	}
	for (i = 0; i < NPieces; i++)
		rt_stackfree(pieces[i]);
	rt_stack_census(&c2);
	ck_assert_uint_eq(c2.inuse, c0.inuse);
	// The M keeps a few dozen pieces (stack.c); the spans of the rest
	// went back to the heap.
	ck_assert_uint_le(c2.poolspans,
		c0.poolspans + StackCacheMax / StackFirst / PerSpan + 1);
	ck_assert_uint_lt(c2.poolspans, c1.poolspans / 2);
}
END_TEST

// An M's cache keeps first segments however many big ones it holds: with
// one budget for both, a cache full of big segments (a deep goroutine
// ended on this M) gave every freed piece straight back to the pool, and
// every goroutine's start and end crossed the pool's lock and the heap.
START_TEST(a_cache_full_of_big_segments_still_keeps_first_segments)
{
	enum { Big = 1 << 20, NBig = StackCacheMax / Big + 4 };
	Segment *big[NBig], *s;
	SegCache *c;
	int i;

	rtcheck_bootonce();
	c = rt_m->segcache;
	for (i = 0; i < NBig; i++)
		big[i] = rt_stackalloc(Big);
	for (i = 0; i < NBig; i++)
		rt_stackfree(big[i]);
	ck_assert_uint_ge(c->bytes, StackCacheMax - Big);
	for (i = 0; i < 100; i++) {
		s = rt_stackalloc(StackFirst);
		rt_stackfree(s);
		ck_assert_msg(c->free[0] != NULL, "the piece went back to the pool (round %d)", i);
	}
}
END_TEST

// ---- the allocator's slow path leaves the goroutine's stack ----

// Objects of four small sizes, enough of each for three spans or more,
// so that every class takes new spans (smallallocslow) several times; of
// them, the 1 KB ones take handoutrest's way too (a slot to clear, bits
// that take a loop); and large objects (their own spans, zeroed by
// memset): paths far deeper than a first segment has room for.
static const uintptr allocsizes[] = {16, 48, 176, 1024, 40000};
enum { AllocBytes = 3 * (1 << 15) };
static uintptr allocated;

static void allocmany(void *arg)
{
	uintptr i, j, n = 0;

	for (i = 0; i < nelem(allocsizes); i++)
		for (j = 0; j < AllocBytes / allocsizes[i]; j++)
			n += rt_mallocgc(allocsizes[i], 0, NULL) != NULL;
	allocated = n;
}

START_TEST(allocating_through_the_slow_paths_keeps_to_the_first_segment)
{
	StackCensus c0, c1;
	uintptr want, i;

	rtcheck_bootonce();
	rt_stack_census(&c0);
	runonkeep(allocmany, NULL, StackFirst);
	rt_stack_census(&c1);
	for (want = 0, i = 0; i < nelem(allocsizes); i++)
		want += AllocBytes / allocsizes[i];
	ck_assert_uint_eq(allocated, want);
	// No split: the slow paths ran on the M's system stack.  (Before, a
	// goroutine split there and kept the 8 KB child for the rest of its
	// life.)
	ck_assert_ptr_null(first->next);
	ck_assert_uint_eq(c1.slowsplits, c0.slowsplits);
	rt_stackfree(first);
}
END_TEST

// ---- calls into C from deep in small segments ----

static int cmplong(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);       // goroutine code called back from qsort
}

static long libcsum;

static NOINLINE long callsc(long n, long stride)
{
	volatile long pad[4];
	char buf[96];
	long v[5], r;
	void *p;

	FRAME(pad);
	pad[0] = n;
	if (n == 0)
		return 0;
	if (n % (stride * 100) == 0) {
		printf("depth %ld\n", n);
		fflush(stdout);
	}
	if (n % stride == 0) {
		p = malloc(100 + n % 1000);
		memset(p, 1, 100);
		free(p);
		snprintf(buf, sizeof buf, "%.30Lf|%s|%g", (long double)n / 7, "x", n / 3.0);
		libcsum += buf[0] == '0' + (char)((n / 7) % 10) || buf[0] != '\0';
		v[0] = n % 7; v[1] = 3; v[2] = n % 5; v[3] = -1; v[4] = 2;
		qsort(v, 5, sizeof v[0], cmplong);
		libcsum += v[0] == -1 && v[4] >= 3;
		libcsum += strverscmp("gort-1.10", "gort-1.9") > 0;
	}
	r = callsc(n - 1, stride);
	return r + pad[0] - n + 1;
}

static void libcdeep(void *arg)
{
	long n = (long)(intptr)arg;

	recursed = callsc(n, n / 1000 > 0 ? n / 1000 : 1);
}

START_TEST(libc_calls_deep_in_small_segments_are_safe)
{
	long n = depth(1000000);
	long calls = n / (n / 1000 > 0 ? n / 1000 : 1);

	// printf, malloc, snprintf, qsort (calling back into goroutine code)
	// and strverscmp, which nothing called before, at a thousand depths.
	runon(libcdeep, (void *)(intptr)n);
	ck_assert_int_eq(recursed, n);
	ck_assert_int_eq(libcsum, 3 * calls);
}
END_TEST

START_TEST(calls_into_c_go_through_gates_and_calls_into_gort_do_not)
{
	rtcheck_bootonce();
	ck_assert_int_ge(rt_cgate_lookup("printf"), 0);
	ck_assert_int_ge(rt_cgate_lookup("malloc"), 0);
	ck_assert_int_ge(rt_cgate_lookup("strverscmp"), 0);
	ck_assert_int_eq(rt_cgate_lookup("__morestack"), -1);
	ck_assert_int_eq(rt_cgate_lookup("rt_stackalloc"), -1);
	ck_assert_uint_gt(rt_cgate_count(), 10);
}
END_TEST

// A goroutine's first frame sits at the very top of its first segment:
// when it calls C, the gate splits (a 1 KB segment is far from the 60 KB a
// gate wants) and asks for 128 bytes of stack arguments, more than lie
// above the frame.  __morestack copies what the segment holds, which must
// include every real argument: snprintf's are on the stack on every
// target past the first few registers.
static char topbuf[128];

static void calltop(void *arg)
{
	snprintf(topbuf, sizeof topbuf, "%d %d %d %d %d %d %d %d %d %d",
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	*(volatile int *)arg = 1;
}

static void topmain(void *arg)
{
	volatile int done = 0;

	gort_go(calltop, (void *)&done);
	while (!done)
		gort_yield();
	RTCHECK(strcmp(topbuf, "1 2 3 4 5 6 7 8 9 10") == 0);
}

START_TEST(a_c_call_from_a_goroutines_first_frame_gets_its_arguments)
{
	rtcheck_prog_ok(topmain, 1);
}
END_TEST

// ---- arguments across a split ----

static NOINLINE long many(long a, long b, long c, long d, long e, long f,
	long g, long h, long i, long j, long n)
{
	volatile char pad[200];

	FRAME(pad);
	pad[0] = (char)n;
	if (n == 0)
		return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j;
	return many(b, c, d, e, f, g, h, i, j, a + pad[0] % 2, n - 1);
}

static NOINLINE double floats(double a, double b, double c, double d,
	double e, double f, double g, double h, double i, double j, int n)
{
	volatile char pad[200];

	FRAME(pad);
	pad[0] = (char)n;
	if (n == 0)
		return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j;
	return floats(b, c, d, e, f, g, h, i, j, a + 0.5 + pad[0] % 2, n - 1);
}

static long manyres;
static double floatres;

static void args(void *arg)
{
	int n = (int)(intptr)arg;

	manyres = many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, n);
	floatres = floats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, n);
}

START_TEST(stack_and_register_arguments_survive_splits)
{
	int n = (int)depth(20000);
	long want;
	double fwant;
	StackCensus c0, c1;

	// The same computation on the main thread's stack (no splits there).
	rtcheck_bootonce();
	want = many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, n);
	fwant = floats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, n);
	rt_stack_census(&c0);
	runon(args, (void *)(intptr)n);
	rt_stack_census(&c1);
	ck_assert_uint_gt(c1.slowsplits, c0.slowsplits);
	ck_assert_int_eq(manyres, want);
	ck_assert(floatres == fwant);
}
END_TEST

// ---- a hot split ----

static NOINLINE long small(long x)
{
	volatile char pad[1500];

	FRAME(pad);
	pad[0] = (char)x;
	return x + pad[0];
}

static long hotsum;

static void hot(void *arg)
{
	volatile char fill[StackMin - SegHeader - StackRed - 1024];
	long i;

	// This frame leaves too little room for small's: every call splits.
	FRAME(fill);
	fill[0] = 1;
	for (i = 0; i < 100000; i++)
		hotsum += small(i & 15) + fill[0];
}

START_TEST(a_hot_split_reuses_its_cached_segment)
{
	StackCensus c0, c1;

	rtcheck_bootonce();
	rt_stack_census(&c0);
	runon(hot, NULL);
	rt_stack_census(&c1);
	ck_assert_int_eq(hotsum, 100000 + 2 * (100000 / 16) * (15 * 16 / 2));
	if (rt_knobs.stackstress)
		ck_assert_uint_ge(c1.slowsplits - c0.slowsplits, 100000);
	else
		ck_assert_uint_le(c1.slowsplits - c0.slowsplits, 2);
}
END_TEST

// ---- seed 002: nothing stale across a split ----

static uintptr splitoldsp;
static Segment *splitseg;

static NOINLINE long takesplit(void *p)
{
	volatile char pad[3000];

	// Running on a new segment: find it, and the parent's sp at the split.
	FRAME(pad);
	splitseg = rt_segment_of(rt_getlimit());
	splitoldsp = splitseg->oldsp;
	pad[0] = 1;
	return (long)(uintptr)p + pad[0];
}

static void *marker;
static int stalefound = -1;

static void hygiene(void *arg)
{
	volatile char fill[StackMin - SegHeader - StackRed - 2048];
	volatile uintptr *w;
	int found = 0;

	FRAME(fill);
	fill[0] = 0;
	takesplit(marker);
	// __morestack saved the argument registers below its frame record at
	// splitoldsp; after the return none may still hold the marker.
	for (w = (uintptr *)splitoldsp - 16; w < (uintptr *)splitoldsp; w++)
		found += *w == (uintptr)marker;
	stalefound = found + fill[0];
}

START_TEST(a_split_leaves_no_stale_register_values)
{
	marker = malloc(64);
	runon(hygiene, NULL);
	ck_assert_uint_ne(splitoldsp, 0);
	ck_assert_int_eq(stalefound, 0);
	ck_assert_uint_eq(splitseg->oldsp, 0);
	free(marker);
}
END_TEST

// ---- overflow ----

static volatile long forever_stop = -1;    // never reached: n only grows

static NOINLINE long recurse_forever(long n)
{
	volatile char pad[100];

	FRAME(pad);
	pad[0] = (char)n;
	if (n == forever_stop)
		return 0;
	return recurse_forever(n + 1) + pad[0];
}

static void forever(void *arg)
{
	recurse_forever(0);
}

static void overflowchild(void *arg)
{
	rtcheck_bootonce();
	rt_maxstack = 1 << 20;
	runon(forever, NULL);
}

START_TEST(overflow_dies_with_a_message_and_a_traceback)
{
	static char out[64 << 10];
	int st = rtcheck_child(overflowchild, NULL, out, sizeof out);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %x", st);
	ck_assert_msg(strncmp(out, "runtime: goroutine stack exceeds 1048576-byte limit\n"
		"fatal error: stack overflow\n", 80) == 0, "%.300s", out);
	ck_assert_msg(strstr(out, "\nrecurse_forever+0x") != NULL, "%.2000s", out);
	ck_assert_msg(strstr(out, "frames elided") != NULL, "%.2000s", out);
	// The walk crosses every segment back to the context's first frame.
	ck_assert_msg(strstr(out, "\nrt_gostart+0x") != NULL, "%.300s",
		strstr(out, "elided") + 1200);
}
END_TEST

static void splitreportchild(void *arg)
{
	rt_knobs.stacksplit = 1;
	rtcheck_bootonce();
	atexit(rt_stack_printsplits);
	runon(hot, NULL);
	exit(0);        // atexit handlers print the report
}

START_TEST(stacksplit_reports_the_hot_site)
{
	static char out[16 << 10];
	int st = rtcheck_child(splitreportchild, NULL, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_msg(strstr(out, "gort: stack splits by call site (top 10):\n  100000\tsmall+0x") != NULL,
		"%s", out);
	ck_assert_msg(strstr(out, "gort: stack segments: ") != NULL, "%s", out);
}
END_TEST

// ---- the red zone ----
//
// What runs below the stack limit without a check (stack.h): a
// small-frame function's frame, a frame without a prologue (a variadic
// function's, up to NOSPLIT_BUDGET bytes), the call into __morestack and
// its frame, and, at the deepest, its preemption path or the slow path of
// its split (stress mode makes every split slow).  A goroutine fills the red zone of
// its first segment with a pattern, then recurses with small frames of
// several sizes from several depths, so that calls land at every depth
// the red zone allows, and poisons its stack limit before each call as
// sysmon does: every call goes through the preemption path (yielding where
// it may) and, past the limit, splits.  The segment's header and the
// bottom of the pattern must be intact.  GORT_TEST_REDMARGIN=1 prints the
// smallest margin left, for docs/stacks.md.

enum { RedPattern = 0xa5 };

static uintptr redmargin = StackRed;

static NOINLINE void redleaf(volatile byte *p)
{
	p[0]++;
}

// rednosplit is what the ABI lets run below a small frame without a
// check: a frame of NOSPLIT_BUDGET bytes (its locals and saved registers)
// with no prologue, as a variadic function's, which then calls split code.
// Under memcheck on amd64, 128 bytes less (rednosplitvg): at the very
// bottom of the budget, __morestack's frame comes within 128 bytes of the
// segment's header, which memcheck then marks dead as sp comes back up
// (it takes the 128 bytes below sp to be the running frame's, amd64's ABI
// red zone), and reports the next read of the header.  Natively, and on
// every target, the whole budget is tested.
enum { VgRedZone = PTRSIZE == 8 ? 128 : 0 };

#define REDNOSPLIT(name, bytes)                                         \
	static NOINLINE NOSPLIT void name(volatile byte *p)             \
	{                                                               \
		volatile byte frame[bytes];                             \
									\
		FRAME(frame);                                           \
		frame[0] = p[0];                                        \
		redleaf(frame);                                         \
	}
REDNOSPLIT(rednosplit, NOSPLIT_BUDGET - 4 * PTRSIZE)
REDNOSPLIT(rednosplitvg, NOSPLIT_BUDGET - 4 * PTRSIZE - VgRedZone)

#define REDDIG(P)                                                       \
	static NOINLINE void reddig##P(int n)                           \
	{                                                               \
		volatile byte pad[P];                                   \
									\
		FRAME(pad);                                             \
		if (n == 0)                                             \
			return;                                         \
		rt_setlimit(StackPreempt);                              \
		redleaf(pad);                                           \
		rt_setlimit(StackPreempt);                              \
		if (rt_valgrind_on)                                     \
			rednosplitvg(pad);                              \
		else                                                    \
			rednosplit(pad);                                \
		reddig##P(n - 1);                                       \
	}
REDDIG(8) REDDIG(56) REDDIG(104) REDDIG(152) REDDIG(200) REDDIG(232)

static void (*const reddigs[])(int) = {
	reddig8, reddig56, reddig104, reddig152, reddig200, reddig232,
};

// redfrom calls dig from shift small frames deeper (16 bytes each on
// amd64, 8 or 16 on 386 and arm).
static NOINLINE void redfrom(void (*dig)(int), int shift)
{
	if (shift > 0)
		redfrom(dig, shift - 1);
	else
		dig(24);
	__asm__ volatile("");   // not a tail call
}

// redprobe runs at the top of its first segment and makes no call that
// could split there while the pattern is down (no memset: a C call goes
// through a gate, whose split would put __morestack's frame in the red
// zone being filled).
static void redprobe(void *arg)
{
	Segment *seg = rt_m->curg->stack;
	byte *bottom = (byte *)seg + SegHeader;
	byte *limit = (byte *)rt_segment_limit(seg);
	uintptr size = seg->size, total = seg->total;
	uint64 npreempt = rt_sched.npreempt;
	uintptr i, k, shift;

	RTCHECK((byte *)__builtin_frame_address(0) > limit);
	for (i = 0; i < sizeof reddigs / sizeof reddigs[0]; i++)
		for (shift = 0; shift < 32; shift++) {
			// Below sp, for memcheck: make it ours to write and read.
			VALGRIND_MAKE_MEM_UNDEFINED(bottom, limit - bottom);
			for (k = 0; bottom + k < limit; k++)
				((volatile byte *)bottom)[k] = RedPattern;
			redfrom(reddigs[i], shift);
			VALGRIND_MAKE_MEM_DEFINED(bottom, limit - bottom);
			RTCHECK(seg->size == size && seg->prev == NULL && seg->total == total);
			for (k = 0; bottom + k < limit && bottom[k] == RedPattern; k++)
				;
			RTCHECK(k > 0);
			if (k < redmargin)
				redmargin = k;
		}
	RTCHECK(rt_sched.npreempt - npreempt >= sizeof reddigs / sizeof reddigs[0] * 32 * 2);
	*(volatile uintptr *)arg = redmargin;
}

static void redmain(void *arg)
{
	volatile uintptr margin = 0;

	gort_go(redprobe, (void *)&margin);     // on a fresh first segment
	while (margin == 0)
		gort_yield();
	if (getenv("GORT_TEST_REDMARGIN") != NULL)
		fprintf(stderr, "red zone: %lu of %u bytes never reached\n",
			(unsigned long)margin, (unsigned)StackRed);
}

START_TEST(the_red_zone_holds_the_deepest_paths_below_the_limit)
{
	static char out[4096];
	int st = rtcheck_prog(redmain, 1, out, sizeof out);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %x, stderr: %.2000s", st, out);
	if (getenv("GORT_TEST_REDMARGIN") != NULL)
		fputs(out, stderr);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("stack");
	TCase *tc = tcase_create("split");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, recursion_a_million_deep_from_a_minimal_segment);
	tcase_add_test(tc, a_second_recursion_reuses_the_segments);
	tcase_add_test(tc, recursion_from_a_first_segment_grows_through_splits);
	tcase_add_test(tc, first_segments_share_spans_and_give_them_back);
	tcase_add_test(tc, a_cache_full_of_big_segments_still_keeps_first_segments);
	tcase_add_test(tc, allocating_through_the_slow_paths_keeps_to_the_first_segment);
	tcase_add_test(tc, libc_calls_deep_in_small_segments_are_safe);
	tcase_add_test(tc, calls_into_c_go_through_gates_and_calls_into_gort_do_not);
	tcase_add_test(tc, a_c_call_from_a_goroutines_first_frame_gets_its_arguments);
	tcase_add_test(tc, stack_and_register_arguments_survive_splits);
	tcase_add_test(tc, a_hot_split_reuses_its_cached_segment);
	tcase_add_test(tc, a_split_leaves_no_stale_register_values);
	tcase_add_test(tc, overflow_dies_with_a_message_and_a_traceback);
	tcase_add_test(tc, stacksplit_reports_the_hot_site);
	tcase_add_test(tc, the_red_zone_holds_the_deepest_paths_below_the_limit);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
