// settle: fault in N MB (default 3072) and give them back, so that the
// program compare.sh runs next finds memory the host still backs.
//
// Why: this machine is a virtual machine whose kernel reports free memory
// to the host (virtio-balloon free page reporting, in blocks of 8 MB, a
// couple of seconds after it is freed), and the host takes it back.  The
// first touch of such memory costs the host a fault and a zeroed page:
// about 1-2 s per GB in huge pages, against 0.1 s per GB for memory freed
// a moment ago.  Whether a benchmark pays that depended on what ran
// before it in the round and how much that used, so a ratio swung with
// the order of programs (gort's skynet on two Ps: 0.3 s after a program
// that had just freed enough memory, 0.5-0.8 s otherwise).  Run before
// every program, settle gives each the same start: enough recently freed
// memory for its whole peak.  docs/testing.md has the measurements.
//
// Plain C, no gort: it only needs the kernel.
#include <stdlib.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int main(int argc, char **argv)
{
	size_t n = (size_t)atol(argc > 1 ? argv[1] : "3072") << 20, i;
	char *p;

	p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	// Huge pages: 3 GB of small ones take seconds to fault in here.
	madvise(p, n, MADV_HUGEPAGE);
	if (madvise(p, n, MADV_POPULATE_WRITE) != 0)    // before Linux 5.14
		for (i = 0; i < n; i += 4096)
			p[i] = 1;
	return 0;
}
