// test-gc.c: the collector (mgc.h).
//
// Whether an object was freed is seen through its finalizer.  Objects a
// test means to drop are made in NOINLINE helpers, so no live frame keeps
// a copy of the pointer (the stacks are scanned conservatively; dead
// frames below the saved sp are not scanned at all).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gort.h"
#include "rtcheck.h"
#include "runtime.h"
#include "atomic.h"
#include "malloc.h"
#include "mgc.h"
#include "proc.h"

#if GORT_VALGRIND
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

typedef struct Obj {
	uintptr id;
	struct Obj *next;
	uintptr pad[6];
} Obj;

// scale: the work of a test; a hundredth of it when the collector runs
// every few allocations (meson test --setup gcstress), a twentieth under
// valgrind (some 50 times slower).
static long scale(long n)
{
	if (rt_knobs.gcstress > 0)
		return n / 100;
	return RUNNING_ON_VALGRIND ? n / 20 : n;
}

static uint32 finalized[64];
static uint32 finorder[64], nfinorder;

static void fin(void *p)
{
	Obj *o = p;

	rt_xadd32(&finalized[o->id], 1);
	finorder[rt_xadd32(&nfinorder, 1) - 1] = (uint32)o->id;
}

static NOINLINE Obj *newobj(uintptr id, bool withfin)
{
	Obj *o = gort_new(Obj);

	o->id = id;
	if (withfin)
		gort_setfinalizer(o, fin);
	return o;
}

static NOINLINE void dropobj(uintptr id)
{
	newobj(id, true);
}

// collectuntil collects until finalizer id has run, or gives up.
static bool collectuntil(uintptr id)
{
	int i;

	for (i = 0; i < 20; i++) {
		gort_gc();
		gort_sleep(1000000);    // the finalizer goroutine runs
		if (rt_load32(&finalized[id]) != 0)
			return true;
	}
	return false;
}

// ---- what is freed, what is kept ----

static void unreachablemain(void *arg)
{
	gort_gcstats st;

	dropobj(1);
	RTCHECK(collectuntil(1));
	RTCHECK(finalized[1] == 1);
	gort_gc();              // finds it dead...
	gort_gc();              // ... and has swept it before marking
	gort_read_gcstats(&st);
	RTCHECK(st.numgc >= 2 && st.freed > 0);
}

START_TEST(an_unreachable_object_is_finalized_then_freed)
{
	rtcheck_prog_ok(unreachablemain, 1);
	rtcheck_prog_ok(unreachablemain, 3);
}
END_TEST

static Obj *global;

static void globalmain(void *arg)
{
	global = newobj(2, true);
	global->next = newobj(3, true);
	gort_gc();
	gort_gc();
	gort_sleep(2000000);
	RTCHECK(finalized[2] == 0 && finalized[3] == 0);
	RTCHECK(global->id == 2 && global->next->id == 3);
	global = NULL;
	RTCHECK(collectuntil(2));
	RTCHECK(collectuntil(3));
}

START_TEST(globals_keep_objects_alive_until_dropped)
{
	rtcheck_prog_ok(globalmain, 2);
}
END_TEST

// A pointer held only by a frame deep down the stack survives
// collections made 3000 frames (several segments) above it.
static NOINLINE uintptr deep(int n)
{
	volatile char pad[96];

	pad[0] = (char)n;
	if (n == 0) {
		gort_gc();
		gort_gc();
		return (uintptr)pad[0];
	}
	return deep(n - 1) + (uintptr)pad[0] - (uintptr)(char)n;
}

static NOINLINE uintptr holdanddive(int n)
{
	Obj *volatile mine = newobj(5, true);
	uintptr r = deep(n);

	gort_sleep(2000000);
	RTCHECK(finalized[5] == 0 && mine->id == 5);
	return r + mine->id;
}

static void oldsegmain(void *arg)
{
	StackCensus c;

	RTCHECK(holdanddive(3000) == 5);
	rt_stack_census(&c);
	RTCHECK(c.slowsplits > 0);      // it did cross segments
	RTCHECK(collectuntil(5));       // and, once dropped, it goes
}

START_TEST(stacks_keep_objects_alive_across_segments)
{
	rtcheck_prog_ok(oldsegmain, 1);
	rtcheck_prog_ok(oldsegmain, 2);
}
END_TEST

