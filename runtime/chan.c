// chan.c: channels.  See docs/scheduler.md.
//
// A channel is an Hchan: a lock, a ring buffer of dataqsiz elements (none
// for an unbuffered channel), and two queues of waiting goroutines, each
// described by a Sudog that lives on the waiting goroutine's own stack and
// says where its element is.
//
// Send, step by step (receive is the mirror image):
//   1. Lock the channel.  Closed: panic ("send on closed channel").
//   2. A receiver waits: copy the element straight into the receiver's
//      element, mark its Sudog done, unlock, ready it.  No buffer touched.
//   3. Room in the buffer: copy the element in, unlock.
//   4. Otherwise enqueue a Sudog for this goroutine and park, unlocking the
//      channel only once off this stack (rt_park).  Whoever completes the
//      send readies us; if close did instead, the Sudog says so: panic.
// A receive from a full buffered channel with a waiting sender takes the
// head of the buffer and puts the sender's element at its tail, so the
// order is kept.  Close wakes every waiter: receivers get zero values and
// ok = false, senders panic.  A nil channel blocks forever.
//
// Lock order: one channel lock at a time; readying happens after unlock.
#include <string.h>

#include "runtime.h"
#include "atomic.h"
#include "proc.h"
#include "mgc.h"
#include "malloc.h"
#include "gort.h"

typedef struct Sudog Sudog;
struct Sudog {
	G       *g;
	void    *elem;          // the sender's value, or where to receive
	Sudog   *next;
	bool    success;        // false: woken by close
	bool    isselect;       // one of a select's: claim g->selectdone first
};

typedef struct WaitQ {
	Sudog   *first, *last;
} WaitQ;

struct Hchan {
	Lock    lock;
	uintptr elemsize;
	uintptr dataqsiz;       // capacity
	uintptr qcount;         // elements in the buffer
	uintptr sendx, recvx;   // ring indices
	bool    closed;
	WaitQ   recvq, sendq;
	byte    *buf;
};

enum { MaxElemSize = 1 << 16 };

static void enqueue(WaitQ *q, Sudog *s)
{
	s->next = NULL;
	if (q->last != NULL)
		q->last->next = s;
	else
		q->first = s;
	q->last = s;
}

// dequeue takes the first waiter that is still waiting: a select waits on
// several channels at once, and only the first to claim it (selectdone
// 0 -> 1) may complete it; its Sudogs elsewhere are skipped.
static Sudog *dequeue(WaitQ *q)
{
	Sudog *s;

	for (;;) {
		s = q->first;
		if (s == NULL)
			return NULL;
		q->first = s->next;
		if (q->first == NULL)
			q->last = NULL;
		if (!s->isselect || rt_cas32(&s->g->selectdone, 0, 1))
			return s;
	}
}

// removesudog takes s out of q if it is still there.
static void removesudog(WaitQ *q, Sudog *s)
{
	Sudog *p, *prev = NULL;

	for (p = q->first; p != NULL; prev = p, p = p->next) {
		if (p != s)
			continue;
		if (prev != NULL)
			prev->next = p->next;
		else
			q->first = p->next;
		if (q->last == p)
			q->last = prev;
		return;
	}
}

static byte *slot(Hchan *c, uintptr i)
{
	return c->buf + i * c->elemsize;
}

// Elements are copied and cleared here, not by libc: a call into C goes
// through a C-call gate that wants 60 KB of stack (docs/stacks.md), which a
// goroutine on a 1 KB first segment does not have, so every send would
// split.  Small elements (the common case) are copied in place; the empty
// asm keeps the compiler from turning the loops back into libc calls.
enum { InlineElem = 128 };

static void elemmove(void *dst, const void *src, uintptr n)
{
	byte *d = dst;
	const byte *s = src;
	uintptr i;

	if (n > InlineElem || d == s) {
		if (d != s)
			memmove(d, s, n);
		return;
	}
	if (((uintptr)d | (uintptr)s | n) % sizeof(uintptr) == 0) {
		for (i = 0; i < n; i += sizeof(uintptr)) {
			*(uintptr *)(d + i) = *(const uintptr *)(s + i);
			__asm__("" : "+r"(i));
		}
		return;
	}
	for (i = 0; i < n; i++) {      // elements never overlap partly
		d[i] = s[i];
		__asm__("" : "+r"(i));
	}
}

