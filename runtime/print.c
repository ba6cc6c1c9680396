// print.c: printing for the runtime's own messages, without stdio.
//
// A fatal error may come from anywhere: a signal handler, a thread holding
// libc's locks, a nearly full stack.  So these write straight to fd 2
// through the raw write stub, with small fixed buffers on the stack.
#include "runtime.h"

enum { EINTR_ = 4 };

static void writeall(const char *p, uintptr n)
{
	intptr r;

	while (n > 0) {
		r = rt_write(2, p, n);
		if (r == -EINTR_)
			continue;
		if (r <= 0)
			return;         // nowhere left to report to
		p += r;
		n -= (uintptr)r;
	}
}

void rt_prints(const char *s)
{
	uintptr n;

	for (n = 0; s[n] != '\0'; n++)
		;
	writeall(s, n);
}

void rt_printuint(uint64 v)
{
	char buf[24];
	int32 i;

	i = sizeof buf;
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v != 0);
	writeall(buf + i, sizeof buf - i);
}

void rt_printint(int64 v)
{
	if (v < 0) {
		writeall("-", 1);
		rt_printuint(-(uint64)v);
		return;
	}
	rt_printuint(v);
}

void rt_printhex(uint64 v)
{
	static const char digits[] = "0123456789abcdef";
	char buf[18];
	int32 i;

	i = sizeof buf;
	do {
		buf[--i] = digits[v & 15];
		v >>= 4;
	} while (v != 0);
	buf[--i] = 'x';
	buf[--i] = '0';
	writeall(buf + i, sizeof buf - i);
}

void rt_printnl(void)
{
	writeall("\n", 1);
}
