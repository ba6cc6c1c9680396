// time.c: timers, sleep, and channels that receive the time.
//
// Every pending timer sits in one binary min-heap ordered by its deadline
// (timers.heap, under timers.lock).  A timer thread, started with the first
// timer, sleeps on its note until the earliest deadline, then fires every
// timer that is due, outside the lock:
//   - a sleeping goroutine's timer readies the goroutine;
//   - a channel timer sends the current time on its channel, dropping the
//     tick if the channel is full (as Go's Ticker does);
//   - a periodic timer goes back into the heap one period later.
// A new timer that becomes the earliest wakes the timer thread early.
//
// Sleep, step by step: the goroutine puts a timer on its own stack into the
// heap and parks holding timers.lock, which rt_park releases only once the
// goroutine is off its stack; so the timer thread, which needs that lock
// to fire anything, cannot ready it too early.
//
// While any timer is pending or being fired, the program is not
// deadlocked, however many goroutines wait: checkdead asks
// rt_timers_pending.  A fired timer's goroutine is in a run queue before
// the timer stops counting as pending; and when the last timer stops
// counting, the deadlock check runs again, since Ms that went idle while it
// counted checked too early.
#include "runtime.h"
#include "atomic.h"
#include "proc.h"
#include "malloc.h"
#include "gort.h"

typedef struct Timer Timer;
struct Timer {
	int64   when;           // deadline (rt_nanotime)
	int64   period;         // 0: once
	G       *g;             // sleep: the goroutine to ready
	Hchan   *c;             // or: the channel to send the time on
	int32   i;              // index in the heap, -1 when not in it
};

static struct {
	Lock    lock;
	Timer   **heap;
	uint32  len, cap;
	Note    note;           // the timer thread sleeps here
	bool    sleeping;       // ... and says so
	bool    started;
	uint32  firing;         // out of the heap, not yet fired
} timers;

// ---- the heap (timers.lock held) ----

static bool before(Timer *a, Timer *b)
{
	return a->when < b->when;
}

static void place(uint32 i, Timer *t)
{
	timers.heap[i] = t;
	t->i = (int32)i;
}

static void siftup(uint32 i)
{
	Timer *t = timers.heap[i];

	while (i > 0 && before(t, timers.heap[(i - 1) / 2])) {
		place(i, timers.heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(i, t);
}

static void siftdown(uint32 i)
{
	Timer *t = timers.heap[i];
	uint32 c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= timers.len)
			break;
		if (c + 1 < timers.len && before(timers.heap[c + 1], timers.heap[c]))
			c++;
		if (!before(timers.heap[c], t))
			break;
		place(i, timers.heap[c]);
		i = c;
	}
	place(i, t);
}

static void push(Timer *t)
{
	Timer **h;
	uint32 i;

	if (timers.len == timers.cap) {
		timers.cap = timers.cap != 0 ? 2 * timers.cap : 64;
		h = rt_mallocgc(timers.cap * sizeof *h, 0, NULL);
		for (i = 0; i < timers.len; i++)
			h[i] = timers.heap[i];
		timers.heap = h;
	}
	place(timers.len++, t);
	siftup(timers.len - 1);
}

static void removeat(uint32 i)
{
	Timer *t = timers.heap[i];

	timers.len--;
	if (i != timers.len) {
		place(i, timers.heap[timers.len]);
		siftdown(i);
		siftup(timers.heap[i]->i);
	}
	timers.heap[timers.len] = NULL;
	t->i = -1;
}

// ---- the timer thread ----

static void fire(Timer *t, int64 now)
{
	if (t->g != NULL)
		rt_ready(t->g, NULL);
	else
		rt_chansend_nb(t->c, &now);
}

