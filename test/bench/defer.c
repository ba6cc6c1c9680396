// defer: a call that defers one small function, 10,000,000 times after
// 100,000 warm-up calls, as the Go anchor.  defer: the record in the
// caller's frame (gort_deferproc_stack, the analogue of Go's open-coded
// defers); defer_loop: the record from the P's pool (gort_deferproc, what
// a defer in a loop needs, as Go's runtime defer records).
#include <stdint.h>

#include <gort.h>
#include <gort/abi.h>

#include "bench.h"

enum { N = 10000000, Warm = 100000 };

static volatile int64_t sink;

static void add(void *arg)
{
	sink += *(int64_t *)arg;
}

static __attribute__((noinline)) void withdefer(int64_t x)
{
	gort_frame fr;
	gort_defer rec;

	if (gort_frame_enter(&fr) != 0)
		goto ret;
	gort_deferproc_stack(&fr, &rec, add, &x);
ret:
	gort_deferreturn(&fr);
}

static __attribute__((noinline)) void withloopdefer(int64_t x)
{
	GORT_DEFERS;
	int i;

	for (i = 0; i < 1; i++)
		GORT_DEFER(add, &x, sizeof x);
}

static void run(const char *name, void (*f)(int64_t))
{
	double t0;
	int64_t i;

	for (i = 0; i < Warm; i++)
		f(i);
	t0 = bench_now_ns();
	for (i = 0; i < N; i++)
		f(i);
	bench_report(name, "call", (bench_now_ns() - t0) / N, "ns/op");
}

static void bench(void *arg)
{
	run("defer", withdefer);
	run("defer_loop", withloopdefer);
}

GORT_MAIN(bench)
