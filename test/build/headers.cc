// headers.cc: the public headers compile as C++ too.
#include <gort.h>
#include <gort/abi.h>

int main()
{
	int *p = gort_new(int);
	char *s = static_cast<char *>(gort_mallocgc(16, GORT_NOSCAN, nullptr));

	return *p == 0 && s[15] == 0 ? 0 : 1;
}
