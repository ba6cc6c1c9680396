// sieve: the first 25 primes by the concurrent prime sieve, a chain of
// goroutines linked by channels.  Each prime found adds a filter goroutine
// that passes on only the numbers its prime does not divide.
#include <stdio.h>

#include <gort.h>

typedef struct Filter {
	gort_chan *in, *out;
	int prime;
} Filter;

static void generate(void *arg)
{
	gort_chan *ch = arg;
	int i;

	for (i = 2;; i++)
		gort_chan_send(ch, &i);
}

static void filter(void *arg)
{
	Filter *f = arg;
	int i;

	for (;;) {
		gort_chan_recv(f->in, &i);
		if (i % f->prime != 0)
			gort_chan_send(f->out, &i);
	}
}

static void sieve(void *arg)
{
	gort_chan *ch = gort_chan_make(sizeof(int), 0);
	Filter *f;
	int i, prime;

	gort_go(generate, ch);
	for (i = 0; i < 25; i++) {
		gort_chan_recv(ch, &prime);
		printf("%d\n", prime);
		f = gort_new(Filter);
		f->in = ch;
		f->out = gort_chan_make(sizeof(int), 0);
		f->prime = prime;
		gort_go(filter, f);
		ch = f->out;
	}
	printf("%d goroutines, one per prime and the generator, left running\n",
		gort_numgoroutine() - 1);
}

GORT_MAIN(sieve)
