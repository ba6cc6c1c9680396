// deeprec: in a fresh context on a minimal segment, recurse 1,000,000
// deep with 64 bytes of locals a frame, twice.  wall_cold includes every
// split and every first touch of a page; wall_warm reuses the cached chain.
// The same workload as the Go anchor (bench-anchors/go, deeprec).
#include "bench.h"
#include "runtime.h"
#include "stack.h"

enum { Depth = 1000000 };

#define FRAME(buf) __asm__ volatile("" : : "r"(buf) : "memory")

static Gobuf mainctx, ctx;
static double cold, warm;

static NOINLINE long rec(long n)
{
	volatile long buf[8];

	FRAME(buf);
	buf[0] = n;
	if (n == 0)
		return 0;
	return rec(n - 1) + buf[0] - n + 1;
}

static void run(void *arg)
{
	double t0, t1, t2;

	t0 = bench_now_ns();
	if (rec(Depth) != Depth)
		rt_throw("deeprec: wrong result");
	t1 = bench_now_ns();
	if (rec(Depth) != Depth)
		rt_throw("deeprec: wrong result");
	t2 = bench_now_ns();
	cold = (t1 - t0) / 1e6;
	warm = (t2 - t1) / 1e6;
}

static void back(void)
{
	rt_gogo(&mainctx);
}

int main(int argc, char **argv)
{
	extern char **environ;
	Segment *seg;

	rt_boot(argc, argv, environ);
	seg = rt_stackalloc(StackMin);
	rt_gobuf_init(&ctx, rt_segment_top(seg), run, NULL, back);
	ctx.limit = rt_segment_limit(seg);
	rt_switch(&mainctx, &ctx);
	bench_report("deeprec", "wall_cold", cold, "ms");
	bench_report("deeprec", "wall_warm", warm, "ms");
	bench_report("deeprec", "rss_hwm", bench_rss_hwm_mb(), "MB");
	rt_stackfree(seg);
	return 0;
}
