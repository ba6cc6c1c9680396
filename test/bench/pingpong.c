// pingpong: main and one goroutine, two unbuffered channels of int;
// 1,000,000 round trips after 10,000 warm-up trips; ns per round trip.
// Run with GORT_MAXPROCS=1 and 2 (pingpong_p1, pingpong_p2), as the Go
// anchor is.
#include <stdio.h>
#include <stdlib.h>

#include <gort.h>

#include "bench.h"

enum { N = 1000000, Warmup = 10000 };

static gort_chan *ping, *pong;

static void echo(void *arg)
{
	long v;

	while (gort_chan_recv2(ping, &v)) {
		v++;
		gort_chan_send(pong, &v);
	}
}

static void bench(void *arg)
{
	char name[32];
	long i, v;
	long long s = 0;
	double t0, el;

	ping = gort_chan_make(sizeof(long), 0);
	pong = gort_chan_make(sizeof(long), 0);
	gort_go(echo, NULL);
	for (i = 0; i < Warmup; i++) {
		gort_chan_send(ping, &i);
		gort_chan_recv(pong, &v);
	}
	t0 = bench_now_ns();
	for (i = 0; i < N; i++) {
		gort_chan_send(ping, &i);
		gort_chan_recv(pong, &v);
		s += v;
	}
	el = bench_now_ns() - t0;
	gort_chan_close(ping);
	if (s != (long long)N * (N - 1) / 2 + N)
		abort();
	snprintf(name, sizeof name, "pingpong_p%d", gort_maxprocs());
	bench_report(name, "roundtrip", el / N, "ns/op");
}

GORT_MAIN(bench)
