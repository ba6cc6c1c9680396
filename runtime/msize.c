// msize.c: the size classes.  See malloc.h for the overview.
//
// How the classes are chosen, the rules Go's allocator follows:
//   - Walk the sizes upwards in steps of `align`.  The step grows with the
//     size, so that no class is more than about 1/8 above the one below:
//     8 bytes at first, 16 from 16 bytes (16-byte alignment for SSE), size/8
//     from 128 bytes, 256 from 2 KB.
//   - A class's span has the fewest pages that leave at most 1/8 of them
//     as tail waste (the leftover after the last whole object).
//   - A size that fits as many objects into as many pages as the class
//     below takes that class's place: same memory, bigger objects.
//   - Then each class's span grows, keeping the waste bound, until it
//     holds SpanMinObjects objects or reaches SpanMaxPages pages.
//     Here gort parts from Go, whose spans for 1 KB to 8 KB objects are
//     one page: an MCache would go back to its MCentral's lock every few
//     allocations, and fight the background sweeper for it.
// rt_sizecheck proves the bounds at start and in test-malloc.
#include "runtime.h"
#include "malloc.h"

enum {
	SpanMinObjects  = 32,
	SpanMaxPages    = 8,
};

uint32 rt_nsizeclasses;
uint32 rt_class_to_size[NumSizeClasses];
uint32 rt_class_to_npages[NumSizeClasses];
uint32 rt_class_to_divmul[NumSizeClasses];

// Lookup tables: class of the sizes up to 1 KB in 8-byte steps, and of the
// rest in 128-byte steps (rt_sizetoclass in malloc.h reads them).
uint8 rt_class8[SmallLimit / 8 + 1];
uint8 rt_class128[(MaxSmallSize - SmallLimit) / 128 + 1];

static uint32 alignfor(uint32 size, uint32 align)
{
	if ((size & (size - 1)) != 0)   // the step changes at powers of two
		return align;
	if (size >= 2048)
		return 256;
	if (size >= 128)
		return size / 8;
	return size >= 16 ? 16 : 8;
}

static void filltables(void)
{
	uint32 c, s;

	for (c = 1, s = 8; s <= MaxSmallSize; s += 8) {
		while (rt_class_to_size[c] < s)
			c++;
		if (s <= SmallLimit)
			rt_class8[s / 8] = c;
		else if ((s - SmallLimit) % 128 == 0)
			rt_class128[(s - SmallLimit) / 128] = c;
	}
}

// withinwaste: the smallest span, of alloc bytes or more in whole pages,
// whose tail waste for objects of size is at most an eighth of it.
static uintptr withinwaste(uintptr alloc, uint32 size)
{
	while (alloc % size > alloc / 8)
		alloc += PageSize;
	return alloc;
}

void rt_sizeinit(void)
{
	uint32 n = 1, align = 8, size, npages;
	uintptr alloc;

	for (size = align; size <= MaxSmallSize; size += align) {
		align = alignfor(size, align);
		alloc = withinwaste(PageSize, size);
		npages = alloc >> PageShift;
		if (n > 1 && npages == rt_class_to_npages[n - 1] &&
		    alloc / size == alloc / rt_class_to_size[n - 1]) {
			rt_class_to_size[n - 1] = size;
			continue;
		}
		if (n == NumSizeClasses)
			rt_throw("sizeinit: more size classes than NumSizeClasses");
		rt_class_to_size[n] = size;
		rt_class_to_npages[n] = npages;
		n++;
	}
	rt_nsizeclasses = n;
	for (n = 1; n < rt_nsizeclasses; n++) {         // roomier spans
		size = rt_class_to_size[n];
		alloc = (uintptr)rt_class_to_npages[n] << PageShift;
		while (alloc / size < SpanMinObjects && alloc < SpanMaxPages * PageSize)
			alloc = withinwaste(alloc + PageSize, size);
		rt_class_to_npages[n] = (uint32)(alloc >> PageShift);
	}
	for (n = 1; n < rt_nsizeclasses; n++)
		rt_class_to_divmul[n] = 0xffffffffu / rt_class_to_size[n] + 1;
	filltables();
}

// rt_sizecheck: tail waste at most 1/8 of every span; for classes from 128
// bytes, internal waste under 1/5 (the steps alone would keep it under
// 1/8; merging classes that use memory alike trades some of that away:
// 769 bytes in the 896-byte class is the worst, 18.7%, as in Go's table);
// sizes from 16 bytes multiples of 16; and the lookup picks the smallest
// class that fits, for every size.
bool rt_sizecheck(void)
{
	uint32 c, size, prev;
	uintptr alloc, s;

	for (c = 1; c < rt_nsizeclasses; c++) {
		size = rt_class_to_size[c];
		prev = rt_class_to_size[c - 1];
		alloc = (uintptr)rt_class_to_npages[c] << PageShift;
		if (size <= prev || size % 8 != 0 || (size >= 16 && size % 16 != 0))
			return false;
		if (alloc % size > alloc / 8)
			return false;
		if (size >= 128 && (size - (prev + 1)) * 5 >= size)
			return false;
		// off * divmul >> 32 never decreases as off grows, so it is
		// exact everywhere if it is on both sides of every boundary.
		for (s = size; s <= alloc; s += size) {
			MSpan t = {.divmul = rt_class_to_divmul[c]};

			if (rt_span_slot(&t, s - 1) != s / size - 1 ||
			    (s < alloc && rt_span_slot(&t, s) != s / size))
				return false;
		}
	}
	for (s = 1; s <= MaxSmallSize; s++) {
		c = rt_sizetoclass(s);
		if (c == 0 || c >= rt_nsizeclasses || rt_class_to_size[c] < s ||
		    rt_class_to_size[c - 1] >= s)
			return false;
	}
	return true;
}
