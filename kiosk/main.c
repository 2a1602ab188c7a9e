/* The kiosk's entry point: wiring only. */
#include "common/log.h"
#include "kiosk/app.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: kiosk [--config FILE] [--data DIR] [--script FILE] [--shots DIR] [--control SOCKET]\n"
		   "             [--dev] [--headless] [--frames N]\n"
		   "  --config FILE    key = value settings (assets/kiosk.conf documents them)\n"
		   "  --data DIR       the durable store (cases, scans, evaluations); default /var/lib/kiosk\n"
		   "  --script FILE    run a script of touches, keys and device events on a virtual clock, then exit\n"
		   "  --shots DIR      save a PNG of every screen shown (with --script: on each \"shot\" line)\n"
		   "  --control SOCKET take script lines on a unix socket while running\n"
		   "  --dev            developer keys F1-F12 drive the simulated devices\n"
		   "  --headless       no window: draw offscreen (tests, benchmarks)\n"
		   "  --frames N       exit after N frames (benchmarks)\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' }, { "data", required_argument, NULL, 'd' },
		{ "script", required_argument, NULL, 's' }, { "shots", required_argument, NULL, 'p' },
		{ "control", required_argument, NULL, 'k' }, { "dev", no_argument, NULL, 'v' },
		{ "headless", no_argument, NULL, 'H' },	     { "frames", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },	     { NULL, 0, NULL, 0 },
	};
	struct kiosk_opts opts = { .data_dir = "/var/lib/kiosk" };
	struct kiosk *k;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:d:s:p:k:vHf:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opts.config_path = optarg; break;
		case 'd': opts.data_dir = optarg; break;
		case 's': opts.script_path = optarg; opts.headless = true; break;
		case 'p': opts.shots_dir = optarg; break;
		case 'k': opts.control_path = optarg; break;
		case 'v': opts.dev = true; break;
		case 'H': opts.headless = true; break;
		case 'f': opts.max_frames = atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	/* A closed control connection must not kill the kiosk. */
	signal(SIGPIPE, SIG_IGN);
	k = calloc(1, sizeof(*k));
	if (!k)
		return 1;
	if (app_init(k, &opts) != KERR_OK) {
		app_finish(k);
		free(k);
		return 2;
	}
	rc = app_run(k);
	app_finish(k);
	free(k);
	return rc;
}
