// mcache.c: the per-thread small-object cache.  See malloc.h.
#include "runtime.h"
#include "atomic.h"
#include "malloc.h"
#include "mgc.h"

// emptyspan stands in for "no span" in every MCache slot: it is always
// full, so the fast path needs no NULL check before it refills.
static MSpan emptyspan;

// newcache0 makes a cache ready before it joins the list: the collector
// may flush every cache in the list at any time (a thread the collector
// itself starts makes its cache while the next collection may run).
static void newcache0(void *arg)     // on a system stack (mheap.c)
{
	MHeap *h = &rt_mheap;
	MCache *c;
	uint32 i;

	rt_lock(&h->lock);
	c = rt_fixalloc_alloc(&h->cachealloc);
	for (i = 0; i < NumSpanClasses; i++)
		c->alloc[i] = &emptyspan;
	c->link = h->caches;
	h->caches = c;
	rt_unlock(&h->lock);
	*(MCache **)arg = c;
}

MCache *rt_mcache_new(void)
{
	MCache *c;

	rt_onsystemstack(newcache0, &c);
	return c;
}

// rt_mcache_flushall gives every cache's spans back to their MCentral
// and drops the tiny blocks; the world is stopped (the collector).
void rt_mcache_flushall(void)
{
	MCache *c;
	uint32 i;

	for (c = rt_mheap.caches; c != NULL; c = c->link) {
		for (i = 0; i < NumSpanClasses; i++) {
			if (c->alloc[i] != &emptyspan)
				rt_mcentral_uncachespan(&rt_mheap.central[i], c->alloc[i]);
			c->alloc[i] = &emptyspan;
		}
		c->tiny = NULL;
		c->tinyoffset = 0;
	}
}

// rt_mcache_refill swaps the full span of a span class for one with room;
// NULL when the heap is out of memory.
MSpan *rt_mcache_refill(MCache *c, uint32 spanclass)
{
	MCentral *central = &rt_mheap.central[spanclass];
	MSpan *s = c->alloc[spanclass];

	if (s != &emptyspan)
		rt_mcentral_uncachespan(central, s);
	c->alloc[spanclass] = &emptyspan;
	s = rt_mcentral_cachespan(central);
	if (s == NULL)
		return NULL;
	s->bitssize = 0;                // its free slots' bits: see prefillbits
	c->alloc[spanclass] = s;
	rt_gcheapgrew(rt_xaddp(&rt_mheap.heaplive, (intptr)((uintptr)(s->nelems - s->nalloc) * s->elemsize)));
	return s;
}
