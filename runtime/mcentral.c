// mcentral.c: the spans of one span class.  See malloc.h.
//
// nonempty holds spans with free slots; empty holds spans that are full
// or that an MCache is allocating from.  A span moves from the heap to an
// MCache (and empty), back to nonempty if it still has room when the
// MCache gives it up, and after a collection through the sweeper
// (mgc.c), which may find room in it again, or give it back to the heap.
// A span is swept before it is handed out: unswept spans at the head of
// the lists, swept full ones go to the back.
#include "runtime.h"
#include "atomic.h"
#include "malloc.h"
#include "mgc.h"

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
	s->divmul = rt_class_to_divmul[cl];
	s->nelems = (npages << PageShift) / s->elemsize;
	return s;
}

// trysweep claims s if it is unswept (c locked), takes it off its list
// and sweeps it with c unlocked.  The span stays off every list, kept
// even when nothing in it lives: an MCache is about to want its room.
static bool trysweep(MCentral *c, MSpan *s, uint32 sg)
{
	if (rt_load32(&s->sweepgen) != sg - 2 || !rt_cas32(&s->sweepgen, sg - 2, sg - 1))
		return false;
	rt_spanlist_remove(s);
	rt_unlock(&c->lock);
	rt_sweepsmall(s);
	return true;
}

// rt_mcentral_cachespan hands an MCache a swept span with free slots, or
// NULL when the heap is out of memory.  It sweeps the spans it meets on
// the way (lazy sweeping), and takes the first that has room.
MSpan *rt_mcentral_cachespan(MCentral *c)
{
	MSpan *s;
	uint32 sg;

retry:
	rt_lock(&c->lock);
	sg = rt_load32(&rt_mheap.sweepgen);
	for (s = c->nonempty.next; s != &c->nonempty; s = s->next) {
		if (trysweep(c, s, sg))
			goto swept;
		if (rt_load32(&s->sweepgen) == sg) {
			rt_spanlist_remove(s);
			goto have;
		}
	}
	for (s = c->empty.next; s != &c->empty; s = s->next) {
		if (trysweep(c, s, sg))
			goto swept;
		if (rt_load32(&s->sweepgen) == sg && !s->incache)
			break;  // swept and full from here on: no room in empty
	}
	rt_unlock(&c->lock);
	s = grow(c);    // the heap lock is never taken under ours
	if (s == NULL)
		return NULL;
	rt_lock(&c->lock);
	goto have;
swept:
	if (s->nalloc == s->nelems) {   // all of it lives: look on
		rt_mcentral_putspan(c, s);
		goto retry;
	}
	rt_lock(&c->lock);
have:
	rt_spanlist_insert(&c->empty, s);
	s->incache = 1;
	rt_unlock(&c->lock);
	return s;
}

// putlocked puts a swept span on the list its room calls for: nonempty,
// or the back of empty (swept and full).  c locked.
static void putlocked(MCentral *c, MSpan *s)
{
	if (s->nalloc < s->nelems)
		rt_spanlist_insert(&c->nonempty, s);
	else
		rt_spanlist_insertback(&c->empty, s);
}

// rt_mcentral_putspan puts a swept span that is on no list, and not
// cached, where it belongs.
void rt_mcentral_putspan(MCentral *c, MSpan *s)
{
	rt_lock(&c->lock);
	putlocked(c, s);
	rt_unlock(&c->lock);
}

// rt_mcentral_uncachespan takes a span back from an MCache.
void rt_mcentral_uncachespan(MCentral *c, MSpan *s)
{
	rt_lock(&c->lock);
	s->incache = 0;
	rt_spanlist_remove(s);
	putlocked(c, s);
	rt_unlock(&c->lock);
}