static void elemclr(void *dst, uintptr n)
{
	byte *d = dst;
	uintptr i;

	if (n > InlineElem) {
		memset(d, 0, n);
		return;
	}
	for (i = 0; i < n; i++) {
		d[i] = 0;
		__asm__("" : "+r"(i));
	}
}

static void copyelem(Hchan *c, void *dst, const void *src)
{
	if (dst != NULL && c->elemsize > 0)
		elemmove(dst, src, c->elemsize);
}

// ---- the operations ----

Hchan *rt_makechan(uintptr elemsize, uintptr cap)
{
	Hchan *c;

	if (elemsize > MaxElemSize)
		rt_panic("makechan: element too large");
	if (elemsize > 0 && cap > ((uintptr)-1 - sizeof(Hchan)) / elemsize)
		rt_panic("makechan: size out of range");
	c = rt_mallocgc(sizeof(Hchan), 0, NULL);
	c->elemsize = elemsize;
	c->dataqsiz = cap;
	if (cap > 0 && elemsize > 0)
		c->buf = rt_mallocgc(cap * elemsize, 0, NULL);
	return c;
}

static NORETURN void blockforever(const char *reason)
{
	static Lock nobody;

	rt_lock(&nobody);
	rt_park(reason, &nobody);
	rt_throw("unreachable: a nil channel woke up");
}

// trysend and tryrecv do what an operation on the locked channel c can do
// without waiting.  They return NULL if it must wait; Done if it completed
// against the buffer (or, receiving, a closed channel); or the Sudog of the
// waiter it completed, to be readied once c is unlocked.
static Sudog done;
#define Done (&done)

// trysend: to a waiting receiver, else into room in the buffer.  c must
// not be closed.
static Sudog *trysend(Hchan *c, const void *elem)
{
	Sudog *r;

	if ((r = dequeue(&c->recvq)) != NULL) {
		copyelem(c, r->elem, elem);
		r->success = true;
		return r;
	}
	if (c->qcount < c->dataqsiz) {
		copyelem(c, slot(c, c->sendx), elem);
		c->sendx = (c->sendx + 1) % c->dataqsiz;
		c->qcount++;
		return Done;
	}
	return NULL;
}

// tryrecv: from a waiting sender (through the buffer's head when it is
// full, so the order is kept), else from the buffer, else, closed and
// drained, the zero value with *ok false.
static Sudog *tryrecv(Hchan *c, void *elem, bool *ok)
{
	Sudog *s;

	*ok = true;
	if ((s = dequeue(&c->sendq)) != NULL) {
		if (c->dataqsiz == 0) {
			copyelem(c, elem, s->elem);
		} else {
			copyelem(c, elem, slot(c, c->recvx));
			copyelem(c, slot(c, c->recvx), s->elem);
			c->recvx = (c->recvx + 1) % c->dataqsiz;
			c->sendx = c->recvx;
		}
		s->success = true;
		return s;
	}
	if (c->qcount > 0) {
		copyelem(c, elem, slot(c, c->recvx));
		elemclr(slot(c, c->recvx), c->elemsize);        // no stale pointer
		c->recvx = (c->recvx + 1) % c->dataqsiz;
		c->qcount--;
		return Done;
	}
	if (c->closed) {
		if (elem != NULL)
			elemclr(elem, c->elemsize);
		*ok = false;
		return Done;
	}
	return NULL;
}

// readied: after unlocking, ready the waiter an operation completed.
static void readied(Sudog *s)
{
	if (s != Done)
		rt_ready(s->g, s);
}

void rt_chansend(Hchan *c, const void *elem)
{
	Sudog sg, *s;

	if (c == NULL)
		blockforever("chan send (nil chan)");
	rt_lock(&c->lock);
	if (c->closed) {
		rt_unlock(&c->lock);
		rt_panic("send on closed channel");
	}
	if ((s = trysend(c, elem)) != NULL) {
		rt_unlock(&c->lock);
		readied(s);
		return;
	}
	sg = (Sudog){.g = rt_getg(), .elem = (void *)elem};
	enqueue(&c->sendq, &sg);
	rt_park("chan send", &c->lock);
	if (!sg.success)
		rt_panic("send on closed channel");
}

