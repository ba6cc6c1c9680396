// alloc16, alloc64, alloc1024: 10,000,000 allocations of each size with a
// ring of 1024 live objects; every object holds a pointer (to itself) and is
// scanned.  The same workload as the bdwgc and glibc anchors
// (bench-anchors/c/alloc.c).  It runs as a gort program, so that the
// collector runs (from a goroutine only) and the heap reuses its memory,
// as bdwgc's does; each size starts after a collection, as there.
#include <stdio.h>

#include <gort.h>

#include "bench.h"

enum { N = 10000000, Ring = 1024 };

static void *ring[Ring];

static void run(size_t size)
{
	char name[32];
	double t0, el;
	long i;

	gort_gc();
	t0 = bench_now_ns();
	for (i = 0; i < N; i++) {
		void **p = gort_alloc(size);

		p[0] = p;
		ring[i & (Ring - 1)] = p;
	}
	el = bench_now_ns() - t0;
	snprintf(name, sizeof name, "alloc%zu", size);
	bench_report(name, "alloc", el / N, "ns/op");
}

static void bench(void *arg)
{
	run(16);
	run(64);
	run(1024);
}

GORT_MAIN(bench)
