// spawn1m: start 1,000,000 goroutines that each report started and block
// until released; release them all; join.  As the Go anchor.  Built
// twice: with -DWITH_DEFER (spawn1m_defer) each goroutine defers its
// "done" rather than calling it.
#include <stdio.h>

#include <gort.h>
#include <gort/sync.h>

#include "bench.h"

enum { N = 1000000 };

static gort_waitgroup started, done;
static gort_chan *release;

#ifdef WITH_DEFER
#define NAME "spawn1m_defer"
static void donedone(void *arg)
{
	gort_waitgroup_done(&done);
}

static void g(void *arg)
{
	GORT_DEFERS;
	GORT_DEFER(donedone, NULL, 0);
	gort_waitgroup_done(&started);
	gort_chan_recv(release, NULL);
}
#else
#define NAME "spawn1m"
static void g(void *arg)
{
	gort_waitgroup_done(&started);
	gort_chan_recv(release, NULL);
	gort_waitgroup_done(&done);
}
#endif

static void bench(void *arg)
{
	double t0;
	long i;

	release = gort_chan_make(0, 0);
	gort_waitgroup_add(&started, N);
	gort_waitgroup_add(&done, N);
	t0 = bench_now_ns();
	for (i = 0; i < N; i++)
		gort_go(g, NULL);
	gort_waitgroup_wait(&started);
	gort_chan_close(release);
	gort_waitgroup_wait(&done);
	bench_report(NAME, "wall", (bench_now_ns() - t0) / 1e6, "ms");
	bench_report(NAME, "rss_hwm", bench_rss_hwm_mb(), "MB");
}

GORT_MAIN(bench)
