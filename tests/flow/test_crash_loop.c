/* The crash loop: the real kiosk, headless, runs a resident's journey and syncs with the reference
 * platform, and is killed with SIGKILL at a seeded random I/O call (tests/support/failio.c:
 * FAILIO_KILL_AT counts every write, fsync, rename and open for writing), then restarted on the
 * same data folder, again and again. Every restart must come up on a clean home screen. At the end
 * a last run lets the sync finish, and the delivery checker must find nothing lost, unexpected or
 * duplicated between what the terminal stored (and so receipted) and what the platform holds;
 * the store must pass integrity_check with every case whole.
 *
 * CRASH_POINTS sets the number of kill points (200; 60 in the sanitizer pass of make check, whose
 * kiosk is several times slower; 1,000 under make soak), CRASH_SEED the seed; a failing run prints
 * both, so it can be replayed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/support/deliver_check.h"
#include "tests/support/journey_script.h"
#include "tests/support/plat_proc.h"
#include "tests/support/store_check.h"

#define TERMINAL "ZW3101150001"
/* Small chunks, so a kill lands inside a page's upload as well; small quick scans, so that two
 * hundred restarts stay within a minute. */
#define CRASH_CONF                                                                             \
	"platform.chunk_kb = 16\nplatform.backoff_base_ms = 100\nplatform.backoff_cap_s = 1\n" \
	"scan.clean = false\nscanner.latency_ms = 100\nreceipt.latency_ms = 100\n"

/* One run in this many has a resident; the others restart and sync. */
#define JOURNEY_EVERY 8

struct loop {
	long points, killed, finished;
	uint64_t seed, rng;
	long journey_ops; /* I/O calls of the last uninterrupted journey */
	long sync_ops;	  /* and of the last uninterrupted sync */
	long sync_full;	  /* of a sync with one resident's case and rating to send */
	long runs;
};

static uint64_t rnd(struct loop *l)
{
	l->rng ^= l->rng >> 12;
	l->rng ^= l->rng << 25;
	l->rng ^= l->rng >> 27;
	return l->rng * 2685821657736338717ull;
}

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 10) : dflt;
}

/* A restart must find home, whatever the last run was doing; then one resident, then the sync. */
static void script(struct fixture *f, const struct catalog_item *it, int level, bool sync)
{
	begin(f);
	line(f, "expect HOME");
	line(f, "expect-no-text 本机未能保存");
	to_form(f, it, "resident");
	/* One page of each material. */
	line(f, "tap footer.next");
	line(f, "expect SCAN");
	for (size_t i = 0; i < it->n_materials; i++) {
		if (it->materials[i].ecert)
			continue;
		line(f, "tap scan.start");
		line(f, "wait 300");
		line(f, "tap footer.next");
	}
	line(f, "expect SUMMARY");
	line(f, "tap footer.next");
	line(f, "expect PRINT");
	line(f, "wait 600");
	line(f, "expect EVAL");
	line(f, "tap level.%d", level);
	line(f, "expect THANKS");
	line(f, "tap footer.next");
	line(f, "expect HOME");
	if (sync)
		line(f, "sync 60");
}

/* Runs the kiosk with the kill point (0: none); returns how it ended: the exit status, or 128 +
 * the signal. */
static int run_killed(struct fixture *f, long kill_at, const char *ops_out)
{
	char cmd[2048];
	int rc;

	fclose(f->s);
	f->s = NULL;
	snprintf(
		cmd, sizeof(cmd),
		"FAILIO_KILL_AT=%ld FAILIO_OPS_OUT='%s' LD_PRELOAD='%s' "
		"ASAN_OPTIONS=\"$ASAN_OPTIONS:verify_asan_link_order=0\" SDL_VIDEODRIVER=offscreen "
		"KIOSK_LOG=info '%s' --config '%s' --data '%s' --script '%s' >> '%s' 2>&1",
		kill_at, ops_out ? ops_out : "", FAILIO_LIB, KIOSK_BIN, f->conf, f->data, f->script,
		f->log);
	rc = system(cmd);
	if (WIFSIGNALED(rc))
		return 128 + WTERMSIG(rc);
	/* sh reports a child killed by a signal as 128 + the signal. */
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 255;
}

static long read_long(const char *path)
{
	FILE *fp = fopen(path, "r");
	long v = -1;

	assert_non_null(fp);
	assert_int_equal(fscanf(fp, "%ld", &v), 1);
	fclose(fp);
	return v;
}

/* A restart: home, then the sync of what is queued. */
static void sync_only(struct fixture *f)
{
	begin(f);
	line(f, "expect HOME");
	line(f, "sync 60");
}

static void tail_log(struct fixture *f);

/* Runs the script just written without a kill and returns its count of I/O calls. */
static long measured(struct fixture *f, const char *ops_out, const char *what)
{
	int rc;

	unlink(ops_out);
	rc = run_killed(f, 0, ops_out);
	if (rc != 0) {
		tail_log(f);
		fail_msg("%s without a kill ended with %d", what, rc);
	}
	return read_long(ops_out);
}

static void tail_log(struct fixture *f)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "tail -n 25 '%s' >&2", f->log);
	if (system(cmd) != 0)
		fprintf(stderr, "no log\n");
}

/* The fixture and the platform, so a failing test still stops the platform at teardown. */
struct crash {
	struct fixture *f;
	struct plat_proc p;
	char shm[64];
};