// ---- heap chains, precise and conservative objects, cycles ----

enum { ChainLen = 100000 };    // scaled: chainlen

static Obj *chain;

static void chainmain(void *arg)
{
	Obj *o;
	uintptr i, sum = 0, chainlen = (uintptr)scale(ChainLen);
	int round;

	for (i = 0; i < chainlen; i++) {
		o = gort_new(Obj);
		o->id = i;
		o->next = chain;
		chain = o;
	}
	for (round = 0; round < 3; round++) {
		gort_gc();
		for (i = 0; i < chainlen; i++)  // garbage that reuses freed slots
			((Obj *)gort_alloc(sizeof(Obj)))->pad[0] = ~(uintptr)0;
	}
	for (o = chain, i = chainlen; o != NULL; o = o->next) {
		RTCHECK(o->id == --i && o->pad[0] == 0);
		sum += o->id;
	}
	RTCHECK(i == 0 && sum == chainlen * (chainlen - 1) / 2);
}

START_TEST(a_long_heap_chain_survives_while_garbage_reuses_the_heap)
{
	rtcheck_prog_ok(chainmain, 1);
	rtcheck_prog_ok(chainmain, 4);
}
END_TEST

// A tree bigger than GcParallelMin, marked by every worker at once: each
// holds back the mark bits it sets (setmark) and must have stored them all
// when the mark ends, or the sweep frees nodes the garbage then reuses.
typedef struct Node {
	struct Node *left, *right;
	uintptr id, pad;
} Node;

static const unsigned char nodemask[] = {0x3};
static const gort_type nodetype = {sizeof(Node), nodemask};
static Node *tree;

static Node *buildtree(int depth, uintptr *id)
{
	Node *n = gort_alloc_typed(&nodetype, 1);

	n->id = (*id)++;
	if (depth > 0) {
		n->left = buildtree(depth - 1, id);
		n->right = buildtree(depth - 1, id);
	}
	return n;
}

static uintptr checktree(const Node *n, uintptr *id)
{
	uintptr bad = n->id != (*id)++ || n->pad != 0;

	if (n->left != NULL)
		bad += checktree(n->left, id) + checktree(n->right, id);
	return bad;
}

static void treemain(void *arg)
{
	int depth = rt_knobs.gcstress > 0 ? 10 : 17, round;
	uintptr id = 0, nodes, i;

	tree = buildtree(depth, &id);
	nodes = id;
	for (round = 0; round < 3; round++) {
		gort_gc();
		if (rt_knobs.gcstress == 0)     // stress marks alone: a small heap
			RTCHECK(rt_ncpu() < 2 || rt_gcstats.lastnproc >= 2);
		RTCHECK(rt_gcstats.lastlive >= nodes * sizeof(Node));
		// A tree needs a short stack of grey nodes a worker; sharing
		// it must not flood a worker that waits with buffers (drain:
		// the code before took more than 16 here in 1 run of 3).
		RTCHECK(rt_load32(&rt_gcstats.nworkbufs) <= 16);
		for (i = 0; i < nodes; i++)     // garbage that reuses freed slots
			((Node *)gort_alloc_typed(&nodetype, 1))->pad = ~(uintptr)0;
	}
	id = 0;
	RTCHECK(checktree(tree, &id) == 0 && id == nodes);
}

START_TEST(a_tree_marked_by_several_workers_at_once_keeps_every_node)
{
	rtcheck_prog_ok(treemain, 4);
}
END_TEST

typedef struct Pair {
	uintptr notptr;         // a pointer-sized number
	void *ptr;
} Pair;

static const unsigned char pairmask[] = {0x2};
static const gort_type pairtype = {sizeof(Pair), pairmask};
static Pair *pair;
static void **holder;

static NOINLINE void makepair(void)
{
	pair = gort_alloc_typed(&pairtype, 1);
	pair->notptr = (uintptr)newobj(6, true);        // not a reference
	pair->ptr = newobj(7, true);
	holder = gort_alloc(2 * sizeof(void *));
	holder[0] = (char *)newobj(8, true) + 12;       // interior pointer
}