// rt_chansend_nb sends only if that needs no wait.  It may run on a thread
// with no goroutine (the timer thread).  A closed channel takes nothing.
bool rt_chansend_nb(Hchan *c, const void *elem)
{
	Sudog *s;

	if (c == NULL)
		return false;
	rt_lock(&c->lock);
	s = c->closed ? NULL : trysend(c, elem);
	rt_unlock(&c->lock);
	if (s != NULL)
		readied(s);
	return s != NULL;
}

// rt_chanrecv receives into elem (which may be NULL) and reports whether
// the value came from a send (false: the channel is closed and drained).
bool rt_chanrecv(Hchan *c, void *elem)
{
	Sudog sg, *s;
	bool ok;

	if (c == NULL)
		blockforever("chan receive (nil chan)");
	rt_lock(&c->lock);
	if ((s = tryrecv(c, elem, &ok)) != NULL) {
		rt_unlock(&c->lock);
		readied(s);
		return ok;
	}
	sg = (Sudog){.g = rt_getg(), .elem = elem};
	enqueue(&c->recvq, &sg);
	rt_park("chan receive", &c->lock);
	if (!sg.success && elem != NULL)
		elemclr(elem, c->elemsize);
	return sg.success;
}

void rt_closechan(Hchan *c)
{
	Sudog *woken = NULL, *s;

	if (c == NULL)
		rt_panic("close of nil channel");
	rt_lock(&c->lock);
	if (c->closed) {
		rt_unlock(&c->lock);
		rt_panic("close of closed channel");
	}
	c->closed = true;
	// Collect every waiter under the lock; ready them after it.
	while ((s = dequeue(&c->recvq)) != NULL || (s = dequeue(&c->sendq)) != NULL) {
		s->success = false;
		s->next = woken;        // reuse the link: s is off the queue now
		woken = s;
	}
	rt_unlock(&c->lock);
	while (woken != NULL) {
		s = woken;
		woken = s->next;        // read before the waiter runs again
		rt_ready(s->g, s);
	}
}

// ---- select ----
//
// 1. Visit the cases in a random order (fairness among ready cases) and
//    lock their channels in address order (no lock-order deadlock between
//    two selects), each channel once.
// 2. The first case that can go on without waiting does; all unlock.
// 3. With none, and no default (block), put a Sudog for every case on its
//    channel and park, unlocking all once off the stack.  The goroutine
//    that completes one case claims the select (selectdone) and hands over
//    the winning Sudog; the others are taken out of their queues.

enum { MaxSelectCases = 64 };

typedef struct Locked {
	Hchan   *c[MaxSelectCases];
	uint32  n;
} Locked;

static void unlockall(void *arg)
{
	Locked *l = arg;
	uint32 i;

	for (i = l->n; i-- > 0;)
		rt_unlock(&l->c[i]->lock);
}

static void lockall(Locked *l)
{
	uint32 i;

	for (i = 0; i < l->n; i++)
		rt_lock(&l->c[i]->lock);
}

// sortchans fills l with the distinct non-nil channels, by address.
static void sortchans(gort_case *cases, int n, Locked *l)
{
	uint32 i, j, k;
	Hchan *c;

	l->n = 0;
	for (i = 0; i < (uint32)n; i++) {
		c = (Hchan *)cases[i].c;
		if (c == NULL)
			continue;
		for (j = l->n; j > 0 && (uintptr)l->c[j - 1] > (uintptr)c; j--)
			;
		if (j > 0 && l->c[j - 1] == c)
			continue;
		for (k = l->n; k > j; k--)     // not memmove: see elemmove
			l->c[k] = l->c[k - 1];
		l->c[j] = c;
		l->n++;
	}
}

