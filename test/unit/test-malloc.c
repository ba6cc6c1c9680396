// test-malloc: the heap.  Size classes, small, tiny and large objects,
// pointer bits, spans and their coalescing, cache refills, giving memory
// back to the OS, and many threads allocating at once.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "gort.h"
#include "rtcheck.h"
#include "runtime.h"
#include "malloc.h"

static bool allzero(const byte *p, uintptr n)
{
	uintptr i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

START_TEST(size_classes_keep_their_bounds)
{
	ck_assert(rt_sizecheck());
	ck_assert_uint_ge(rt_nsizeclasses, 60);
	ck_assert_uint_le(rt_nsizeclasses, NumSizeClasses);
	ck_assert_uint_eq(rt_class_to_size[rt_nsizeclasses - 1], MaxSmallSize);
	ck_assert_uint_eq(rt_class_to_size[rt_sizetoclass(1)], 8);
	ck_assert_uint_eq(rt_class_to_size[rt_sizetoclass(17)], 32);
	ck_assert_uint_eq(rt_class_to_size[rt_sizetoclass(1025)], 1152);
}
END_TEST

START_TEST(small_objects_are_zeroed_aligned_and_sized_by_class)
{
	uintptr size;
	byte *p;
	MSpan *s;

	for (size = 1; size <= MaxSmallSize; size += size < 256 ? 1 : 97) {
		p = gort_alloc(size);
		s = rt_mheap_lookup(p);
		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(s->state, MSpanInUse);
		ck_assert_uint_eq(s->elemsize, rt_class_to_size[rt_sizetoclass(size)]);
		ck_assert_uint_eq(((uintptr)p - (uintptr)rt_spanbase(s)) % s->elemsize, 0);
		ck_assert_uint_eq((uintptr)p % (size >= 16 ? 16 : 8), 0);
		ck_assert(allzero(p, s->elemsize));
		memset(p, 0xa5, size);
	}
}
END_TEST

START_TEST(objects_do_not_overlap)
{
	enum { N = 5000 };
	static byte *p[N];
	int i;

	for (i = 0; i < N; i++) {
		p[i] = gort_alloc(40);
		memset(p[i], i & 0xff, 40);
	}
	for (i = 0; i < N; i++)
		ck_assert(p[i][0] == (i & 0xff) && p[i][39] == (i & 0xff));
}
END_TEST

START_TEST(pointer_free_objects_never_share_a_span_with_others)
{
	MSpan *a = rt_mheap_lookup(gort_alloc_noscan(64));
	MSpan *b = rt_mheap_lookup(gort_alloc(64));

	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(a->spanclass & 1, 1);
	ck_assert_uint_eq(b->spanclass & 1, 0);
	ck_assert_uint_eq(a->spanclass >> 1, b->spanclass >> 1);
}
END_TEST

START_TEST(pointer_bits_follow_the_type)
{
	static const unsigned char mask[] = {0x5};      // words 0 and 2
	gort_type t = {3 * sizeof(void *), mask};
	void **u = gort_alloc(3 * sizeof(void *));
	void **v = gort_alloc_typed(&t, 1);
	void **w = gort_alloc_typed(&t, 4);
	int i;

	for (i = 0; i < 3; i++)         // untyped: every word may be a pointer
		ck_assert(rt_pointerbit(&u[i]));
	ck_assert(rt_pointerbit(&v[0]) && !rt_pointerbit(&v[1]) && rt_pointerbit(&v[2]));
	for (i = 0; i < 12; i++)        // arrays repeat the mask per element
		ck_assert_msg(rt_pointerbit(&w[i]) == (i % 3 != 1), "word %d", i);
}
END_TEST

// The sweeper leaves a dead object's pointer bits behind; the object
// allocated next in its slot writes all of its own, zeros included.
static void reusemain(void *arg)
{
	static const unsigned char mask[] = {0x5};      // words 0 and 2 of 3
	gort_type t = {3 * sizeof(void *), mask};
	enum { N = 4096 };
	static uintptr old[N];          // hidden addresses of the untyped ones
	static void *keep[N / 8];       // one in eight lives: the spans stay
	uintptr i, j, reused = 0;

	for (i = 0; i < N; i++) {
		void *p = gort_alloc(3 * sizeof(void *));

		if (i % 8 == 0)
			keep[i / 8] = p;
		old[i] = RTHIDE(p);
	}
	gort_gc();
	gort_gc();
	for (i = 0; i < N; i++) {
		void **v = gort_alloc_typed(&t, 1);

		RTCHECK(rt_pointerbit(&v[0]) && !rt_pointerbit(&v[1]) && rt_pointerbit(&v[2]));
		for (j = 0; j < N && reused == 0; j++)
			if (RTHIDE(old[j]) == (uintptr)v)
				reused = 1;
	}
	RTCHECK(reused);                // the test did look at a reused slot
}

START_TEST(a_reused_slot_gets_the_new_objects_pointer_bits)
{
	rtcheck_prog_ok(reusemain, 1);
}
END_TEST

// An MCache writes the bits of the allocation that takes a span into all
// of its free slots at once (prefillbits).  Objects of other types and
// sizes in that span still get their own, and a live object in a span
// taken again keeps its own.  Six kinds, in runs of random length so that
// each kind in turn takes spans: 16-byte slots with pointers in both
// words, the first, the second, and untyped; 32-byte slots typed 1001,
// and untyped 24 and 32 bytes (1110 and 1111: the size matters, not only
// the type).
enum { PrefillN = 6000, PrefillKinds = 7 };

static const unsigned char m11[] = {0x3}, m10[] = {0x1}, m01[] = {0x2}, m1001[] = {0x9};
static const gort_type t11 = {2 * sizeof(void *), m11}, t10 = {2 * sizeof(void *), m10};
static const gort_type t01 = {2 * sizeof(void *), m01}, t1001 = {4 * sizeof(void *), m1001};
static const char *const prefillwant[PrefillKinds] = {"11", "10", "01", "11", "1001", "1110", "1111"};

static void *prefillnew(int kind)
{
	switch (kind) {
	case 0: return gort_alloc_typed(&t11, 1);
	case 1: return gort_alloc_typed(&t10, 1);
	case 2: return gort_alloc_typed(&t01, 1);
	case 3: return gort_alloc(2 * sizeof(void *));
	case 4: return gort_alloc_typed(&t1001, 1);
	case 5: return gort_alloc(3 * sizeof(void *));
	default: return gort_alloc(4 * sizeof(void *));
	}
}

static bool prefillok(void **v, int kind)
{
	const char *w = prefillwant[kind];
	int i;

	for (i = 0; w[i] != 0; i++)
		if (rt_pointerbit(&v[i]) != (w[i] == '1'))
			return false;
	return true;
}

// fillround allocates n objects in runs of one kind, checks each, and
// keeps one in three (kept, kinds); the rest become garbage.
static void fillround(uint32 seed, void ***kept, int *kinds, int n)
{
	int i, run = 0, kind = 0;

	for (i = 0; i < n; i++) {
		void **v;

		if (run-- == 0) {
			seed = seed * 1103515245 + 12345;
			kind = (int)(seed >> 16) % PrefillKinds;
			run = (int)(seed >> 8) % 700;
		}
		v = prefillnew(kind);
		RTCHECK(prefillok(v, kind));
		if (i % 3 == 0) {
			kept[i / 3] = v;
			kinds[i / 3] = kind;
		}
	}
}

static void prefillmain(void *arg)
{
	static void **old[PrefillN / 3], **young[PrefillN / 3];
	static int oldkind[PrefillN / 3], youngkind[PrefillN / 3];
	int i, j, shared = 0;

	fillround(1, old, oldkind, PrefillN);
	gort_gc();
	gort_gc();
	fillround(7, young, youngkind, PrefillN);
	for (i = 0; i < PrefillN / 3; i++) {
		RTCHECK(prefillok(old[i], oldkind[i]));
		RTCHECK(prefillok(young[i], youngkind[i]));
	}
	for (i = 0; i < PrefillN / 3 && !shared; i++)   // spans were taken again
		for (j = 0; j < PrefillN / 3 && !shared; j++)
			shared = rt_mheap_lookup(old[i]) == rt_mheap_lookup(young[j]);
	RTCHECK(shared);
}

START_TEST(a_span_filled_with_one_types_bits_gives_other_objects_their_own)
{
	rtcheck_prog_ok(prefillmain, 1);
}
END_TEST

START_TEST(tiny_objects_pack_into_aligned_blocks)
{
	byte *a, *b, *c, *d;

	a = gort_alloc_noscan(8);
	b = gort_alloc_noscan(4);
	c = gort_alloc_noscan(2);
	d = gort_alloc_noscan(1);
	// One 16-byte block: 8 at 0, 4 at 8, 2 at 12, 1 at 14.
	ck_assert_uint_eq((uintptr)a % 8, 0);
	ck_assert_ptr_eq(b, a + 8);
	ck_assert_ptr_eq(c, a + 12);
	ck_assert_ptr_eq(d, a + 14);
	ck_assert_uint_eq(rt_mheap_lookup(a)->elemsize, TinySize);
	// An 8-byte object no longer fits: a new block, 8-aligned.
	b = gort_alloc_noscan(8);
	ck_assert_uint_eq((uintptr)b % 8, 0);
	ck_assert((uintptr)b / TinySize != (uintptr)a / TinySize);
	ck_assert(allzero(b, 8));
}
END_TEST

START_TEST(large_objects_get_their_own_span_and_come_back_zeroed)
{
	byte *p, *q;
	MSpan *s;

	p = gort_alloc(100000);
	s = rt_mheap_lookup(p);
	ck_assert_ptr_eq(p, rt_spanbase(s));
	ck_assert_uint_eq(s->spanclass >> 1, 0);
	ck_assert_uint_eq(s->npages, (100000 + PageSize - 1) / PageSize);
	ck_assert_ptr_eq(rt_mheap_lookup(p + 99999), s);
	ck_assert(allzero(p, 100000));
	memset(p, 0x77, 100000);
	rt_free(p);
	q = gort_alloc(100000);         // the same pages, dirty: zeroed again
	ck_assert(allzero(q, 100000));
}
END_TEST

START_TEST(free_spans_coalesce)
{
	MSpan *a, *b, *c, *m;
	uintptr start;

	a = rt_mheap_alloc(3, MSpanInUse);
	b = rt_mheap_alloc(3, MSpanInUse);
	c = rt_mheap_alloc(3, MSpanInUse);
	ck_assert_uint_eq(b->start, a->start + 3);
	ck_assert_uint_eq(c->start, b->start + 3);
	start = a->start;
	rt_mheap_free(a);
	rt_mheap_free(c);
	rt_mheap_free(b);
	m = rt_mheap_lookup((void *)(start << PageShift));
	ck_assert_uint_eq(m->state, MSpanFree);
	ck_assert_uint_eq(m->start, start);
	ck_assert_uint_ge(m->npages, 9);
}
END_TEST

START_TEST(a_full_span_is_swapped_for_a_fresh_one)
{
	MSpan *first, *s;
	uint32 i, n;
	byte *p;

	p = gort_alloc(2048);
	first = rt_mheap_lookup(p);
	n = first->nelems - first->freeindex;
	for (i = 0; i < n; i++)
		ck_assert_ptr_eq(rt_mheap_lookup(gort_alloc(2048)), first);
	s = rt_mheap_lookup(gort_alloc(2048));
	ck_assert_ptr_ne(s, first);
	ck_assert_uint_eq(first->incache, 0);
	ck_assert_uint_eq(first->freeindex, first->nelems);
	ck_assert_uint_eq(s->incache, 1);
}
END_TEST

// Garbage the collector frees goes back to the OS by itself: after a
// collection cycle once it stayed free through one, or as soon as the
// program goes idle.
enum { ScavObjs = 65536, ScavSize = 1024 };     // 64 MB
static void *scavobjs[ScavObjs];

// scavobjsnow: all of them, or a quarter when a collection comes every
// few allocations (gcstress).  scavexpect: the pages that must go back,
// three quarters of what the heap does not keep (4 MB at least).
static long scavobjsnow(void)
{
	return rt_knobs.gcstress > 0 ? ScavObjs / 4 : ScavObjs;
}

static long scavexpect(void)
{
	return (scavobjsnow() * ScavSize - (4 << 20)) / 4096 * 3 / 4;
}

static NOINLINE long fillandforget(void)
{
	long touched;
	int i;

	for (i = 0; i < scavobjsnow(); i++) {
		scavobjs[i] = gort_alloc(ScavSize);
		*(char *)scavobjs[i] = 1;       // resident even where mmap
	}                                       //   does not populate (qemu)
	touched = rtcheck_rsspages();
	memset(scavobjs, 0, sizeof scavobjs);
	return touched;
}

static void scavcyclesmain(void *arg)
{
	long touched = fillandforget(), after;
	int i;

	for (i = 0; i < 4; i++) {
		gort_alloc(16);
		gort_gc();
	}
	after = rtcheck_rsspages();
	RTCHECK(touched - after >= scavexpect());
}

static void scavidlemain(void *arg)
{
	long touched = fillandforget(), after;

	gort_gc();
	gort_gc();              // freed: young, kept while the program runs
	gort_sleep(100000000);  // every P idle: sysmon gives it back
	after = rtcheck_rsspages();
	RTCHECK(touched - after >= scavexpect());
}

START_TEST(collected_memory_goes_back_to_the_os_after_a_cycle_or_when_idle)
{
	rtcheck_prog_ok(scavcyclesmain, 1);
	rtcheck_prog_ok(scavidlemain, 1);
}
END_TEST

// resident: the 4 KB pages of [p, p+n) in memory (mincore).
static uintptr resident(byte *p, uintptr n)
{
	static unsigned char vec[(64 << 20) / 4096];
	uintptr i, count = 0;

	RTCHECK(n / 4096 <= sizeof vec && mincore(p, n, vec) == 0);
	for (i = 0; i < n / 4096; i++)
		count += vec[i] & 1;
	return count;
}

// While the program runs, the scavenger gives back only whole huge pages:
// a freed span goes back from its first huge page boundary to its last,
// and its ends, which share huge pages with memory in use, stay resident
// (releasing them would split those pages).  The span is put between two
// in use, so that it cannot merge with free neighbours.
static void scavhugemain(void *arg)
{
	uintptr n = (40 << 20) + (96 << 10), lo, hi, base, end;
	byte *a, *b, *c;
	MSpan *s;
	int i;

	a = gort_alloc_noscan(5 << 19);         // each more than any free span:
	b = gort_alloc_noscan(n);               //   one after another from
	c = gort_alloc_noscan(5 << 19);         //   the arena's free end
	s = rt_mheap_lookup(b);
	base = (uintptr)rt_spanbase(s);
	end = base + (s->npages << PageShift);
	RTCHECK(base == (uintptr)b && end == base + n);
	RTCHECK(rt_mheap_lookup((byte *)base - 1) == rt_mheap_lookup(a));
	RTCHECK(rt_mheap_lookup((byte *)end) == rt_mheap_lookup(c));
	memset(b, 1, n);
	rt_free(b);
	for (i = 0; i < 3; i++)                 // it ages; each cycle scavenges
		gort_gc();
	lo = (base + HugePageSize - 1) & ~(uintptr)(HugePageSize - 1);
	hi = end & ~(uintptr)(HugePageSize - 1);
	RTCHECK(resident((byte *)lo, hi - lo) == 0);
	RTCHECK(resident((byte *)base, lo - base) == (lo - base) / 4096);
	RTCHECK(resident((byte *)hi, end - hi) == (end - hi) / 4096);
	RTCHECK(*(volatile char *)a == 0 && *(volatile char *)c == 0);       // in use throughout
}

START_TEST(a_running_programs_scavenger_gives_back_whole_huge_pages_only)
{
	rtcheck_prog_ok(scavhugemain, 1);
}
END_TEST

#ifndef GORT_TEST_EMULATED
// hugeadvised: whether the mapping holding p was offered to transparent
// huge pages ("hg" among its VmFlags in /proc/self/smaps).
static bool hugeadvised(void *p)
{
	char line[512];
	unsigned long lo, hi;
	bool in = false, hg = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strncmp(line, "VmFlags", 7) != 0)
			in = lo <= (unsigned long)p && (unsigned long)p < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0)
			hg = strstr(line, " hg") != NULL;
	}
	fclose(f);
	return hg;
}