static void precisemain(void *arg)
{
	makepair();
	RTCHECK(collectuntil(6));
	gort_gc();
	gort_sleep(2000000);
	RTCHECK(finalized[7] == 0 && ((Obj *)pair->ptr)->id == 7);
	RTCHECK(finalized[8] == 0 && ((Obj *)((char *)holder[0] - 12))->id == 8);
}

START_TEST(typed_objects_are_scanned_precisely_untyped_ones_conservatively)
{
	rtcheck_prog_ok(precisemain, 1);
}
END_TEST

static NOINLINE void makecycle(void)
{
	Obj *a = newobj(0, false), *b = newobj(0, false);

	a->next = b;
	b->next = a;
	a->pad[0] = (uintptr)newobj(9, true);   // reachable only from the cycle
}

static void cyclemain(void *arg)
{
	makecycle();
	RTCHECK(collectuntil(9));
}

START_TEST(an_unreachable_cycle_is_freed)
{
	rtcheck_prog_ok(cyclemain, 1);
}
END_TEST

static NOINLINE void droplarge(void)
{
	Obj *o = gort_alloc(1 << 20);

	o->id = 10;
	gort_setfinalizer(o, fin);
}

static void largemain(void *arg)
{
	gort_memstats m;
	int i;

	droplarge();
	RTCHECK(collectuntil(10));
	for (i = 0; i < 200; i++)       // 200 MB of 1 MB objects, dropped
		memset(gort_alloc_noscan(1 << 20), 1, 1 << 20);
	gort_read_memstats(&m);
	RTCHECK(m.heap_sys < (64u << 20));
}

START_TEST(large_objects_are_freed_and_their_pages_reused)
{
	rtcheck_prog_ok(largemain, 1);
}
END_TEST

// ---- finalizers ----

static NOINLINE void makeorder(void)
{
	Obj *a = newobj(11, true);

	a->next = newobj(12, true);
}

static void ordermain(void *arg)
{
	makeorder();
	RTCHECK(collectuntil(11));
	RTCHECK(finalized[12] == 0);    // a kept b alive this time
	RTCHECK(collectuntil(12));
	RTCHECK(nfinorder == 2 && finorder[0] == 11 && finorder[1] == 12);
}

static NOINLINE void makecleared(void)
{
	Obj *o = newobj(13, true);

	gort_setfinalizer(o, NULL);
	newobj(14, true);
}

static void clearmain(void *arg)
{
	makecleared();
	RTCHECK(collectuntil(14));
	RTCHECK(finalized[13] == 0);
	RTCHECK(gort_numgoroutine() == 1);      // the finalizer goroutine is not counted
}

static Obj *resurrected;

static void resurrect(void *p)
{
	resurrected = p;
	rt_xadd32(&finalized[15], 1);
}

static NOINLINE void makeresurrect(void)
{
	Obj *o = newobj(15, false);

	o->next = newobj(16, true);
	gort_setfinalizer(o, resurrect);
}

static void resurrectmain(void *arg)
{
	int i;

	makeresurrect();
	RTCHECK(collectuntil(15));
	for (i = 0; i < 3; i++)
		gort_gc();
	gort_sleep(2000000);
	RTCHECK(resurrected->id == 15 && finalized[16] == 0 && resurrected->next->id == 16);
}

START_TEST(finalizers_run_in_order_can_be_cleared_and_may_resurrect)
{
	rtcheck_prog_ok(ordermain, 1);
	rtcheck_prog_ok(clearmain, 2);
	rtcheck_prog_ok(resurrectmain, 1);
}
END_TEST

// ---- many goroutines at once ----

enum { Workers = 8, Nodes = 20000 };

static gort_chan *workdone;

static void allocworker(void *arg)
{
	uintptr seed = (uintptr)arg, i, nodes = (uintptr)scale(Nodes);
	int round;

	for (round = 0; round < 5; round++) {
		Obj *head = NULL, *o;

		for (i = 0; i < nodes; i++) {
			o = gort_new(Obj);
			o->id = seed * 1000003 + i;
			o->next = head;
			head = o;
		}
		if (seed == 0)          // at least one, whatever the scale
			gort_gc();
		for (o = head, i = nodes; o != NULL; o = o->next)
			RTCHECK(o->id == seed * 1000003 + --i);
		RTCHECK(i == 0);
	}
	gort_chan_send(workdone, NULL);
}