// tryone does case k if it can go on now (channels locked), as
// trysend/tryrecv report it.
static Sudog *tryone(gort_case *k, Locked *l)
{
	Hchan *c = (Hchan *)k->c;
	Sudog *s;
	bool ok;

	if (k->dir == GORT_CASE_SEND) {
		if (c->closed) {
			unlockall(l);
			rt_panic("send on closed channel");
		}
		return trysend(c, k->elem);
	}
	s = tryrecv(c, k->elem, &ok);
	k->ok = ok;
	return s;
}

static uint32 fastrand(void)
{
	uint32 x = rt_m->fastrand;

	if (x == 0)
		x = (uint32)rt_nanotime() | 1;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rt_m->fastrand = x;
	return x;
}

static int selectgo(gort_case *cases, int n, bool block)
{
	uint8 order[MaxSelectCases];
	Sudog sgs[MaxSelectCases], *s, *win;
	Locked l;
	G *g = rt_getg();
	int i, j, k;

	if (n < 0 || n > MaxSelectCases)
		rt_panic("select: more than 64 cases");
	for (i = 0; i < n; i++) {      // a random visiting order
		j = fastrand() % (i + 1);
		order[i] = order[j];
		order[j] = (uint8)i;
	}
	sortchans(cases, n, &l);
	if (l.n == 0 && block)
		blockforever("select (no cases)");
	lockall(&l);
	for (k = 0; k < n; k++) {
		i = order[k];
		if (cases[i].c == NULL)
			continue;
		if ((s = tryone(&cases[i], &l)) == NULL)
			continue;
		unlockall(&l);
		readied(s);
		return i;
	}
	if (!block) {
		unlockall(&l);
		return -1;
	}
	g->selectdone = 0;
	g->param = NULL;
	for (i = 0; i < n; i++) {
		Hchan *c = (Hchan *)cases[i].c;

		if (c == NULL)
			continue;
		sgs[i] = (Sudog){.g = g, .elem = cases[i].elem, .isselect = true};
		enqueue(cases[i].dir == GORT_CASE_SEND ? &c->sendq : &c->recvq, &sgs[i]);
	}
	rt_parkf("select", unlockall, &l);
	win = g->param;
	lockall(&l);
	for (i = 0; i < n; i++) {
		Hchan *c = (Hchan *)cases[i].c;

		if (c != NULL && &sgs[i] != win)
			removesudog(cases[i].dir == GORT_CASE_SEND ? &c->sendq : &c->recvq, &sgs[i]);
	}
	unlockall(&l);
	i = (int)(win - sgs);
	if (cases[i].dir == GORT_CASE_SEND) {
		if (!win->success)
			rt_panic("send on closed channel");
	} else {
		cases[i].ok = win->success;
		if (!win->success && cases[i].elem != NULL)
			elemclr(cases[i].elem, ((Hchan *)cases[i].c)->elemsize);
	}
	return i;
}

// ---- the public API (gort.h) ----
//
// Each entry is a safe point for the collector (rt_gcmaybe, mgc.h): a
// goroutine looping on channel operations that never block must still
// stop for it.

gort_chan *gort_chan_make(size_t elemsize, size_t cap)
{
	rt_gcmaybe();
	return (gort_chan *)rt_makechan(elemsize, cap);
}

void gort_chan_send(gort_chan *c, const void *elem)
{
	rt_gcmaybe();
	rt_chansend((Hchan *)c, elem);
}

void gort_chan_recv(gort_chan *c, void *elem)
{
	rt_gcmaybe();
	rt_chanrecv((Hchan *)c, elem);
}

int gort_chan_recv2(gort_chan *c, void *elem)
{
	rt_gcmaybe();
	return rt_chanrecv((Hchan *)c, elem);
}

void gort_chan_close(gort_chan *c)
{
	rt_closechan((Hchan *)c);
}

size_t gort_chan_len(gort_chan *c)
{
	Hchan *h = (Hchan *)c;
	size_t n;

	if (h == NULL)
		return 0;
	rt_lock(&h->lock);
	n = h->qcount;
	rt_unlock(&h->lock);
	return n;
}

int gort_select(gort_case *cases, int ncases, int block)
{
	rt_gcmaybe();
	return selectgo(cases, ncases, block != 0);
}

size_t gort_chan_cap(gort_chan *c)
{
	return c == NULL ? 0 : ((Hchan *)c)->dataqsiz;
}
