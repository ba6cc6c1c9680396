// headers.cc: the public headers compile as C++ too.
#include <gort.h>
#include <gort/abi.h>

static void noop(void *) {}

// Defer's macros, compiled (not called: they need a goroutine).
int deferring(int x);
int deferring(int x)
{
	GORT_DEFERS_RETURN(-1);
	GORT_DEFER(noop, &x, sizeof x);
	return gort_recover() == nullptr ? x : 0;
}

int main()
{
	int *p = gort_new(int);
	char *s = static_cast<char *>(gort_mallocgc(16, GORT_NOSCAN, nullptr));

	return *p == 0 && s[15] == 0 ? 0 : 1;
}
