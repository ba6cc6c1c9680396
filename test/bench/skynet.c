// skynet: a 10-ary tree of goroutines with 1,000,000 leaves, each leaf
// sending its number up, each parent summing its children's channel
// (1,111,111 goroutines).  As the Go anchor; checks 499999500000.
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#include <gort.h>

#include "bench.h"

typedef struct Node {
	gort_chan *up;
	int64_t num, size;
} Node;

static void skynet(void *arg)
{
	Node *n = arg, *child;
	gort_chan *rc;
	int64_t i, v, sum = 0;

	if (n->size == 1) {
		gort_chan_send(n->up, &n->num);
		return;
	}
	rc = gort_chan_make(sizeof(int64_t), 0);
	for (i = 0; i < 10; i++) {
		child = gort_new(Node);
		child->up = rc;
		child->num = n->num + i * (n->size / 10);
		child->size = n->size / 10;
		gort_go(skynet, child);
	}
	for (i = 0; i < 10; i++) {
		gort_chan_recv(rc, &v);
		sum += v;
	}
	gort_chan_send(n->up, &sum);
}

static void bench(void *arg)
{
	char name[32];
	Node *root = gort_new(Node);
	double t0;
	int64_t r;

	root->up = gort_chan_make(sizeof(int64_t), 0);
	root->size = 1000000;
	t0 = bench_now_ns();
	gort_go(skynet, root);
	gort_chan_recv(root->up, &r);
	if (r != INT64_C(499999500000))
		abort();
	snprintf(name, sizeof name, "skynet_p%d", gort_maxprocs());
	bench_report(name, "wall", (bench_now_ns() - t0) / 1e6, "ms");
	bench_report(name, "rss_hwm", bench_rss_hwm_mb(), "MB");
}

GORT_MAIN(bench)
