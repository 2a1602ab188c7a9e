/* The fault proxy (fault_proxy.h): an acceptor thread, and a thread per connection that pumps bytes
 * both ways with poll() and applies that connection's fault. Every wait is a poll or sleep of at
 * most 50 ms, so fault_proxy_stop() ends everything promptly. */
#define _GNU_SOURCE /* accept4 */
#include "tests/support/fault_proxy.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS	 50
#define BUF_SIZE 16384
#define MAX_PLAN 4096

struct conn {
	struct fault_proxy *p;
	int cfd, ufd;
	struct fault_proxy_fault f;
	int latency_ms;
	int64_t bytes_per_s;
	pthread_t thread;
	bool done; /* the thread has ended and may be joined; atomic */
	struct conn *next;
};

struct fault_proxy {
	struct fault_proxy_config cfg;
	int lfd;
	unsigned port;
	pthread_t acceptor;
	bool stop; /* read and written atomically */

	pthread_mutex_t mu; /* guards everything below */
	struct fault_proxy_fault plan[MAX_PLAN];
	int plan_head, plan_len;
	int percent, with_stall;
	int64_t max_at;
	uint64_t rng;
	int latency_ms;
	int64_t bytes_per_s;
	struct fault_proxy_stats stats;
	struct conn *conns; /* every connection's thread, joined at stop */
};

static const char *const kind_names[FAULT_PROXY__COUNT] = {
	[FAULT_PROXY_NONE] = "none",
	[FAULT_PROXY_RESET_UP] = "reset-up",
	[FAULT_PROXY_RESET_DOWN] = "reset-down",
	[FAULT_PROXY_STALL] = "stall",
	[FAULT_PROXY_LOSE_REPLY] = "lose-reply",
};

const char *fault_proxy_kind_str(enum fault_proxy_kind k)
{
	return k >= 0 && k < FAULT_PROXY__COUNT ? kind_names[k] : "?";
}

static bool stopping(struct fault_proxy *p)
{
	return __atomic_load_n(&p->stop, __ATOMIC_ACQUIRE);
}

/* splitmix64: the same faults for the same seed on every run. */
static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Sleeps in ticks, so a stop is not kept waiting by a slow link. */
static void pause_ms(struct fault_proxy *p, int64_t ms)
{
	while (ms > 0 && !stopping(p)) {
		int64_t step = ms < TICK_MS ? ms : TICK_MS;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = step * 1000000L};

		nanosleep(&ts, NULL);
		ms -= step;
	}
}

/* A close that sends RST rather than FIN: what a dropped link looks like to the peer. */
static void reset_close(int fd)
{
	struct linger l = {.l_onoff = 1, .l_linger = 0};

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static bool write_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		b += w;
		n -= (size_t)w;
	}
	return true;
}

static void count(struct fault_proxy *p, bool up, size_t n)
{
	pthread_mutex_lock(&p->mu);
	if (up)
		p->stats.bytes_up += (int64_t)n;
	else
		p->stats.bytes_down += (int64_t)n;
	pthread_mutex_unlock(&p->mu);
}

/* Latency and bandwidth before n bytes go on. */
static void shape(struct conn *c, size_t n)
{
	int64_t ms = c->latency_ms;

	if (c->bytes_per_s > 0)
		ms += (int64_t)n * 1000 / c->bytes_per_s;
	pause_ms(c->p, ms);
}

static void stall(struct conn *c)
{
	char buf[BUF_SIZE];
	struct pollfd pfd = {.fd = c->cfd, .events = POLLIN};

	while (!stopping(c->p)) {
		if (poll(&pfd, 1, TICK_MS) <= 0)
			continue;
		if (read(c->cfd, buf, sizeof(buf)) <= 0)
			return;
	}
}

