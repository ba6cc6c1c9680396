// ctxswitch: two contexts switching 10,000,000 times (5,000,000 round
// trips) after 100,000 warm-up round trips; ns per one-way switch.  The
// same workload as the Boost.Context anchor (bench-anchors/c/ctxswitch.cpp).
#include <stdlib.h>

#include "bench.h"
#include "runtime.h"

enum { StackSize = 64 * 1024, Warmup = 100000, RoundTrips = 5000000 };

static Gobuf mainctx, other;

static void bounce(void *arg)
{
	for (;;)
		rt_switch(&other, &mainctx);
}

static void unreachable(void)
{
	rt_throw("ctxswitch: bounce returned");
}

int main(int argc, char **argv)
{
	extern char **environ;
	char *stack = malloc(StackSize);
	double t0, t1;
	long i;

	rt_boot(argc, argv, environ);
	rt_gobuf_init(&other, (uintptr)stack + StackSize, bounce, NULL, unreachable);
	for (i = 0; i < Warmup; i++)
		rt_switch(&mainctx, &other);
	t0 = bench_now_ns();
	for (i = 0; i < RoundTrips; i++)
		rt_switch(&mainctx, &other);
	t1 = bench_now_ns();
	bench_report("ctxswitch", "switch", (t1 - t0) / (2.0 * RoundTrips), "ns/op");
	return 0;
}
