/* deliver-check: the delivery checker (tests/support/deliver_check.h) for shell scripts such as the
 * soak. Prints one line of counts and the findings; exit 0 when nothing is lost, unexpected or
 * duplicated, 1 when something is, 2 for bad arguments or a check that could not run. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>

#include "tests/support/deliver_check.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: deliver-check --data DIR --url URL [--key FILE] [--ca FILE]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'd'}, {"url", required_argument, NULL, 'u'},
		{"key", required_argument, NULL, 'k'},	{"ca", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},	{NULL, 0, NULL, 0},
	};
	const char *data = NULL, *url = NULL, *key = NULL, *ca = NULL;
	struct deliver_report r;
	enum kerr e;
	int o;

	while ((o = getopt_long(argc, argv, "d:u:k:c:h", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			data = optarg;
			break;
		case 'u':
			url = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'c':
			ca = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!data || !url || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "deliver-check: libcurl did not start\n");
		return 2;
	}
	e = deliver_check(data, key, url, ca, &r);
	curl_global_cleanup();
	if (e) {
		fprintf(stderr, "deliver-check: %s: %s\n", kerr_str(e), r.detail);
		return 2;
	}
	printf("receipted %d held %d lost %d unexpected %d duplicated %d replayed %d pending %d\n",
	       r.receipted, r.held, r.lost, r.unexpected, r.duplicated, r.replayed, r.pending);
	if (r.detail[0])
		printf("%s\n", r.detail);
	return r.lost || r.unexpected || r.duplicated ? 1 : 0;
}
