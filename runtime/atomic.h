// atomic.h: every atomic operation in gort, and the only file that names
// libatomic_ops.  Only its inline primitives are used, so nothing is linked.
//
// Ordering: loads acquire, stores release, and read-modify-write operations
// are full barriers.  That is stronger than some callers need and is what
// keeps the lock and scheduler code easy to reason about; a weaker variant
// gets added here, with the reason, when a measurement asks for it.
#ifndef GORT_ATOMIC_H
#define GORT_ATOMIC_H

#include <atomic_ops.h>

#if !defined(AO_HAVE_int_compare_and_swap_full) || \
    !defined(AO_HAVE_int_fetch_and_add_full) || \
    !defined(AO_HAVE_compare_and_swap_full) || \
    !defined(AO_HAVE_fetch_and_add_full) || \
    !defined(AO_HAVE_int_or) || !defined(AO_HAVE_int_and)
#error "libatomic_ops lacks native primitives for this target"
#endif

_Static_assert(sizeof(AO_t) == sizeof(uintptr), "AO_t is not pointer-sized");

// ---- 32-bit words ----

static inline uint32 rt_load32(const uint32 *p)
{
	return AO_int_load_acquire((const volatile unsigned *)p);
}

static inline void rt_store32(uint32 *p, uint32 v)
{
	AO_int_store_release((volatile unsigned *)p, v);
}

static inline bool rt_cas32(uint32 *p, uint32 old, uint32 new)
{
	return AO_int_compare_and_swap_full((volatile unsigned *)p, old, new);
}

// rt_or32 sets bits in *p atomically (no ordering beyond that).
static inline void rt_or32(uint32 *p, uint32 bits)
{
	AO_int_or((volatile unsigned *)p, bits);
}

// rt_and32 clears the bits of *p that are clear in mask, atomically (no
// ordering beyond that).
static inline void rt_and32(uint32 *p, uint32 mask)
{
	AO_int_and((volatile unsigned *)p, mask);
}

// rt_xadd32 adds d to *p and returns the new value.
static inline uint32 rt_xadd32(uint32 *p, int32 d)
{
	return AO_int_fetch_and_add_full((volatile unsigned *)p, (unsigned)d) + (uint32)d;
}

// rt_xchg32 stores v in *p and returns the old value.
static inline uint32 rt_xchg32(uint32 *p, uint32 v)
{
	uint32 old;

	do
		old = AO_int_load((const volatile unsigned *)p);
	while (!rt_cas32(p, old, v));
	return old;
}

// rt_fence orders every memory access before it before every one after.
static inline void rt_fence(void)
{
	AO_nop_full();
}

// rt_compilerfence keeps the compiler from moving memory accesses across
// it, and does nothing at run time: for code whose partner makes this
// thread's barrier with rt_membarrier (proc.c: rt_takenext).
static inline void rt_compilerfence(void)
{
	AO_compiler_barrier();
}

// ---- pointer-sized words ----

static inline uintptr rt_loadp(const uintptr *p)
{
	return AO_load_acquire((const volatile AO_t *)p);
}

static inline void rt_storep(uintptr *p, uintptr v)
{
	AO_store_release((volatile AO_t *)p, v);
}

static inline bool rt_casp(uintptr *p, uintptr old, uintptr new)
{
	return AO_compare_and_swap_full((volatile AO_t *)p, old, new);
}

// rt_xaddp adds d to *p and returns the new value.
static inline uintptr rt_xaddp(uintptr *p, intptr d)
{
	return AO_fetch_and_add_full((volatile AO_t *)p, (AO_t)d) + (uintptr)d;
}

#endif