static void manymain(void *arg)
{
	gort_gcstats st;
	uintptr i;

	workdone = gort_chan_make(0, Workers);
	for (i = 0; i < Workers; i++)
		gort_go(allocworker, (void *)i);
	for (i = 0; i < Workers; i++)
		gort_chan_recv(workdone, NULL);
	gort_read_gcstats(&st);
	RTCHECK(st.numgc > 0);
}

START_TEST(many_goroutines_allocate_while_the_collector_runs)
{
	rtcheck_prog_ok(manymain, 1);
	rtcheck_prog_ok(manymain, 4);
}
END_TEST

// ---- goroutines keep what their Gs hold ----
//
// Gs are typed (proc.c): the collector reads only the fields that may hold
// heap pointers.  A goroutine not yet started holds its argument only in
// its G; collections and a heap's worth of garbage the same size must not
// take it.

enum { ArgGs = 64, ArgWords = 8 };

static uint32 argsleft, argsbad;

static void checkarg(void *arg)
{
	uintptr *v = arg;
	uintptr i;

	for (i = 1; i < ArgWords; i++)
		if (v[i] != v[0] * 31 + i)
			rt_xadd32(&argsbad, 1);
	rt_xadd32(&argsleft, -1);
}

static NOINLINE void spawnargs(void)
{
	uintptr i, j;

	for (i = 0; i < ArgGs; i++) {
		uintptr *v = gort_alloc(ArgWords * sizeof(uintptr));

		v[0] = i;
		for (j = 1; j < ArgWords; j++)
			v[j] = i * 31 + j;
		gort_go(checkarg, v);
	}
}

static NOINLINE void churn(void)
{
	long i;

	for (i = 0; i < 200000; i++) {
		uintptr *v = gort_alloc(ArgWords * sizeof(uintptr));

		v[1] = ~(uintptr)0;     // would show in a freed argument reused
	}
}

static void argsmain(void *arg)
{
	argsleft = ArgGs;
	spawnargs();            // one P: none runs before this goroutine waits
	gort_gc();
	churn();
	gort_gc();
	churn();
	while (rt_load32(&argsleft) != 0)
		gort_yield();
	RTCHECK(argsbad == 0);
}

START_TEST(a_goroutine_not_yet_started_keeps_its_argument_alive)
{
	rtcheck_prog_ok(argsmain, 1);
}
END_TEST

// ---- the heap stays flat ----

enum { RingSize = 16384 };

static void **ring;

static void flatmain(void *arg)
{
	long n = scale(10000000), i, mid = 0;
	gort_gcstats st;

	ring = gort_alloc(RingSize * sizeof(void *));
	for (i = 0; i < n; i++) {
		ring[i % RingSize] = gort_alloc(64);
		if (i == n / 10)
			mid = rtcheck_rsspages();
	}
	gort_read_gcstats(&st);
	RTCHECK(st.numgc >= 3);
	// 10^7 allocations of 64 bytes (640 MB) with 1 MB live: no growth
	// after the first tenth beyond a few MB.
	RTCHECK((rtcheck_rsspages() - mid) * sysconf(_SC_PAGESIZE) < (8 << 20));
}

START_TEST(rss_stays_flat_over_ten_million_allocations)
{
	rtcheck_prog_ok(flatmain, 1);
}
END_TEST

// ---- no stale references (seeds 001, 002) ----

// The argument crossed a stack split (in stress mode, every call does)
// and a channel; both keep scratch copies only while needed.
static NOINLINE uintptr across(int n, Obj *o)
{
	volatile char pad[200];

	pad[0] = 1;
	if (n == 0)
		return o->id + pad[0] - 1;
	return across(n - 1, o) + pad[0] - 1;
}

static NOINLINE void passaround(gort_chan *c)
{
	Obj *o = newobj(17, true), *got = NULL;

	RTCHECK(across(200, o) == 17);
	gort_chan_send(c, &o);
	gort_chan_recv(c, &got);
	RTCHECK(got == o);
}

static NOINLINE void clobber(void)
{
	volatile char junk[4096];

	memset((char *)junk, 0, sizeof junk);
}

