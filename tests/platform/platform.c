/* The reference platform of docs/uplink.md for tests and `make run`: options, start, and a clean stop on SIGTERM
 * or SIGINT. Usage in section 13. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "tests/platform/plat.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: platform --db FILE [--port N] [--port-file FILE] [--catalog FILE]\n"
		   "                [--tls-cert FILE --tls-key FILE [--client-ca FILE]] [--certificates FILE] [--quiet]\n");
}

/* A whole small file (a PEM) as a NUL-terminated string the caller frees; NULL when unreadable. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	buf = malloc(65537);
	if (buf) {
		len = fread(buf, 1, 65536, f);
		buf[len] = 0;
	}
	fclose(f);
	if (buf && len == 0) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

/* Written to a temporary name and renamed, so a test polling for it never reads half a number. */
static int write_port_file(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },        { "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'f' }, { "catalog", required_argument, NULL, 'c' },
		{ "tls-cert", required_argument, NULL, 'C' },  { "tls-key", required_argument, NULL, 'K' },
		{ "client-ca", required_argument, NULL, 'A' }, { "quiet", no_argument, NULL, 'q' },
		{ "certificates", required_argument, NULL, 'Z' },
		{ "help", no_argument, NULL, 'h' },            { NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *port_file = NULL, *catalog = NULL, *cert = NULL, *key = NULL, *ca = NULL;
	const char *certs = NULL;
	struct plat p = { 0 };
	struct plat_http_opts o = { 0 };
	struct MHD_Daemon *d = NULL;
	char err[512];
	unsigned port = 0;
	sigset_t stop;
	int opt, sig, rc = 1;
	char *end;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			db = optarg;
			break;
		case 'p':
			o.port = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o.port > 65535) {
				usage(stderr);
				return 2;
			}
			break;
		case 'f':
			port_file = optarg;
			break;
		case 'c':
			catalog = optarg;
			break;
		case 'C':
			cert = optarg;
			break;
		case 'K':
			key = optarg;
			break;
		case 'A':
			ca = optarg;
			break;
		case 'q':
			p.quiet = true;
			break;
		case 'Z':
			certs = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!db || optind != argc || !cert != !key || (ca && !cert)) {
		usage(stderr);
		return 2;
	}
	pthread_mutex_init(&p.lock, NULL);
	/* Blocked before any thread starts, so every MHD thread inherits the mask and only sigwait() sees them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (cert) {
		o.tls_cert_pem = slurp(cert);
		o.tls_key_pem = slurp(key);
		o.client_ca_pem = ca ? slurp(ca) : NULL;
		if (!o.tls_cert_pem || !o.tls_key_pem || (ca && !o.client_ca_pem)) {
			plat_log_err("cannot read %s", !o.tls_cert_pem ? cert : !o.tls_key_pem ? key : ca);
			goto out;
		}
		p.client_certs = ca != NULL;
	}
	if (catalog && plat_catalog_load(&p, catalog, err, sizeof(err)) != KERR_OK) {
		plat_log_err("catalog: %s", err);
		goto out;
	}
	if (plat_store_open(&p, db, err, sizeof(err)) != KERR_OK) {
		plat_log_err("database: %s", err);
		goto out;
	}
	if (certs && plat_certs_load(&p, certs, err, sizeof(err)) != KERR_OK) {
		plat_log_err("certificates: %s", err);
		goto out;
	}
	if (plat_http_start(&p, &o, &d, &port) != KERR_OK) {
		plat_log_err("cannot listen on 127.0.0.1:%u", o.port);
		goto out;
	}
	if (port_file && write_port_file(port_file, port) != 0) {
		plat_log_err("cannot write %s", port_file);
		goto out;
	}
	plat_log_info(&p, "listening on %s://127.0.0.1:%u%s%s", cert ? "https" : "http", port,
		      ca ? " (client certificates required)" : "", catalog ? "" : " (no catalog)");
	while (sigwait(&stop, &sig) != 0)
		;
	plat_log_info(&p, "stopping on %s", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	rc = 0;
out:
	plat_http_stop(d);
	plat_store_close(&p);
	while (p.inflight) {
		struct plat_inflight *next = p.inflight->next;

		free(p.inflight);
		p.inflight = next;
	}
	free(p.catalog);
	plat_certs_shutdown();
	free((char *)o.tls_cert_pem);
	free((char *)o.tls_key_pem);
	free((char *)o.client_ca_pem);
	pthread_mutex_destroy(&p.lock);
	return rc;
}
