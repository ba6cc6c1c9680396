// mem_linux.c: address space from the kernel.  See docs/os.md.
//
// Four verbs, as in Go's mem_linux.c:
//   reserve  claim a range of addresses, with no memory behind it yet
//            (PROT_NONE: touching it faults);
//   map      make part of a reserved range usable;
//   unused   tell the kernel the pages' contents are not needed
//            (madvise); the range stays mapped and reads as zeros when
//            next touched, so Linux needs no "used" call to take it back;
//   free     give the range back entirely.
// rt_sys_alloc is reserve+map in one step for runtime metadata.
#include "runtime.h"

enum {
	ProtNone      = 0,
	ProtRW        = 3,
	MapPrivate    = 0x02,
	MapFixed      = 0x10,
	MapAnon       = 0x20,
	MapNoreserve  = 0x4000,
	MapPopulate   = 0x8000,
	MadvDontneed  = 4,
	MadvFree      = 8,
	MadvHugepage  = 14,
	MadvPopulateWrite = 23,         // Linux 5.14
	PageMask      = 4095,
};

void *rt_sys_reserve(uintptr n)
{
	void *p;

	p = rt_mmap(NULL, n, ProtNone, MapPrivate | MapAnon | MapNoreserve, -1, 0);
	return rt_syserr((uintptr)p) ? NULL : p;
}

// rt_sys_map: v and n must lie inside a range rt_sys_reserve returned.
// With populate, the range is about to be used whole (a heap chunk): it is
// offered to transparent huge pages (unless GORT_DEBUG=disablethp=1), then
// the kernel fills in every page at once, which is far cheaper than a fault
// per page, and with huge pages cheaper still: one 2 MB page instead of 512
// small ones, and one TLB entry.  The advice must come before the pages
// exist: populated small pages stay small until khugepaged gets to them.
// Kernels before 5.14 cannot populate an existing mapping; for them the
// range is mapped again with MAP_POPULATE (it holds nothing yet).
bool rt_sys_map(void *v, uintptr n, bool populate)
{
	void *p;

	p = rt_mmap(v, n, ProtRW, MapPrivate | MapAnon | MapFixed, -1, 0);
	if (p != v)
		return false;
	if (!populate)
		return true;
	if (!rt_knobs.disablethp)
		rt_madvise(v, n, MadvHugepage); // a hint: failing changes nothing
	if (rt_madvise(v, n, MadvPopulateWrite) == 0)
		return true;
	p = rt_mmap(v, n, ProtRW, MapPrivate | MapAnon | MapFixed | MapPopulate, -1, 0);
	return p == v;
}

void *rt_sys_alloc(uintptr n)
{
	void *p;

	p = rt_mmap(NULL, n, ProtRW, MapPrivate | MapAnon, -1, 0);
	return rt_syserr((uintptr)p) ? NULL : p;
}


// rt_sys_unused releases the pages behind [v, v+n), both page-aligned:
// with MADV_DONTNEED (they read as zeros from now on: the result says so),
// or with MADV_FREE under GORT_DEBUG=madvfree=1 (cheaper, but the kernel
// takes them only under pressure, and they may keep their data).  A failure
// only means the memory stays resident, so it is not fatal.
bool rt_sys_unused(void *v, uintptr n)
{
	if (((uintptr)v | n) & PageMask)
		rt_throw("rt_sys_unused: range not page-aligned");
	if (rt_knobs.madvfree) {
		rt_madvise(v, n, MadvFree);
		return false;
	}
	rt_madvise(v, n, MadvDontneed);
	return true;
}

void rt_sys_free(void *v, uintptr n)
{
	if (rt_munmap(v, n) != 0)
		rt_throw("rt_sys_free: munmap failed");
}