// The heap's chunks are offered to huge pages unless GORT_DEBUG=disablethp
// says not to.  qemu-user drops the advice (and its /proc/self/smaps
// describes qemu's own mappings), so only a native build can see it; the
// knob's parsing is tested on every target (test-boot).
START_TEST(heap_chunks_are_offered_to_huge_pages_unless_disabled)
{
	byte *p = gort_alloc_noscan(8 << 20);   // a chunk mapped now

	ck_assert(hugeadvised(p));
	rt_knobs.disablethp = 1;
	p = gort_alloc_noscan(8 << 20);
	ck_assert(!hugeadvised(p));
	rt_knobs.disablethp = 0;
}
END_TEST
#endif

START_TEST(freed_memory_goes_back_to_the_os)
{
	uintptr n = 64 << 20;
	long before, touched, after;
	gort_memstats m;
	byte *p;

	before = rtcheck_rsspages();
	p = gort_alloc_noscan(n);
	memset(p, 1, n);
	touched = rtcheck_rsspages();
	ck_assert_int_ge(touched - before, (long)(n / 4096) * 9 / 10);
	rt_free(p);
	gort_free_os_memory();
	after = rtcheck_rsspages();
	gort_read_memstats(&m);
	ck_assert_msg(touched - after >= (long)(n / 4096) * 9 / 10,
		"RSS fell by %ld pages of %ld", touched - after, (long)(n / 4096));
	ck_assert_uint_ge(m.heap_released, n);
	ck_assert_uint_eq(m.heap_released, m.heap_idle);
}
END_TEST

