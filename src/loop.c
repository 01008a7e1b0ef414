/* loop.c: epoll with one callback per fd; registrations removed during dispatch are freed after it.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "loop.h"
#include "xmalloc.h"

#define MAX_EVENTS 64

struct reg {
	struct reg *next; /* all registrations, and after removal the dead list */
	int fd;
	int dead;
	loop_fn fn;
	void *arg;
};

/*
 * Invariant: every live registration is in regs and in the epoll set under
 * its fd; dead ones are out of the epoll set and wait in dead until the
 * dispatch that may still see them is over.
 */
struct loop {
	int ep;
	struct reg *regs, *dead;
};

struct loop *
loop_new(void)
{
	struct loop *l;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		return NULL;
	l = xcalloc(1, sizeof(*l));
	l->ep = ep;
	return l;
}

static void
free_list(struct reg *r)
{
	while (r != NULL) {
		struct reg *n = r->next;

		free(r);
		r = n;
	}
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	close(l->ep);
	free_list(l->regs);
	free_list(l->dead);
	free(l);
}

static struct reg *
find(struct loop *l, int fd, struct reg ***link)
{
	struct reg **p;

	for (p = &l->regs; *p != NULL; p = &(*p)->next)
		if ((*p)->fd == fd) {
			if (link != NULL)
				*link = p;
			return *p;
		}
	return NULL;
}

int
loop_add(struct loop *l, int fd, uint32_t events, loop_fn fn, void *arg)
{
	struct epoll_event ev;
	struct reg *r = xcalloc(1, sizeof(*r));

	r->fd = fd;
	r->fn = fn;
	r->arg = arg;
	ev.events = events;
	ev.data.ptr = r;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		int e = errno;

		free(r);
		errno = e;
		return -1;
	}
	r->next = l->regs;
	l->regs = r;
	return 0;
}

int
loop_mod(struct loop *l, int fd, uint32_t events)
{
	struct epoll_event ev;
	struct reg *r = find(l, fd, NULL);

	if (r == NULL) {
		errno = ENOENT;
		return -1;
	}
	ev.events = events;
	ev.data.ptr = r;
	return epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &ev);
}

int
loop_del(struct loop *l, int fd)
{
	struct reg **link, *r = find(l, fd, &link);

	if (r == NULL) {
		errno = ENOENT;
		return -1;
	}
	(void)epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL); /* fails harmlessly if fd is closed */
	*link = r->next;
	r->dead = 1;
	r->next = l->dead;
	l->dead = r;
	return 0;
}

int
loop_once(struct loop *l, int timeout_ms)
{
	struct epoll_event evs[MAX_EVENTS];
	int n, i, called = 0;

	n = epoll_wait(l->ep, evs, MAX_EVENTS, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (i = 0; i < n; i++) {
		struct reg *r = evs[i].data.ptr;

		if (r->dead)
			continue; /* removed by an earlier callback of this round */
		r->fn(r->arg, r->fd, evs[i].events);
		called++;
	}
	free_list(l->dead);
	l->dead = NULL;
	return called;
}