static void stalemain(void *arg)
{
	gort_chan *c = gort_chan_make(sizeof(Obj *), 1);

	passaround(c);
	clobber();
	RTCHECK(collectuntil(17));
}

START_TEST(runtime_scratch_fields_keep_nothing_alive)
{
	rtcheck_prog_ok(stalemain, 1);
	rtcheck_prog_ok(stalemain, 2);
}
END_TEST

// A freed slot keeps what it held until it is handed out again (the
// sweeper does not clear it), so the collector must know a free slot
// from an object: a word pointing into one keeps nothing alive.
enum { StaleSize = 200 };       // a class the runtime leaves alone
static uintptr hidden;          // an address the collector cannot read as one
static void **freeslot;         // a root pointing into a free slot
static void *neighbour;         // keeps the span of the free slot in use

static NOINLINE void makestale(void)
{
	void **a = gort_alloc(StaleSize);

	neighbour = gort_alloc(StaleSize);

	global = newobj(18, false);     // kept by the global for now
	a[0] = global;
	hidden = RTHIDE(a);
}

static NOINLINE void onlythestale(void)
{
	freeslot = (void **)RTHIDE(hidden);
	gort_setfinalizer(global, fin);
	global = NULL;
}

static void freeslotmain(void *arg)
{
	makestale();
	gort_gc();              // a is found dead...
	gort_gc();              // ... and its span swept
	RTCHECK(((void **)RTHIDE(hidden))[0] == global);  // the slot still says so
	onlythestale();
	RTCHECK(collectuntil(18));
	RTCHECK(rt_mheap_lookup(freeslot) == rt_mheap_lookup(neighbour));
	freeslot = NULL;
}

START_TEST(a_pointer_into_a_free_slot_keeps_nothing_alive)
{
	rtcheck_prog_ok(freeslotmain, 1);
}
END_TEST

// The sweeper turns a span's marks into its alloc bits, with a fast path
// for slots of 1, 2, 4 and 8 words and a general one for the rest: for
// each, the slots that stay taken are the live ones, and the live ones
// only.
enum { SweepN = 3000 };
static void *sweepkeep[SweepN / 3];
static uintptr sweephidden[SweepN];

static NOINLINE void fillsizes(uintptr size, uintptr n)
{
	uintptr i;

	for (i = 0; i < n; i++) {
		void *p = gort_alloc(size);

		if (i % 3 == 0)
			sweepkeep[i / 3] = p;
		sweephidden[i] = RTHIDE(p);
	}
}

static void sweepsizesmain(void *arg)
{
	static const uintptr sizes[] = {8, 16, 32, 48, 64, 80, 128, 1024, 4096};
	uintptr i, k, freed;

	for (k = 0; k < nelem(sizes); k++) {
		// No collection may come while they are allocated (it would
		// free dead ones whose slots later ones take): 2 MB at most,
		// after a collection, under the 4 MB minimum goal.
		uintptr n = sizes[k] * SweepN <= (2 << 20) ? SweepN : (2 << 20) / sizes[k];

		gort_gc();
		fillsizes(sizes[k], n);
		gort_gc();
		gort_gc();              // the first one's sweep is done
		for (i = 0, freed = 0; i < n; i++) {
			void *p = (void *)RTHIDE(sweephidden[i]);
			MSpan *s = rt_mheap_lookup(p);
			bool taken;
			int tries;

			// The background sweeper may be at this span: its bits
			// are only settled once it is swept.
			for (tries = 0; s != NULL && s->state == MSpanInUse && tries < 1000 &&
			    rt_load32(&s->sweepgen) != rt_load32(&rt_mheap.sweepgen); tries++)
				gort_sleep(100000);
			taken = s != NULL && s->state == MSpanInUse &&
				rt_span_taken(s, ((byte *)p - rt_spanbase(s)) / s->elemsize);

			if (i % 3 == 0)
				RTCHECK(taken);
			else
				freed += !taken;
		}
		// Dead ones are free but for the few a stale word on the
		// stack may keep (unless gcstress collected while they were
		// allocated: then later ones took some of their slots).
		if (rt_knobs.gcstress == 0)
			RTCHECK(freed >= n - (n + 2) / 3 - 8);
		for (i = 0; i < SweepN / 3; i++)
			sweepkeep[i] = NULL;
	}
}

