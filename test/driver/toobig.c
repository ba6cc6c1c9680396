// toobig: a variadic function with a frame gortcc must refuse.
#include <stdarg.h>
#include <stdio.h>

int format(char *out, const char *fmt, ...);

int format(char *out, const char *fmt, ...)
{
	char big[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(big, sizeof big, fmt, ap);
	va_end(ap);
	snprintf(out, 16, "%s", big);
	return n;
}