START_TEST(memstats_count_what_was_allocated)
{
	gort_memstats a, b;
	int i;

	gort_read_memstats(&a);
	for (i = 0; i < 1000; i++)
		gort_alloc(48);
	gort_alloc(1 << 20);
	for (i = 0; i < 10; i++)
		gort_alloc_noscan(3);
	gort_read_memstats(&b);
	ck_assert_uint_eq(b.mallocs - a.mallocs, 1000 + 1 + (b.by_size[1].mallocs - a.by_size[1].mallocs));
	ck_assert_uint_eq(b.tiny_allocs - a.tiny_allocs, 10);
	ck_assert_uint_ge(b.heap_alloc - a.heap_alloc, 1000 * 48 + (1 << 20));
	ck_assert_uint_le(b.heap_inuse, b.heap_sys);
	ck_assert_uint_le(b.heap_sys, b.heap_reserved);
}
END_TEST

static void printstats(void *arg)
{
	gort_alloc(48);
	rt_memstats_print();
}

// A thread the runtime did not make (no M, so no MCache) that allocates
// dies with a clear message, whichever entry point it takes.
static void *foreignalloc(void *arg)
{
	gort_alloc_typed(arg, 1);
	return NULL;
}

static void foreignmain(void *arg)
{
	static const unsigned char mask[] = {0x1};
	static const gort_type t = {sizeof(void *), mask};
	pthread_t th;

	pthread_create(&th, NULL, foreignalloc, (void *)&t);
	pthread_join(th, NULL);
}

