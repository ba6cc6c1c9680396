// varargs: built by gortcc.  Variadic functions (which clang cannot give a
// split-stack check) called from deep inside a segmented stack, beside
// printf.  Uses the runtime's internal API to run a context on a minimal
// segment until goroutines have a public one.
#include <stdarg.h>
#include <stdio.h>

#include "runtime.h"
#include "stack.h"

static Gobuf mainctx, ctx;

static int sum(int n, ...)
{
	va_list ap;
	int s = 0;

	va_start(ap, n);
	while (n-- > 0)
		s += va_arg(ap, int);
	va_end(ap);
	return s;
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static long deep(long n)
{
	volatile char pad[64];

	pad[0] = (char)n;
	if (n == 0)
		return 0;
	if (n % 200000 == 0)
		say("depth %ld: sum %d\n", n, sum(4, 1, 2, 3, (int)(n / 200000)));
	return deep(n - 1) + 1 + pad[0] - (char)n;
}

static void run(void *arg)
{
	say("recursed %ld deep\n", deep(1000000));
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
	say("back on the main stack\n");
	return 0;
}
