// binarytrees_seq: the Benchmarks Game's binary-trees, depth 21, on one
// goroutine, as ../shared/bench-anchors/c/binarytrees_gc.c does on bdwgc.
// Nodes are typed (both words are pointers), so they are scanned
// precisely.  Reports wall, rss_hwm and the longest collection pause.
#include <stdint.h>
#include <stdlib.h>

#include "gort.h"
#include "bench.h"
#include "tree.h"

static long check(const Node *n)
{
	if (n->left == NULL)
		return 1;
	return 1 + check(n->left) + check(n->right);
}

static void benchmain(void *arg)
{
	const int mindepth = 4, maxdepth = 21;
	double t0 = bench_now_ns(), el;
	Node *volatile longlived;
	gort_gcstats st;
	long c;
	int d, ok = 1;

	c = check(bottomup(maxdepth + 1));
	fprintf(stderr, "stretch tree of depth %d\t check: %ld\n", maxdepth + 1, c);
	ok &= c == (1L << (maxdepth + 2)) - 1;
	longlived = bottomup(maxdepth);
	for (d = mindepth; d <= maxdepth; d += 2) {
		long it = 1L << (maxdepth - d + mindepth), i;

		for (c = 0, i = 0; i < it; i++)
			c += check(bottomup(d));
		fprintf(stderr, "%ld\t trees of depth %d\t check: %ld\n", it, d, c);
		ok &= c == it * ((1L << (d + 1)) - 1);
	}
	c = check(longlived);
	fprintf(stderr, "long lived tree of depth %d\t check: %ld\n", maxdepth, c);
	ok &= c == (1L << (maxdepth + 1)) - 1;
	el = bench_now_ns() - t0;
	if (!ok) {
		fprintf(stderr, "binarytrees check failed\n");
		exit(1);
	}
	gort_read_gcstats(&st);
	bench_report("binarytrees_seq", "wall", el / 1e6, "ms");
	bench_report("binarytrees_seq", "rss_hwm", bench_rss_hwm_mb(), "MB");
	bench_report("binarytrees_seq", "maxpause", st.pause_max_ns / 1e6, "ms");
	fprintf(stderr, "gcs=%u totalpause=%.1f ms\n", st.numgc, st.pause_total_ns / 1e6);
}

int main(void)
{
	return gort_run(benchmain, NULL);
}