START_TEST(allocating_on_a_thread_that_is_not_an_m_is_fatal)
{
	static char out[4096];
	int st = rtcheck_prog(foreignmain, 1, out, sizeof out);

	ck_assert(st != 0);
	ck_assert_msg(strstr(out, "fatal error: allocation on a thread that is not an M\n") != NULL, "%s", out);
}
END_TEST

START_TEST(memstats_print_names_each_figure)
{
	static char out[8192];
	int st = rtcheck_child(printstats, NULL, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_msg(strncmp(out, "gort: memstats\n  heap_alloc ", 28) == 0, "%s", out);
	ck_assert_msg(strstr(out, "\n  size 48 mallocs ") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "\n  heap_released ") != NULL, "%s", out);
}
END_TEST

START_TEST(madv_free_gives_pages_back_and_they_come_back_zeroed)
{
	uintptr n = 16 << 20;
	gort_memstats m;
	byte *p;

	rt_knobs.madvfree = 1;
	p = gort_alloc_noscan(n);
	memset(p, 3, n);
	rt_free(p);
	gort_free_os_memory();
	gort_read_memstats(&m);
	ck_assert_uint_ge(m.heap_released, n);
	p = gort_alloc_noscan(n);       // MADV_FREE pages may still hold data
	ck_assert(allzero(p, n));
	rt_knobs.madvfree = 0;
}
END_TEST

