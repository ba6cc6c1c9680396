// mfixalloc.c: fixed-size metadata allocation.  See malloc.h.
#include <string.h>

#include "runtime.h"
#include "malloc.h"

void rt_fixalloc_init(FixAlloc *f, uintptr size)
{
	*f = (FixAlloc){0};
	f->size = (size + PTRSIZE - 1) & ~(uintptr)(PTRSIZE - 1);
}

// rt_fixalloc_alloc returns a zeroed block.  Caller holds f's lock.
void *rt_fixalloc_alloc(FixAlloc *f)
{
	void *p;

	if (f->list != NULL) {
		p = f->list;
		f->list = *(void **)p;
		memset(p, 0, f->size);
		f->inuse += f->size;
		return p;
	}
	if (f->nchunk < f->size) {
		f->chunk = rt_sys_alloc(FixAllocChunk);
		if (f->chunk == NULL)
			rt_throw("out of memory (runtime metadata)");
		f->nchunk = FixAllocChunk;
		f->sys += FixAllocChunk;
	}
	p = f->chunk;           // fresh from the OS: already zero
	f->chunk += f->size;
	f->nchunk -= f->size;
	f->inuse += f->size;
	return p;
}

// rt_fixalloc_free puts p back.  Caller holds f's lock.
void rt_fixalloc_free(FixAlloc *f, void *p)
{
	*(void **)p = f->list;
	f->list = p;
	f->inuse -= f->size;
}
