/* headers.c: the public headers compile as strict C99 (this file, built
 * with -std=c99 -pedantic -Werror) and as C++ (headers.cc). */
#include <gort.h>
#include <gort/abi.h>

/* Defer's macros compile as strict C99 too (not called: it needs a
 * goroutine). */
static void noop(void *arg)
{
	(void)arg;
}

int deferring(int x);
int deferring(int x)
{
	GORT_DEFERS_RETURN(-1);
	GORT_DEFER(noop, &x, sizeof x);
	return gort_recover() == 0 ? x : 0;
}
typedef struct pair { int a, b; } pair;
GORT_CHAN_TYPE(pair, pairchan);
GORT_CHAN_TYPE(const char *, strchan);

int main(void)
{
	static const unsigned char mask[] = {1};
	gort_type t = {sizeof(void *), mask};
	void **p = gort_alloc_typed(&t, 2);
	gort_memstats m;

	gort_read_memstats(&m);
	return p[0] == 0 && m.mallocs > 0 && gort_version()[0] != '\0' ? 0 : 1;
}