static int crash_setup(void **state)
{
	struct crash *c = calloc(1, sizeof(*c));
	struct fixture *fx;
	void *f = NULL;

	if (!c || setup(&f) != 0)
		return -1;
	c->f = fx = f;
	/* A SIGKILL spares the page cache, so what is tested here needs no disk: in memory, the
	 * fsyncs of hundreds of runs cost nothing. */
	snprintf(c->shm, sizeof(c->shm), "%s/kiosk-crash-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(c->shm))
		return -1;
	snprintf(fx->data, sizeof(fx->data), "%s/data", c->shm);
	*state = c;
	return 0;
}

static int crash_teardown(void **state)
{
	struct crash *c = *state;
	void *f = c->f;
	char cmd[128];
	int rc;

	plat_proc_cleanup(&c->p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->shm);
	if (system(cmd) != 0)
		return -1;
	rc = teardown(&f);
	free(c);
	return rc;
}

static void test_crash_loop(void **state)
{
	struct crash *c = *state;
	struct fixture *f = c->f;
	const struct catalog_item *it = item_where(f, has_scan);
	struct plat_proc *pp = &c->p;
	struct deliver_report r;
	struct loop l = {0};
	char conf[512], offline[512], ops_out[160];
	time_t t0 = time(NULL);
	int64_t cases;
	enum kerr e;
	int rc;

	assert_non_null(it);
	/* make check sets ASAN_OPTIONS only for its sanitizer pass. */
	l.points = env_long("CRASH_POINTS", getenv("ASAN_OPTIONS") ? 60 : 200);
	l.seed = (uint64_t)env_long("CRASH_SEED", 20261122);
	l.rng = l.seed;
	plat_proc_start(pp, 0, false);
	snprintf(conf, sizeof(conf), "platform.url = %s\n%s", pp->url, CRASH_CONF);
	/* Residents come while the link is down (nothing listens on port 1), so their cases wait
	 * for the restarts that follow, and those are killed in the middle of uploads. */
	snprintf(offline, sizeof(offline), "platform.url = http://127.0.0.1:1\n%s", CRASH_CONF);
	snprintf(ops_out, sizeof(ops_out), "%s/ops", f->dir);

	/* Uninterrupted runs say how many I/O calls each kind makes: kill points fall among them.
	 */
	write_conf(f, offline);
	script(f, it, 0, false);
	l.journey_ops = measured(f, ops_out, "a journey");
	write_conf(f, conf);
	sync_only(f);
	l.sync_ops = l.sync_full = measured(f, ops_out, "a sync");

	/* Until the kills are counted; runs that end first (the kill point lay beyond their work)
	 * are cheap and bounded. */
	for (long i = 0; l.killed < l.points && i < 4 * l.points; i++) {
		/* One resident in eight runs; the others restart, recover and sync, which is where
		 * most of the store's I/O is, and cost a fifth as much. */
		bool journey = i % JOURNEY_EVERY == 0;
		long ops = journey ? l.journey_ops : l.sync_ops;
		/* A quarter beyond the count, so some runs finish and their count is learnt again.
		 */
		long at = 1 + (long)(rnd(&l) % (uint64_t)(ops + ops / 4 + 1));

		write_conf(f, journey ? offline : conf);
		if (journey)
			script(f, it, (int)(i / JOURNEY_EVERY % 3), false);
		else
			sync_only(f);
		if (journey)
			l.sync_ops = l.sync_full;
		unlink(ops_out);
		l.runs++;
		rc = run_killed(f, at, ops_out);
		if (rc == 128 + 9) {
			l.killed++;
		} else if (rc == 0) {
			l.finished++;
			long n = read_long(ops_out);

			/* A sync with less left to send is shorter; a new case makes it long again.
			 */
			if (journey)
				l.journey_ops = n;
			else
				l.sync_ops = n;
		} else {
			tail_log(f);
			fail_msg("kill point %ld (%s, I/O call %ld, seed %llu): the run ended with "
				 "%d",
				 i, journey ? "journey" : "sync", at, (unsigned long long)l.seed,
				 rc);
		}
		if (getenv("CRASH_VERBOSE"))
			printf("kill point %ld: %s, I/O call %ld of %ld: %s\n", i,
			       journey ? "journey" : "sync", at, ops, rc ? "killed" : "finished");
	}

	/* The last run: home again, and the sync goes to the end. */
	write_conf(f, conf);
	begin(f);
	line(f, "expect HOME");
	line(f, "sync 120");
	rc = run_killed(f, 0, NULL);
	if (rc != 0) {
		tail_log(f);
		fail_msg("the last run ended with %d", rc);
	}
	cases = store_check_whole(f->data, TERMINAL);
	e = deliver_check(f->data, NULL, pp->url, NULL, &r);
	if (e != KERR_OK)
		fail_msg("deliver_check: %s: %s", kerr_str(e), r.detail);
	printf("crash loop (seed %llu): %ld kill points in %ld runs (%ld finished first), "
	       "%lld cases stored, %d items receipted, %d held, lost %d, unexpected %d, "
	       "duplicated %d, %d pending, %lds\n",
	       (unsigned long long)l.seed, l.killed, l.runs, l.finished, (long long)cases,
	       r.receipted, r.held, r.lost, r.unexpected, r.duplicated, r.pending,
	       (long)(time(NULL) - t0));
	if (r.lost || r.unexpected || r.duplicated || r.pending || r.held != r.receipted)
		fail_msg("delivery after the crash loop: %s", r.detail);
	assert_int_equal(l.killed, l.points);
	assert_true(cases > l.points / JOURNEY_EVERY / 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_loop),
	};

	return cmocka_run_group_tests(tests, crash_setup, crash_teardown);
}