enum { Threads = 4, PerThread = 50000 };

static void *hammer(void *arg)
{
	uintptr seed = (uintptr)arg, i, size;
	uintptr **keep = malloc(PerThread * sizeof *keep);

	rt_minit();
	for (i = 0; i < PerThread; i++) {
		size = 8 + (seed * 7919 + i * 104729) % 3000;
		keep[i] = gort_alloc(size);
		keep[i][0] = seed << 20 | i;
	}
	for (i = 0; i < PerThread; i++)
		if (keep[i][0] != (seed << 20 | i))
			return (void *)1;
	free(keep);
	return NULL;
}

START_TEST(many_threads_allocate_at_once)
{
	pthread_t t[Threads];
	void *r;
	uintptr i;

	for (i = 0; i < Threads; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, (void *)(i + 1)), 0);
	for (i = 0; i < Threads; i++) {
		pthread_join(t[i], &r);
		ck_assert_ptr_null(r);
	}
}
END_TEST

START_TEST(page_map_and_bits_survive_arena_growth)
{
	enum { N = 200 };
	static byte *big[N];
	void **first = gort_alloc(2 * sizeof(void *));
	MSpan *s = rt_mheap_lookup(first);
	int i;

	// Each large object grows the arena past another chunk boundary; the
	// side tables grow with it and must keep what they held.
	for (i = 0; i < N; i++)
		big[i] = gort_alloc((1 << 20) + 4096);
	ck_assert_ptr_eq(rt_mheap_lookup(first), s);
	ck_assert(rt_pointerbit(&first[0]) && rt_pointerbit(&first[1]));
	for (i = 0; i < N; i++) {
		ck_assert_ptr_eq(rt_spanbase(rt_mheap_lookup(big[i])), big[i]);
		ck_assert_ptr_eq(rt_mheap_lookup(big[i] + (1 << 20)), rt_mheap_lookup(big[i]));
		ck_assert(rt_pointerbit(big[i] + (1 << 20)));
	}
}
END_TEST

