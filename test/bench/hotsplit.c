// hotsplit: a small call made 10,000,000 times from a frame sitting at a
// stack-segment boundary, so that every call crosses into the cached child
// segment and back; hotsplit_base is the same loop with room to spare.
// A probe finds the padding at which the caller fits and the callee does
// not, as the Go anchor does.
#include "bench.h"
#include "runtime.h"
#include "stack.h"

enum { Calls = 10000000, MaxPad = 200 };

#define FRAME(buf) __asm__ volatile("" : : "r"(buf) : "memory")

static Gobuf mainctx, ctx;
static bool probing;
static uintptr calleelimit, callerlimit;
static double ns;

static NOINLINE long leaf(long x)
{
	return x + 1;
}

static NOINLINE long small(long x)
{
	volatile long v[2];

	FRAME(v);
	v[0] = x;
	if (probing)
		calleelimit = rt_getlimit();
	return leaf(v[0]);
}

static NOINLINE long hotloop(long calls)
{
	double t0;
	long i, sum = 0;

	callerlimit = rt_getlimit();
	t0 = bench_now_ns();
	for (i = 0; i < calls; i++)
		sum += small(i);
	ns = (bench_now_ns() - t0) / calls;
	return sum;
}

// descend lowers the stack by pad small frames, then runs the loop.
static NOINLINE long descend(long pad, long calls)
{
	volatile long v[4];

	FRAME(v);
	v[0] = pad;
	if (pad == 0)
		return hotloop(calls);
	return descend(pad - 1, calls) + v[0] - pad;
}

static long args[2];

static void run(void *arg)
{
	descend(args[0], args[1]);
}

static void back(void)
{
	rt_gogo(&mainctx);
}

// trial runs descend(pad, calls) in a fresh context on a minimal segment;
// it reports whether the callee split while the caller did not.
static bool trial(long pad, long calls)
{
	Segment *seg = rt_stackalloc(StackMin);

	args[0] = pad;
	args[1] = calls;
	rt_gobuf_init(&ctx, rt_segment_top(seg), run, NULL, back);
	ctx.limit = rt_segment_limit(seg);
	rt_switch(&mainctx, &ctx);
	rt_stackfree(seg);
	return callerlimit == ctx.limit && calleelimit != callerlimit;
}

int main(int argc, char **argv)
{
	extern char **environ;
	long pad;

	rt_boot(argc, argv, environ);
	probing = true;
	for (pad = 0; pad < MaxPad && !trial(pad, 1); pad++)
		;
	probing = false;
	if (pad == MaxPad)
		rt_throw("hotsplit: no padding puts the call at a boundary");
	trial(pad, Calls);
	bench_report("hotsplit", "call", ns, "ns/op");
	trial(0, Calls);
	bench_report("hotsplit_base", "call", ns, "ns/op");
	printf("# pad_depth=%ld\n", pad);
	return 0;
}
