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

// rt_membarrier: with MembarrierPrivateExpedited, every running thread of
// this process executes a full memory barrier before the call returns
// (after MembarrierRegisterPrivateExpedited, once).  NOSPLIT: a locker
// about to sleep calls it (lock_futex.c), and locks do not split.
NOSPLIT int32 rt_membarrier(int32 cmd)
{
	return SYS(NR_membarrier, cmd, 0, 0, 0, 0, 0);
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

// ---- the CPU quota of the process's cgroup ----
//
// A container limited to 1.5 CPUs by its cgroup still sees every CPU of
// the machine in its affinity mask; running a P per CPU would only make
// the kernel throttle it.  So the default P count is capped by the quota:
// cgroup v2 writes "QUOTA PERIOD" in cpu.max ("max" for no quota); v1
// splits them into cpu.cfs_quota_us (-1 for none) and cpu.cfs_period_us.
// The hierarchies are looked for where systemd mounts them.

// readnum reads an optionally negative decimal number at *p, skipping
// blanks before it; false if there is none.
static bool readnum(const char **p, const char *end, int64 *v)
{
	bool neg = false;
	int64 n = 0;

	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	if (*p < end && **p == '-') {
		neg = true;
		(*p)++;
	}
	if (*p == end || **p < '0' || **p > '9')
		return false;
	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
		if (n > (INT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (**p - '0');
	}
	*v = neg ? -n : n;
	return true;
}

// rt_cpuquota_parse reads "QUOTA PERIOD" (cpu.max, or v1's two files
// joined by a space) and returns the CPUs the quota allows, rounded up: 0
// for no quota ("max", or a negative quota) or text it does not
// understand.
int32 rt_cpuquota_parse(const char *s, uintptr n)
{
	const char *p = s, *end = s + n;
	int64 quota, period, cpus;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p >= 3 && p[0] == 'm' && p[1] == 'a' && p[2] == 'x')
		return 0;
	if (!readnum(&p, end, &quota) || !readnum(&p, end, &period) || period <= 0)
		return 0;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++;
	if (p != end || quota <= 0)
		return 0;
	cpus = (quota + period - 1) / period;
	return cpus > MaxGomaxprocs ? MaxGomaxprocs : (int32)cpus;
}

// readfile reads up to n-1 bytes of path into buf, NUL-terminated;
// returns the bytes read, or -1.
static intptr readfile(const char *path, char *buf, uintptr n)
{
	intptr got = 0, r;
	int32 fd = rt_open(path, 0);

	if (fd < 0)
		return -1;
	while ((uintptr)got < n - 1 && (r = rt_read(fd, buf + got, n - 1 - got)) > 0)
		got += r;
	rt_close(fd);
	buf[got] = '\0';
	return got;
}

// join writes a, b and c into buf (n bytes); false if they do not fit.
static bool join(char *buf, uintptr n, const char *a, const char *b, uintptr blen, const char *c)
{
	uintptr i = 0;

	for (; *a != '\0'; a++)
		if (i < n - 1)
			buf[i++] = *a;
	for (; blen > 0; b++, blen--)
		if (i < n - 1)
			buf[i++] = *b;
	for (; *c != '\0'; c++)
		if (i < n - 1)
			buf[i++] = *c;
	buf[i] = '\0';
	return i < n - 1;
}

// quotaat returns the quota of the cgroup at path (inside the hierarchy
// mounted at root; v1 when v1): its own, else its mount root's; 0: none.
static int32 quotaat(const char *root, const char *path, uintptr plen, bool v1)
{
	char file[512], text[64], both[130];
	intptr nq, np;
	uint32 try;

	for (try = 0; try < 2; try++, plen = 0) {
		if (!v1) {
			if (join(file, sizeof file, root, path, plen, "/cpu.max") &&
			    (nq = readfile(file, text, sizeof text)) > 0)
				return rt_cpuquota_parse(text, nq);
			continue;
		}
		if (!join(file, sizeof file, root, path, plen, "/cpu.cfs_quota_us") ||
		    (nq = readfile(file, both, 64)) <= 0)
			continue;
		while (nq > 0 && both[nq - 1] == '\n')
			nq--;
		both[nq++] = ' ';
		if (!join(file, sizeof file, root, path, plen, "/cpu.cfs_period_us") ||
		    (np = readfile(file, both + nq, sizeof both - nq)) <= 0)
			continue;
		return rt_cpuquota_parse(both, nq + np);
	}
	return 0;
}

// hascpu: is "cpu" one of the comma-separated controllers in [p, end)?
static bool hascpu(const char *p, const char *end)
{
	const char *q;

	for (; p < end; p = q + 1) {
		for (q = p; q < end && *q != ','; q++)
			;
		if (q - p == 3 && p[0] == 'c' && p[1] == 'p' && p[2] == 'u')
			return true;
	}
	return false;
}

// rt_cpuquota returns the CPUs the cgroup quota of this process allows,
// or 0 if it has none (or none can be read).  Lines of /proc/self/cgroup
// are "ID:CONTROLLERS:PATH"; v2's has ID 0 and no controllers.
int32 rt_cpuquota(void)
{
	char buf[2048];
	const char *line, *end, *c1, *c2, *eol;
	intptr n;
	int32 q;

	n = readfile("/proc/self/cgroup", buf, sizeof buf);
	if (n <= 0)
		return 0;
	end = buf + n;
	for (line = buf; line < end; line = eol + 1) {
		for (eol = line; eol < end && *eol != '\n'; eol++)
			;
		for (c1 = line; c1 < eol && *c1 != ':'; c1++)
			;
		for (c2 = c1 + 1; c2 < eol && *c2 != ':'; c2++)
			;
		if (c2 >= eol)
			continue;
		if (c1 - line == 1 && line[0] == '0' && c2 == c1 + 1)
			q = quotaat("/sys/fs/cgroup", c2 + 1, eol - c2 - 1, false);
		else if (hascpu(c1 + 1, c2))
			q = quotaat("/sys/fs/cgroup/cpu", c2 + 1, eol - c2 - 1, true);
		else
			continue;
		if (q > 0)
			return q;
	}
	return 0;
}