START_TEST(the_sweep_keeps_exactly_the_live_slots_of_every_size)
{
	rtcheck_prog_ok(sweepsizesmain, 1);
}
END_TEST

// After a sweep, a span's slots below freeindex are all taken: it starts
// at the first word of alloc bits with a free slot, and a full span's is
// nelems (so that the mark needs no alloc bit for them).  Two spans of
// 16-byte objects: one with its first 133 slots live, one all live.
enum { HeadN = 4 * 512 };
static void *headkeep[HeadN];

static MSpan *wholespan(uintptr from)    // a span all of whose slots are in headkeep[from..]
{
	uintptr i;

	for (i = from; i < HeadN; i++) {
		MSpan *s = rt_mheap_lookup(headkeep[i]);

		if (headkeep[i] == rt_spanbase(s) && i + s->nelems <= HeadN &&
		    headkeep[i + s->nelems - 1] == rt_spanbase(s) + (s->nelems - 1) * s->elemsize)
			return s;
	}
	return NULL;
}

static void sweptheadmain(void *arg)
{
	MSpan *part, *full;
	uintptr i, p0, f0;
	int tries;

	for (i = 0; i < HeadN; i++)
		headkeep[i] = gort_alloc(16);
	part = wholespan(0);
	RTCHECK(part != NULL && part->nelems == 512);
	for (p0 = 0; headkeep[p0] != rt_spanbase(part); p0++)
		;
	full = wholespan(p0 + part->nelems);
	RTCHECK(full != NULL);
	for (f0 = 0; headkeep[f0] != rt_spanbase(full); f0++)
		;
	for (i = 0; i < HeadN; i++)
		if (!(i >= p0 && i < p0 + 133) && !(i >= f0 && i < f0 + full->nelems))
			headkeep[i] = NULL;
	gort_gc();
	gort_gc();                      // the first one's sweep is done
	for (tries = 0; tries < 1000 && (rt_load32(&part->sweepgen) != rt_load32(&rt_mheap.sweepgen) ||
	    rt_load32(&full->sweepgen) != rt_load32(&rt_mheap.sweepgen)); tries++)
		gort_sleep(100000);
	RTCHECK(part->freeindex == 128);
	for (i = 0; i < 133; i++)
		RTCHECK(rt_span_taken(part, i));
	RTCHECK(full->freeindex == full->nelems);
	RTCHECK(full->nalloc == full->nelems);
	for (i = 0; i < HeadN; i++)
		headkeep[i] = NULL;
}

START_TEST(a_swept_span_starts_after_its_live_head)
{
	rtcheck_prog_ok(sweptheadmain, 1);
}
END_TEST

// ---- knobs ----

static void stressmain(void *arg)
{
	gort_gcstats st;
	int i;

	rt_knobs.gcstress = 3;
	rt_gcknobs();
	for (i = 0; i < 30; i++)
		gort_alloc(16);
	gort_read_gcstats(&st);
	RTCHECK(st.numgc >= 9);
}

static void offmain(void *arg)
{
	gort_gcstats st;
	int i;

	rt_knobs.gcpercent = -1;
	rt_knobs.gcstress = 0;
	rt_gcknobs();
	for (i = 0; i < 40; i++)
		gort_alloc_noscan(1 << 20);
	gort_read_gcstats(&st);
	RTCHECK(st.numgc == 0);
}

static void tracemain(void *arg)
{
	rt_knobs.gctrace = 1;
	gort_gc();
	gort_gc();
}

// ---- pacing ----

// A collection leaves the heap room to grow by GORT_GC percent of what
// the collector scans: the live heap, and the roots (the data and bss of
// the program and its libraries, and the goroutine stacks), as Go does
// since 1.18.  The next collection comes when the heap has grown that
// much, not before.
enum { PaceLive = 24, PaceChunk = 64 << 10, PaceGs = 2000 };

static void *pacelive[PaceLive];
static gort_chan *pacehold;
static uint32 pacestarted;

static void paceparked(void *arg)
{
	rt_xadd32(&pacestarted, 1);
	gort_chan_recv(pacehold, NULL);
}

