/* The reference platform as a child process of a test: started on a free loopback port (or a given
 * one, to come back where the kiosk expects it), asked for its state, switched to faults, stopped.
 */
#ifndef TESTS_SUPPORT_PLAT_PROC_H
#define TESTS_SUPPORT_PLAT_PROC_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

struct plat_proc {
	char dir[64]; /* its folder: database, log, port file; removed by plat_proc_cleanup() */
	pid_t pid;
	unsigned port;
	bool tls;     /* started with dir/pki certificates and client certificates required */
	char url[64]; /* base URL for the kiosk */
};

/* Starts it. port 0 picks a free one; a second start after plat_proc_stop() passes the old port
 * and keeps the database. tls makes dir/pki with mk/pki.sh and serves HTTPS requiring client
 * certificates. Fails the test when it does not come up within 5 s. */
void plat_proc_start(struct plat_proc *p, unsigned port, bool tls);
/* SIGTERM and wait; the folder stays. */
void plat_proc_stop(struct plat_proc *p);
/* Stops it if running and removes its folder. */
void plat_proc_cleanup(struct plat_proc *p);
/* GET /admin/state (the caller owns the result). */
json_t *plat_proc_state(struct plat_proc *p);
/* POST body to an /admin path; fails the test unless 200. */
void plat_proc_admin(struct plat_proc *p, const char *path, const char *body);
/* A file in its folder: "pki/ca.pem". */
const char *plat_proc_path(struct plat_proc *p, const char *name, char *buf, size_t size);

#endif