static void *timerproc(void *arg)
{
	Timer *due[64];
	uint32 n, i;
	int64 now, wait;
	bool idle;

	rt_minit();
	for (;;) {
		rt_lock(&timers.lock);
		now = rt_nanotime();
		n = 0;
		while (timers.len > 0 && timers.heap[0]->when <= now && n < nelem(due)) {
			Timer *t = timers.heap[0];

			removeat(0);
			if (t->period > 0) {    // periodic: back in, one period on
				t->when += t->period;
				if (t->when < now)
					t->when = now + t->period;
				push(t);
			}
			due[n++] = t;
		}
		if (n > 0) {
			// Fire outside the lock; a one-shot sleeper's timer is done
			// with once the sleeper is readied, so nothing reads it after.
			// Until then they count as pending: a goroutine about to be
			// readied must not look deadlocked.
			timers.firing = n;
			rt_unlock(&timers.lock);
			for (i = 0; i < n; i++)
				fire(due[i], now);
			rt_lock(&timers.lock);
			timers.firing = 0;
			idle = timers.len == 0;
			rt_unlock(&timers.lock);
			if (idle)
				rt_checkdeadlock();
			continue;
		}
		wait = timers.len > 0 ? timers.heap[0]->when - now : -1;
		timers.sleeping = true;
		rt_noteclear(&timers.note);
		rt_unlock(&timers.lock);
		rt_notetsleep(&timers.note, wait);
		rt_lock(&timers.lock);
		timers.sleeping = false;
		rt_unlock(&timers.lock);
	}
	return NULL;
}

// addtimer puts t in the heap, starting the timer thread or waking it if t
// is the new earliest.  timers.lock held.
static void addtimer(Timer *t)
{
	push(t);
	if (!timers.started) {
		timers.started = true;
		rt_startthread(timerproc, NULL, "cannot create the timer thread");
	} else if (t->i == 0 && timers.sleeping) {
		timers.sleeping = false;
		rt_notewakeup(&timers.note);
	}
}

// rt_timers_pending: is any timer waiting or being fired?  Lock order:
// sched.lock (checkdead holds it) before timers.lock.
bool rt_timers_pending(void)
{
	bool pending;

	rt_lock(&timers.lock);
	pending = timers.len != 0 || timers.firing != 0;
	rt_unlock(&timers.lock);
	return pending;
}

// ---- sleep and timers ----

// rt_sleep parks the calling goroutine for at least ns nanoseconds.
void rt_sleep(int64 ns)
{
	Timer t;

	if (ns <= 0)
		return;
	t = (Timer){.when = rt_nanotime() + ns, .g = rt_getg(), .i = -1};
	rt_lock(&timers.lock);
	addtimer(&t);
	rt_park("sleep", &timers.lock);
}

struct gort_timer {
	Timer   t;
};

gort_timer *gort_timer_start(int64_t delay, int64_t period, gort_chan *c)
{
	gort_timer *gt = rt_mallocgc(sizeof *gt, 0, NULL);

	if (c == NULL || period < 0)
		rt_panic("gort_timer_start: nil channel or negative period");
	gt->t = (Timer){.when = rt_nanotime() + (delay > 0 ? delay : 0),
		.period = period, .c = (Hchan *)c, .i = -1};
	rt_lock(&timers.lock);
	addtimer(&gt->t);
	rt_unlock(&timers.lock);
	return gt;
}

// gort_timer_stop stops t; it returns 1 if t was still pending.
int gort_timer_stop(gort_timer *t)
{
	int pending;

	bool idle;

	rt_lock(&timers.lock);
	pending = t->t.i >= 0;
	if (pending)
		removeat((uint32)t->t.i);
	t->t.period = 0;
	idle = timers.len == 0 && timers.firing == 0;
	rt_unlock(&timers.lock);
	if (idle)
		rt_checkdeadlock();
	return pending;
}

gort_chan *gort_after(int64_t delay)
{
	gort_chan *c = gort_chan_make(sizeof(int64_t), 1);

	gort_timer_start(delay, 0, c);
	return c;
}

void gort_sleep(int64_t ns)
{
	rt_sleep(ns);
}

int64_t gort_nanotime(void)
{
	return rt_nanotime();
}
