// gcmark: marking alone.  Builds two bottom-up trees of 16-byte typed
// nodes (depths 21 and 20: six million nodes, 96 MB) once, then forces 40
// collections and reports the shortest and the median.  Nothing is
// allocated between them, so each collection marks the same live heap and
// sweeps nothing: the shortest is the mark's cost with the machine's
// noise taken out, which whole runs of binarytrees (a third of whose time
// is marking) cannot show below a tenth.  No anchor: a tool for A/B runs.
#include <stdlib.h>

#include "gort.h"
#include "bench.h"
#include "tree.h"

enum { Collections = 40 };

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void benchmain(void *arg)
{
	Node *volatile big = bottomup(21), *volatile small = bottomup(20);
	double t[Collections], t0;
	int i;

	for (i = 0; i < Collections; i++) {
		t0 = bench_now_ns();
		gort_gc();
		t[i] = (bench_now_ns() - t0) / 1e6;
	}
	qsort(t, Collections, sizeof t[0], cmp);
	bench_report("gcmark", "min", t[0], "ms");
	bench_report("gcmark", "median", t[Collections / 2], "ms");
	(void)big;
	(void)small;
}

int main(void)
{
	return gort_run(benchmain, NULL);
}