static int connect_upstream(unsigned port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Pumps both ways until either side closes, a fault ends it, or the proxy stops. Returns true
 * when the end must be a reset. */
static bool pump(struct conn *c)
{
	struct pollfd pfd[2] = {{.fd = c->cfd, .events = POLLIN}, {.fd = c->ufd, .events = POLLIN}};
	int64_t up = 0, down = 0, answers = 0;
	size_t chunk = BUF_SIZE;
	bool last_up = false;
	char buf[BUF_SIZE];

	/* A slow link moves small pieces, so pacing is smooth rather than one long pause. */
	if (c->bytes_per_s > 0 && (int64_t)chunk > c->bytes_per_s / 20)
		chunk = c->bytes_per_s / 20 > 0 ? (size_t)(c->bytes_per_s / 20) : 1;
	while (!stopping(c->p)) {
		ssize_t n;
		size_t take;

		if (poll(pfd, 2, TICK_MS) <= 0)
			continue;
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(c->cfd, buf, chunk);
			if (n <= 0)
				return false;
			take = (size_t)n;
			if (c->f.kind == FAULT_PROXY_RESET_UP && up + n >= c->f.at)
				take = (size_t)(c->f.at - up);
			shape(c, take);
			if (take && !write_all(c->ufd, buf, take))
				return false;
			up += (int64_t)take;
			count(c->p, true, take);
			if (take < (size_t)n ||
			    (c->f.kind == FAULT_PROXY_RESET_UP && up >= c->f.at))
				return true;
			last_up = true;
		}
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(c->ufd, buf, chunk);
			if (n <= 0)
				return false;
			if (last_up)
				answers++;
			last_up = false;
			/* The platform has answered, so it has committed: its answer never arrives.
			 */
			if (c->f.kind == FAULT_PROXY_LOSE_REPLY && answers >= c->f.at)
				return true;
			take = (size_t)n;
			if (c->f.kind == FAULT_PROXY_RESET_DOWN && down + n >= c->f.at)
				take = (size_t)(c->f.at - down);
			shape(c, take);
			if (take && !write_all(c->cfd, buf, take))
				return false;
			down += (int64_t)take;
			count(c->p, false, take);
			if (take < (size_t)n ||
			    (c->f.kind == FAULT_PROXY_RESET_DOWN && down >= c->f.at))
				return true;
		}
	}
	return false;
}

static void serve(struct conn *c)
{
	if (c->f.kind == FAULT_PROXY_STALL) {
		stall(c);
		close(c->cfd);
		return;
	}
	c->ufd = connect_upstream(c->p->cfg.upstream_port);
	if (c->ufd < 0) {
		/* Nobody upstream: the client sees its connection refused, as it would directly. */
		reset_close(c->cfd);
		return;
	}
	if (pump(c)) {
		reset_close(c->cfd);
		reset_close(c->ufd);
	} else {
		close(c->cfd);
		close(c->ufd);
	}
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;

	serve(c);
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Joins the threads of connections that ended, so a soak of thousands of faults keeps a handful
 * of threads; mu held. */
static void reap(struct fault_proxy *p)
{
	struct conn **pc = &p->conns, *c;

	while ((c = *pc)) {
		if (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE)) {
			pc = &c->next;
			continue;
		}
		pthread_join(c->thread, NULL);
		*pc = c->next;
		free(c);
	}
}

/* The fault of the next connection, mu held. */
static struct fault_proxy_fault draw(struct fault_proxy *p)
{
	struct fault_proxy_fault f = {FAULT_PROXY_NONE, 0};
	int kinds = p->with_stall ? 4 : 3;
	static const enum fault_proxy_kind order[] = {FAULT_PROXY_RESET_UP, FAULT_PROXY_RESET_DOWN,
						      FAULT_PROXY_LOSE_REPLY, FAULT_PROXY_STALL};

	if (p->plan_len > 0) {
		f = p->plan[p->plan_head];
		p->plan_head = (p->plan_head + 1) % MAX_PLAN;
		p->plan_len--;
		return f;
	}
	if (p->percent <= 0 || (int)(next_random(&p->rng) % 100) >= p->percent)
		return f;
	f.kind = order[next_random(&p->rng) % (uint64_t)kinds];
	if (f.kind == FAULT_PROXY_LOSE_REPLY)
		f.at = 1 + (int64_t)(next_random(&p->rng) % 3);
	else
		f.at = (int64_t)(next_random(&p->rng) % (uint64_t)(p->max_at > 0 ? p->max_at : 1));
	return f;
}

