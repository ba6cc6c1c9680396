// os_linux.c: one C function per system call the runtime makes, each a
// thin wrapper over rt_syscall6 (sys_linux_<arch>.S).  See docs/os.md.
//
// Errors come back as -errno, never through errno: this code may run where
// libc's thread state is not to be touched (a signal handler, a tiny stack).
#include "runtime.h"

enum {
	ClockMonotonic = 1,
	TimerAbstime   = 1,
	EINTR_         = 4,
	RlimitSize     = 16,    // sizeof(struct rlimit64)
	SigsetSize     = 8,     // the kernel's sigset_t
};

#define SYS(nr, a, b, c, d, e, f) \
	rt_syscall6((nr), (intptr)(a), (intptr)(b), (intptr)(c), \
		(intptr)(d), (intptr)(e), (intptr)(f))

intptr rt_read(int32 fd, void *p, uintptr n)
{
	return SYS(NR_read, fd, p, n, 0, 0, 0);
}

intptr rt_write(int32 fd, const void *p, uintptr n)
{
	return SYS(NR_write, fd, p, n, 0, 0, 0);
}

// rt_mmap returns the mapping or an -errno disguised as an address: test
// it with rt_syserr.  off must be a multiple of the page size.
void *rt_mmap(void *addr, uintptr n, int32 prot, int32 flags, int32 fd, uint64 off)
{
	return (void *)SYS(NR_mmap, addr, n, prot, flags, fd,
		(uintptr)(off >> MMAP_OFF_SHIFT));
}

int32 rt_open(const char *path, int32 flags)
{
	return SYS(NR_openat, -100, path, flags, 0, 0, 0);     // AT_FDCWD
}

int32 rt_close(int32 fd)
{
	return SYS(NR_close, fd, 0, 0, 0, 0, 0);
}

// rt_filesize returns the size of the open file fd (below 2 GB), or -errno.
intptr rt_filesize(int32 fd)
{
	return SYS(NR_lseek, fd, 0, 2, 0, 0, 0);               // SEEK_END
}

int32 rt_mprotect(void *addr, uintptr n, int32 prot)
{
	return SYS(NR_mprotect, addr, n, prot, 0, 0, 0);
}

int32 rt_munmap(void *addr, uintptr n)
{
	return SYS(NR_munmap, addr, n, 0, 0, 0, 0);
}

int32 rt_madvise(void *addr, uintptr n, int32 advice)
{
	return SYS(NR_madvise, addr, n, advice, 0, 0, 0);
}

// rt_futex: ts is a relative timeout for FUTEX_WAIT, or NULL for none.
NOSPLIT int32 rt_futex(uint32 *addr, int32 op, uint32 val, const Timespec *ts)
{
	return SYS(NR_futex, addr, op, val, ts, 0, 0);
}

// getrlimit and setrlimit are both prlimit64 on this process: one call,
// 64-bit limits on every arch.
int32 rt_getrlimit(int32 resource, Rlimit *old)
{
	_Static_assert(sizeof(Rlimit) == RlimitSize, "Rlimit layout");
	return SYS(NR_prlimit64, 0, resource, 0, old, 0, 0);
}

int32 rt_setrlimit(int32 resource, const Rlimit *new)
{
	return SYS(NR_prlimit64, 0, resource, new, 0, 0, 0);
}

int32 rt_clock_gettime(int32 clock, Timespec *ts)
{
	return SYS(NR_clock_gettime, clock, ts, 0, 0, 0, 0);
}

int64 rt_nanotime(void)
{
	Timespec ts;

	rt_clock_gettime(ClockMonotonic, &ts);
	return ts.sec * 1000000000 + ts.nsec;
}

// rt_nanosleep sleeps at least ns nanoseconds, against an absolute
// deadline so that signals interrupting it do not stretch the sleep.
int32 rt_nanosleep(int64 ns)
{
	Timespec ts;
	int64 deadline;
	int32 r;

	if (ns <= 0)
		return 0;
	deadline = rt_nanotime() + ns;
	ts.sec = deadline / 1000000000;
	ts.nsec = deadline % 1000000000;
	do
		r = SYS(NR_clock_nanosleep, ClockMonotonic, TimerAbstime, &ts, 0, 0, 0);
	while (r == -EINTR_);
	return r;
}

int32 rt_sched_yield(void)
{
	return SYS(NR_sched_yield, 0, 0, 0, 0, 0, 0);
}

// rt_sched_getaffinity returns the bytes of mask the kernel filled in.
int32 rt_sched_getaffinity(int32 pid, uintptr size, void *mask)
{
	return SYS(NR_sched_getaffinity, pid, size, mask, 0, 0, 0);
}

int32 rt_ncpu(void)
{
	byte mask[128];
	int32 i, n, ncpu;

	n = rt_sched_getaffinity(0, sizeof mask, mask);
	if (n <= 0)
		return 1;
	ncpu = 0;
	for (i = 0; i < n; i++)
		ncpu += __builtin_popcount(mask[i]);
	return ncpu > 0 ? ncpu : 1;
}

int32 rt_getpid(void)
{
	return SYS(NR_getpid, 0, 0, 0, 0, 0, 0);
}

int32 rt_gettid(void)
{
	return SYS(NR_gettid, 0, 0, 0, 0, 0, 0);
}

int32 rt_tgkill(int32 pid, int32 tid, int32 sig)
{
	return SYS(NR_tgkill, pid, tid, sig, 0, 0, 0);
}

// rt_sigaction installs new (if not NULL) with our own restorer.  A
// handler always gets SA_SIGINFO, as in Go: then the kernel builds the
// same kind of frame (rt_sigframe) on every arch, and rt_sigreturn_tramp
// can end it with rt_sigreturn everywhere.  Without SA_SIGINFO, 386 and
// arm build an old-style frame that needs the old sigreturn call instead.
int32 rt_sigaction(int32 sig, const KSigaction *new, KSigaction *old)
{
	KSigaction sa;

	if (new != NULL) {
		sa = *new;
		sa.flags |= SA_RESTORER_;
		if ((uintptr)sa.handler > SigIgn)
			sa.flags |= SA_SIGINFO_;
		sa.restorer = rt_sigreturn_tramp;
		new = &sa;
	}
	return SYS(NR_rt_sigaction, sig, new, old, SigsetSize, 0, 0);
}

int32 rt_sigprocmask(int32 how, const uint32 new[2], uint32 old[2])
{
	return SYS(NR_rt_sigprocmask, how, new, old, SigsetSize, 0, 0);
}

int32 rt_sigaltstack(const SigStack *new, SigStack *old)
{
	return SYS(NR_sigaltstack, new, old, 0, 0, 0, 0);
}

void rt_exit(int32 code)
{
	for (;;) {
		SYS(NR_exit_group, code, 0, 0, 0, 0, 0);
		*(volatile int32 *)0x1201 = 0;  // exit_group returned
	}
}

bool rt_syserr(uintptr r)
{
	return r > (uintptr)-4096;
}
