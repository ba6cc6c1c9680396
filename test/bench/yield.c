// yield: with one P, two goroutines each yield 5,000,000 times; ns per
// switch (wall time / 10,000,000), as in the Go anchor.
#include <gort.h>

#include "bench.h"

enum { Total = 10000000 };

static gort_chan *done;

static void yielder(void *arg)
{
	long i;

	for (i = 0; i < Total / 2; i++)
		gort_yield();
	gort_chan_send(done, NULL);
}

static void bench(void *arg)
{
	double t0;

	done = gort_chan_make(0, 2);
	t0 = bench_now_ns();
	gort_go(yielder, NULL);
	gort_go(yielder, NULL);
	gort_chan_recv(done, NULL);
	gort_chan_recv(done, NULL);
	bench_report("yield", "switch", (bench_now_ns() - t0) / Total, "ns/op");
}

GORT_MAIN(bench)
