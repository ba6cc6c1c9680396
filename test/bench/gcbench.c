// gcbench: the GCBench-style workload of ../shared/bench-anchors/c/
// gcbench_gc.c (after Ellis, Kovac and Boehm): a long-lived tree and
// array, many short-lived trees built top-down and bottom-up.  Reports
// wall, maxpause, totalpause, gcs and rss_hwm.
#include <stdint.h>
#include <stdlib.h>

#include "gort.h"
#include "bench.h"

typedef struct Node {
	struct Node *left, *right;
	long i, j;
} Node;

enum {
	StretchTreeDepth = 18,
	LongLivedTreeDepth = 16,
	ArraySize = 500000,
	MinTreeDepth = 4,
	MaxTreeDepth = 16,
};

static const unsigned char nodemask[] = {0x3};
static const gort_type nodetype = {sizeof(Node), nodemask};

static int treesize(int i)
{
	return (1 << (i + 1)) - 1;
}

static int numiters(int i)
{
	return 2 * treesize(StretchTreeDepth) / treesize(i);
}

static Node *newnode(void)
{
	return gort_alloc_typed(&nodetype, 1);
}

static void populate(int depth, Node *n)
{
	if (depth <= 0)
		return;
	depth--;
	n->left = newnode();
	n->right = newnode();
	populate(depth, n->left);
	populate(depth, n->right);
}

static Node *maketree(int depth)
{
	Node *l, *r, *n;

	if (depth <= 0)
		return newnode();
	l = maketree(depth - 1);
	r = maketree(depth - 1);
	n = newnode();
	n->left = l;
	n->right = r;
	return n;
}

static Node *volatile sink;

static void benchmain(void *arg)
{
	double t0 = bench_now_ns(), el;
	Node *volatile longlived;
	double *volatile array;
	gort_gcstats st;
	int d, i;

	sink = maketree(StretchTreeDepth);
	sink = NULL;
	longlived = newnode();
	populate(LongLivedTreeDepth, longlived);
	array = gort_alloc_noscan(sizeof(double) * ArraySize);
	for (i = 0; i < ArraySize / 2; i++)
		array[i] = 1.0 / i;
	for (d = MinTreeDepth; d <= MaxTreeDepth; d += 2) {
		int it = numiters(d);

		for (i = 0; i < it; i++) {
			Node *t = newnode();

			populate(d, t);
			sink = t;
		}
		for (i = 0; i < it; i++)
			sink = maketree(d);
	}
	sink = NULL;
	if (longlived == NULL || array[1000] != 1.0 / 1000) {
		fprintf(stderr, "gcbench: live data lost\n");
		exit(1);
	}
	el = bench_now_ns() - t0;
	gort_read_gcstats(&st);
	bench_report("gcbench", "wall", el / 1e6, "ms");
	bench_report("gcbench", "gcs", st.numgc, "count");
	bench_report("gcbench", "maxpause", st.pause_max_ns / 1e6, "ms");
	bench_report("gcbench", "totalpause", st.pause_total_ns / 1e6, "ms");
	bench_report("gcbench", "rss_hwm", bench_rss_hwm_mb(), "MB");
}

int main(void)
{
	return gort_run(benchmain, NULL);
}
