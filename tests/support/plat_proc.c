/* Starting and steering the reference platform from a test (see plat_proc.h). */
#include "tests/support/plat_proc.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

const char *plat_proc_path(struct plat_proc *p, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", p->dir, name);
	return buf;
}

static void ms_sleep(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

void plat_proc_start(struct plat_proc *p, unsigned port, bool tls)
{
	char db[128], port_file[128], log[128], port_s[16], pki[96], cert[128], key[128], ca[128],
		cmd[256];
	const char *argv[20] = {PLATFORM_BIN, "--db",	   db,
				"--port",     port_s,	   "--port-file",
				port_file,    "--catalog", SRCDIR "/assets/catalog.json"};
	int argc = 9;

	if (!p->dir[0]) {
		snprintf(p->dir, sizeof(p->dir), "/tmp/plat-proc.XXXXXX");
		assert_non_null(mkdtemp(p->dir));
	}
	p->tls = tls;
	plat_proc_path(p, "platform.db", db, sizeof(db));
	plat_proc_path(p, "port", port_file, sizeof(port_file));
	plat_proc_path(p, "platform.log", log, sizeof(log));
	unlink(port_file);
	snprintf(port_s, sizeof(port_s), "%u", port);
	if (tls) {
		plat_proc_path(p, "pki", pki, sizeof(pki));
		snprintf(cmd, sizeof(cmd), "sh '%s/mk/pki.sh' '%s' ZW3101150001 >/dev/null 2>&1",
			 SRCDIR, pki);
		assert_int_equal(system(cmd), 0);
		snprintf(cert, sizeof(cert), "%s/server.pem", pki);
		snprintf(key, sizeof(key), "%s/server.key", pki);
		snprintf(ca, sizeof(ca), "%s/ca.pem", pki);
		argv[argc++] = "--tls-cert";
		argv[argc++] = cert;
		argv[argc++] = "--tls-key";
		argv[argc++] = key;
		argv[argc++] = "--client-ca";
		argv[argc++] = ca;
	}
	argv[argc] = NULL;
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (p->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		/* A test that fails half-way skips its clean-up: the platform still goes with the
		 * test process. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);

		/* Its log to a file, and not the test's stdout: a pipe reading the test's output
		 * must not wait for the platform too. */
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(PLATFORM_BIN, (char *const *)argv);
		_exit(127);
	}
	/* The child writes the port file once it listens: a bounded poll of a child, not a guess.
	 */
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(port_file, "r");
		int status;

		if (f) {
			int n = fscanf(f, "%u", &p->port);

			fclose(f);
			if (n == 1) {
				snprintf(p->url, sizeof(p->url), "%s://127.0.0.1:%u",
					 tls ? "https" : "http", p->port);
				return;
			}
		}
		assert_int_equal(waitpid(p->pid, &status, WNOHANG), 0);
		ms_sleep(10);
	}
	fail_msg("the platform did not start within 5 s");
}

void plat_proc_stop(struct plat_proc *p)
{
	int status = -1;

	if (p->pid <= 0)
		return;
	kill(p->pid, SIGTERM);
	waitpid(p->pid, &status, 0);
	p->pid = 0;
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void plat_proc_cleanup(struct plat_proc *p)
{
	char cmd[128];

	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		p->pid = 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
	if (p->dir[0] && system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", p->dir);
	p->dir[0] = '\0';
}

struct buf {
	char *data;
	size_t len;
};

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	struct buf *b = userp;
	char *grown = realloc(b->data, b->len + size * n + 1);

	if (!grown)
		return 0;
	b->data = grown;
	memcpy(b->data + b->len, data, size * n);
	b->len += size * n;
	b->data[b->len] = '\0';
	return size * n;
}

/* Admin calls go over plain HTTP or HTTPS with the test's own CA and client certificate. */
static long admin(struct plat_proc *p, const char *path, const char *body, struct buf *out)
{
	char url[256], ca[128], cert[128], key[128];
	struct curl_slist *h = curl_slist_append(NULL, "X-Terminal-Id: ZW3101150001");
	CURL *c = curl_easy_init();
	long status = 0;

	assert_non_null(c);
	snprintf(url, sizeof(url), "%s%s", p->url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	if (p->tls) {
		curl_easy_setopt(c, CURLOPT_CAINFO,
				 plat_proc_path(p, "pki/ca.pem", ca, sizeof(ca)));
		curl_easy_setopt(c, CURLOPT_SSLCERT,
				 plat_proc_path(p, "pki/client.pem", cert, sizeof(cert)));
		curl_easy_setopt(c, CURLOPT_SSLKEY,
				 plat_proc_path(p, "pki/client.key", key, sizeof(key)));
	}
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	return status;
}

json_t *plat_proc_state(struct plat_proc *p)
{
	struct buf b = {NULL, 0};
	json_t *j;

	assert_int_equal(admin(p, "/admin/state", NULL, &b), 200);
	j = json_loadb(b.data, b.len, 0, NULL);
	free(b.data);
	assert_non_null(j);
	return j;
}

void plat_proc_admin(struct plat_proc *p, const char *path, const char *body)
{
	struct buf b = {NULL, 0};
	long status = admin(p, path, body, &b);

	if (status != 200)
		fail_msg("POST %s: %ld %s", path, status, b.data ? b.data : "");
	free(b.data);
}