START_TEST(the_arena_starts_on_a_huge_page)
{
	// mmap aligns to 4 KB; page numbers need the heap's 8 KB pages, and
	// huge pages 2 MB.
	ck_assert_uint_eq((uintptr)rt_mheap.arena_start % HugePageSize, 0);
	ck_assert_uint_eq((uintptr)rt_mheap.arena_end % PageSize, 0);
}
END_TEST

START_TEST(arena_size_fits_the_limit)
{
	uintptr mapped = 20 << 20, arena = rt_arenasize(256 << 20, mapped);

	ck_assert_uint_eq(rt_arenasize(0, mapped), 0);
	ck_assert_uint_eq(arena % PageSize, 0);
	ck_assert_uint_ge(arena, 180 << 20);
	// arena (stacks included) + page map + bitmaps + worst-case span
	// metadata + thread stacks + what is mapped: within the limit.
	ck_assert_uint_le(mapped + (32 << 20) + arena +
		arena / PageSize * (PTRSIZE + sizeof(MSpan)) + arena / (4 * PTRSIZE),
		(uintptr)256 << 20);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("malloc");
	TCase *tc = tcase_create("heap");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, size_classes_keep_their_bounds);
	tcase_add_test(tc, small_objects_are_zeroed_aligned_and_sized_by_class);
	tcase_add_test(tc, objects_do_not_overlap);
	tcase_add_test(tc, pointer_free_objects_never_share_a_span_with_others);
	tcase_add_test(tc, pointer_bits_follow_the_type);
	tcase_add_test(tc, a_reused_slot_gets_the_new_objects_pointer_bits);
	tcase_add_test(tc, a_span_filled_with_one_types_bits_gives_other_objects_their_own);
	tcase_add_test(tc, tiny_objects_pack_into_aligned_blocks);
	tcase_add_test(tc, large_objects_get_their_own_span_and_come_back_zeroed);
	tcase_add_test(tc, free_spans_coalesce);
	tcase_add_test(tc, a_full_span_is_swapped_for_a_fresh_one);
	tcase_add_test(tc, freed_memory_goes_back_to_the_os);
	tcase_add_test(tc, collected_memory_goes_back_to_the_os_after_a_cycle_or_when_idle);
	tcase_add_test(tc, a_running_programs_scavenger_gives_back_whole_huge_pages_only);
#ifndef GORT_TEST_EMULATED
	tcase_add_test(tc, heap_chunks_are_offered_to_huge_pages_unless_disabled);
#endif
	tcase_add_test(tc, memstats_count_what_was_allocated);
	tcase_add_test(tc, memstats_print_names_each_figure);
	tcase_add_test(tc, madv_free_gives_pages_back_and_they_come_back_zeroed);
	tcase_add_test(tc, many_threads_allocate_at_once);
	tcase_add_test(tc, page_map_and_bits_survive_arena_growth);
	tcase_add_test(tc, the_arena_starts_on_a_huge_page);
	tcase_add_test(tc, arena_size_fits_the_limit);
	tcase_add_test(tc, allocating_on_a_thread_that_is_not_an_m_is_fatal);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
