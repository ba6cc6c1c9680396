// mcentral.c: the spans of one span class.  See malloc.h.
//
// nonempty holds spans with free slots; empty holds spans that are full
// or that an MCache is allocating from.  Until the collector frees objects,
// a span moves only one way: from the heap to an MCache, and when full,
// on to empty.
#include "runtime.h"
#include "malloc.h"

void rt_mcentral_init(MCentral *c, uint32 spanclass)
{
	c->spanclass = spanclass;
	rt_spanlist_init(&c->nonempty);
	rt_spanlist_init(&c->empty);
}

// grow gets a fresh span from the heap and lays out its slots.
static MSpan *grow(MCentral *c)
{
	uint32 cl = c->spanclass >> 1;
	uintptr npages = rt_class_to_npages[cl];
	MSpan *s;

	s = rt_mheap_alloc(npages, MSpanInUse);
	if (s == NULL)
		return NULL;
	s->spanclass = c->spanclass;
	s->elemsize = rt_class_to_size[cl];
	s->nelems = (npages << PageShift) / s->elemsize;
	s->freeindex = 0;
	return s;
}

// rt_mcentral_cachespan hands an MCache a span with free slots, or NULL
// when the heap is out of memory.
MSpan *rt_mcentral_cachespan(MCentral *c)
{
	MSpan *s;

	rt_lock(&c->lock);
	if (!rt_spanlist_empty(&c->nonempty)) {
		s = c->nonempty.next;
		rt_spanlist_remove(s);
	} else {
		rt_unlock(&c->lock);
		s = grow(c);    // the heap lock is never taken under ours
		if (s == NULL)
			return NULL;
		rt_lock(&c->lock);
	}
	rt_spanlist_insert(&c->empty, s);
	s->incache = 1;
	rt_unlock(&c->lock);
	return s;
}

// rt_mcentral_uncachespan takes a span back from an MCache.
void rt_mcentral_uncachespan(MCentral *c, MSpan *s)
{
	rt_lock(&c->lock);
	s->incache = 0;
	if (s->freeindex < s->nelems) {
		rt_spanlist_remove(s);
		rt_spanlist_insert(&c->nonempty, s);
	}
	rt_unlock(&c->lock);
}