static void *accept_main(void *arg)
{
	struct fault_proxy *p = arg;
	struct pollfd pfd = {.fd = p->lfd, .events = POLLIN};

	while (!stopping(p)) {
		struct conn *c;
		int fd;

		if (poll(&pfd, 1, TICK_MS) <= 0)
			continue;
		fd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->p = p;
		c->cfd = fd;
		c->ufd = -1;
		pthread_mutex_lock(&p->mu);
		reap(p);
		c->f = draw(p);
		c->latency_ms = p->latency_ms;
		c->bytes_per_s = p->bytes_per_s;
		p->stats.connections++;
		if (c->f.kind != FAULT_PROXY_NONE) {
			p->stats.faults++;
			p->stats.by_kind[c->f.kind]++;
		}
		if (pthread_create(&c->thread, NULL, conn_main, c) != 0) {
			pthread_mutex_unlock(&p->mu);
			close(fd);
			free(c);
			continue;
		}
		c->next = p->conns;
		p->conns = c;
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

enum kerr fault_proxy_start(const struct fault_proxy_config *cfg, struct fault_proxy **ret)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	struct fault_proxy *p = calloc(1, sizeof(*p));

	if (!p)
		return KERR_NOMEM;
	p->cfg = *cfg;
	p->rng = cfg->seed;
	p->latency_ms = cfg->latency_ms;
	p->bytes_per_s = cfg->bytes_per_s;
	pthread_mutex_init(&p->mu, NULL);
	p->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->lfd < 0 || bind(p->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(p->lfd, 64) != 0 || getsockname(p->lfd, (struct sockaddr *)&a, &len) != 0)
		goto fail;
	p->port = ntohs(a.sin_port);
	if (pthread_create(&p->acceptor, NULL, accept_main, p) != 0)
		goto fail;
	*ret = p;
	return KERR_OK;
fail:
	if (p->lfd >= 0)
		close(p->lfd);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return KERR_IO;
}

void fault_proxy_stop(struct fault_proxy *p)
{
	struct conn *c, *next;

	if (!p)
		return;
	__atomic_store_n(&p->stop, true, __ATOMIC_RELEASE);
	pthread_join(p->acceptor, NULL);
	close(p->lfd);
	/* The acceptor is gone, so the list no longer grows. */
	for (c = p->conns; c; c = next) {
		next = c->next;
		pthread_join(c->thread, NULL);
		free(c);
	}
	pthread_mutex_destroy(&p->mu);
	free(p);
}

unsigned fault_proxy_port(const struct fault_proxy *p)
{
	return p->port;
}

void fault_proxy_push(struct fault_proxy *p, const struct fault_proxy_fault *f, int times)
{
	pthread_mutex_lock(&p->mu);
	for (int i = 0; i < times && p->plan_len < MAX_PLAN; i++) {
		p->plan[(p->plan_head + p->plan_len) % MAX_PLAN] = *f;
		p->plan_len++;
	}
	pthread_mutex_unlock(&p->mu);
}

void fault_proxy_random(struct fault_proxy *p, int percent, int64_t max_at, int with_stall)
{
	pthread_mutex_lock(&p->mu);
	p->percent = percent;
	p->max_at = max_at;
	p->with_stall = with_stall;
	pthread_mutex_unlock(&p->mu);
}

void fault_proxy_shape(struct fault_proxy *p, int latency_ms, int64_t bytes_per_s)
{
	pthread_mutex_lock(&p->mu);
	p->latency_ms = latency_ms;
	p->bytes_per_s = bytes_per_s;
	pthread_mutex_unlock(&p->mu);
}

int fault_proxy_planned(struct fault_proxy *p)
{
	int n;

	pthread_mutex_lock(&p->mu);
	n = p->plan_len;
	pthread_mutex_unlock(&p->mu);
	return n;
}

void fault_proxy_get_stats(struct fault_proxy *p, struct fault_proxy_stats *ret)
{
	pthread_mutex_lock(&p->mu);
	*ret = p->stats;
	pthread_mutex_unlock(&p->mu);
}