// paceround collects with gcpercent pct, checks the goal and when the
// next collection comes, and returns the goal's room beyond pct percent
// of the live heap: pct percent of the roots.
static uint64 paceround(int pct)
{
	gort_gcstats st, now;
	uint64 room, grown = 0;

	rt_knobs.gcpercent = pct;
	rt_gcknobs();
	gort_gc();
	gort_read_gcstats(&st);
	RTCHECK(st.next_gc > st.last_live + st.last_live * (uint64)pct / 100);
	room = st.next_gc - st.last_live - st.last_live * (uint64)pct / 100;
	RTCHECK(room < (uint64)(8 << 20) * (uint64)pct / 100);
	for (;;) {      // garbage, a large object at a time: no small spans
		gort_alloc_noscan(PaceChunk);
		grown += PaceChunk;
		gort_read_gcstats(&now);
		if (now.numgc != st.numgc)
			break;
		RTCHECK(st.last_live + grown < st.next_gc + (256 << 10));
	}
	RTCHECK(st.last_live + grown + (256 << 10) > st.next_gc);
	return room;
}

static void pacemain(void *arg)
{
	uint64 room, roomgs;
	int i;

	rt_knobs.gcstress = 0;
	rt_gcknobs();
	for (i = 0; i < PaceLive; i++)
		pacelive[i] = gort_alloc_noscan(1 << 20);
	paceround(50);
	paceround(200);
	room = paceround(100);
	pacehold = gort_chan_make(0, 0);
	// Stacks to scan, 1 KB at least each: a goroutine has one from when
	// it starts (not when it is made) until it ends.
	for (i = 0; i < PaceGs; i++)
		gort_go(paceparked, NULL);
	while (rt_load32(&pacestarted) < PaceGs)
		gort_yield();
	roomgs = paceround(100);
	RTCHECK(roomgs >= room + PaceGs * 1024);
	gort_chan_close(pacehold);
}

START_TEST(the_next_collection_waits_for_the_heap_to_grow_by_gort_gc_percent)
{
	rtcheck_prog_ok(pacemain, 1);
}
END_TEST

START_TEST(gcstress_off_and_gctrace_knobs_work)
{
	char out[4096];
	int st;

	rtcheck_prog_ok(stressmain, 1);
	rtcheck_prog_ok(offmain, 1);
	st = rtcheck_prog(tracemain, 2, out, sizeof out);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", out);
	ck_assert_msg(strncmp(out, "gc 1 @", 6) == 0 && strstr(out, "\ngc 2 @") != NULL &&
		strstr(out, " KB live, goal ") != NULL && strstr(out, " P marking\n") != NULL, "%s", out);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("gc");
	TCase *tc = tcase_create("gc");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, an_unreachable_object_is_finalized_then_freed);
	tcase_add_test(tc, globals_keep_objects_alive_until_dropped);
	tcase_add_test(tc, stacks_keep_objects_alive_across_segments);
	tcase_add_test(tc, a_long_heap_chain_survives_while_garbage_reuses_the_heap);
	tcase_add_test(tc, a_tree_marked_by_several_workers_at_once_keeps_every_node);
	tcase_add_test(tc, typed_objects_are_scanned_precisely_untyped_ones_conservatively);
	tcase_add_test(tc, an_unreachable_cycle_is_freed);
	tcase_add_test(tc, large_objects_are_freed_and_their_pages_reused);
	tcase_add_test(tc, finalizers_run_in_order_can_be_cleared_and_may_resurrect);
	tcase_add_test(tc, many_goroutines_allocate_while_the_collector_runs);
	tcase_add_test(tc, a_goroutine_not_yet_started_keeps_its_argument_alive);
	tcase_add_test(tc, rss_stays_flat_over_ten_million_allocations);
	tcase_add_test(tc, runtime_scratch_fields_keep_nothing_alive);
	tcase_add_test(tc, a_pointer_into_a_free_slot_keeps_nothing_alive);
	tcase_add_test(tc, the_sweep_keeps_exactly_the_live_slots_of_every_size);
	tcase_add_test(tc, a_swept_span_starts_after_its_live_head);
	tcase_add_test(tc, the_next_collection_waits_for_the_heap_to_grow_by_gort_gc_percent);
	tcase_add_test(tc, gcstress_off_and_gctrace_knobs_work);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
