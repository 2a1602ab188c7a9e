/* A TCP fault proxy for tests: listens on a free loopback port and forwards each connection to an
 * upstream loopback port (the reference platform), byte for byte, so TLS stays end to end. Faults
 * are planned per connection: added latency, a bandwidth limit, a reset at byte N of either
 * direction, a stall (accepted, never answered), and a lost reply (the request goes through, the
 * platform commits, the connection drops before any byte of its answer is forwarded). Runs on its
 * own threads inside the test process; no cmocka inside. */
#ifndef TESTS_SUPPORT_FAULT_PROXY_H
#define TESTS_SUPPORT_FAULT_PROXY_H

#include "common/kerr.h"

#include <stdint.h>

enum fault_proxy_kind {
	FAULT_PROXY_NONE,
	FAULT_PROXY_RESET_UP,	/* reset after `at` bytes from the client were forwarded */
	FAULT_PROXY_RESET_DOWN, /* reset after `at` bytes from the platform were forwarded */
	FAULT_PROXY_STALL,	/* accept, read and drop everything, answer nothing until closed */
	/* Drop the connection at the start of the platform's `at`-th answer (1: its first): a burst
	 * of bytes from the platform after bytes from the client. Over plain HTTP that is the
	 * `at`-th reply; over TLS the handshake's flights count too. */
	FAULT_PROXY_LOSE_REPLY,
	FAULT_PROXY__COUNT
};

/* "reset-up", "reset-down", "stall", "lose-reply", "none". */
const char *fault_proxy_kind_str(enum fault_proxy_kind k);

struct fault_proxy_fault {
	enum fault_proxy_kind kind;
	int64_t at; /* bytes, or the answer's number for LOSE_REPLY */
};

struct fault_proxy_config {
	unsigned upstream_port; /* on 127.0.0.1 */
	int latency_ms;		/* added before each forwarded chunk, both ways; 0: none */
	int64_t bytes_per_s;	/* per connection and direction; 0: unlimited */
	uint64_t seed;		/* for random faults; 0 is a fixed seed too */
};

struct fault_proxy_stats {
	int connections;
	int faults; /* connections that were given a fault */
	int by_kind[FAULT_PROXY__COUNT];
	int64_t bytes_up, bytes_down;
};

struct fault_proxy;

/* Starts listening on a free loopback port. *ret is the caller's: fault_proxy_stop(). Errors:
 * KERR_IO (socket, bind, thread), KERR_NOMEM. */
enum kerr fault_proxy_start(const struct fault_proxy_config *cfg, struct fault_proxy **ret);
/* Closes every connection, joins every thread and frees. NULL is fine. */
void fault_proxy_stop(struct fault_proxy *p);
unsigned fault_proxy_port(const struct fault_proxy *p);
/* The next `times` connections get fault f, in order of acceptance, before any random one. */
void fault_proxy_push(struct fault_proxy *p, const struct fault_proxy_fault *f, int times);
/* Once pushed faults are used up, each new connection gets a fault with probability percent: a
 * kind among those not excluded and a byte drawn below max_at (an answer number of 1 to 3 for
 * LOSE_REPLY), from the seeded sequence. Stalls are left out unless with_stall. 0: no more. */
void fault_proxy_random(struct fault_proxy *p, int percent, int64_t max_at, int with_stall);
/* Latency and bandwidth of connections accepted from now on. */
void fault_proxy_shape(struct fault_proxy *p, int latency_ms, int64_t bytes_per_s);
/* Faults planned and not yet taken (pushed ones only). */
int fault_proxy_planned(struct fault_proxy *p);
void fault_proxy_get_stats(struct fault_proxy *p, struct fault_proxy_stats *ret);

#endif
