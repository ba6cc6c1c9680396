// tree.h: the binary tree binarytrees and gcmark build: 16-byte nodes,
// both words pointers (typed, so the collector scans them precisely),
// made bottom-up (both children, then the node) as the Benchmarks Game's
// binary-trees does.
#ifndef GORT_BENCH_TREE_H
#define GORT_BENCH_TREE_H

#include <stddef.h>

#include "gort.h"

typedef struct Node {
	struct Node *left, *right;
} Node;

static const unsigned char nodemask[] = {0x3};
static const gort_type nodetype = {sizeof(Node), nodemask};

static Node *bottomup(int d)
{
	Node *l = NULL, *r = NULL, *n;

	if (d > 0) {
		l = bottomup(d - 1);
		r = bottomup(d - 1);
	}
	n = gort_alloc_typed(&nodetype, 1);
	n->left = l;
	n->right = r;
	return n;
}

#endif
