/* loop.h: the daemon's event loop: epoll over file descriptors, one callback each. */
#ifndef LOOP_H
#define LOOP_H

#include <stdint.h>

struct loop;

/* Called with the epoll events (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR) of its fd. */
typedef void (*loop_fn)(void *arg, int fd, uint32_t events);

/* A loop (epoll_create1 with close-on-exec). Returns NULL with errno on failure. */
struct loop *loop_new(void);
/* Closes the epoll fd and frees every registration (not the fds themselves). */
void loop_free(struct loop *l);

/* Watches fd for events (EPOLLIN...) with fn(arg, fd, events). Returns 0 or -1 (errno). */
int loop_add(struct loop *l, int fd, uint32_t events, loop_fn fn, void *arg);
/* Changes the events watched on fd. Returns 0 or -1 (errno; ENOENT if not added). */
int loop_mod(struct loop *l, int fd, uint32_t events);
/* Stops watching fd (safe from inside a callback, even fd's own). Returns 0 or -1. */
int loop_del(struct loop *l, int fd);

/*
 * Waits up to timeout_ms (-1: forever) and calls the callbacks of the ready
 * fds. Returns how many were called, 0 on timeout or EINTR, -1 on an epoll error.
 */
int loop_once(struct loop *l, int timeout_ms);

#endif
