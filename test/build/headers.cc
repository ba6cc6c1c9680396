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
struct pair { int a, b; };
GORT_CHAN_TYPE(pair, pairchan);
GORT_CHAN_TYPE(const char *, strchan);

int main()
{
	int *p = gort_new(int);
	char *s = static_cast<char *>(gort_mallocgc(16, GORT_NOSCAN, nullptr));

	gort_case cases[] = {strchan_recv_case(nullptr, nullptr)};

	(void)cases;
	return *p == 0 && s[15] == 0 ? 0 : 1;
}
