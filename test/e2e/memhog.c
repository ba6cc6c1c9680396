// memhog LIVE EXTRA: keep LIVE MB of heap objects live, touching every
// page, then try to allocate EXTRA MB more.  Run under an address-space
// limit, it shows the heap fitting the limit: within it, the program runs;
// beyond it, it dies with "fatal error: out of memory", never a segfault.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gort.h>

enum { MB = 1 << 20 };

int main(int argc, char **argv)
{
	long live = argc > 1 ? atol(argv[1]) : 100;
	long extra = argc > 2 ? atol(argv[2]) : 0;
	char **keep = gort_alloc((live + extra) * sizeof *keep);
	long i;

	for (i = 0; i < live; i++) {
		keep[i] = gort_alloc_noscan(MB);
		memset(keep[i], (int)i, MB);
	}
	printf("kept %ld MB live\n", live);
	fflush(stdout);
	for (i = 0; i < extra; i++) {
		keep[live + i] = gort_alloc_noscan(MB);
		memset(keep[live + i], 1, MB);
	}
	for (i = 0; i < live; i++)
		if (keep[i][MB - 1] != (char)i)
			return 1;
	printf("allocated %ld MB more\n", extra);
	return 0;
}
