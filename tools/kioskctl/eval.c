/* kioskctl eval: a summary of 好差评 for staff (until staff mode comes): counts per level and per
 * service over a period, and the bad ratings with their reasons. Read through offline-queue's
 * query API; never prints personal data (no free text, no evaluator identity). */
#define _GNU_SOURCE /* timegm */
#include "common/clock.h"
#include "offline-queue/queue.h"
#include "tools/kioskctl/kioskctl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_DATA "/var/lib/kiosk"
#define SERVICES_MAX 256
#define BAD_SHOWN_MAX 200
#define DAY_MS	      (24LL * 3600 * 1000)

static const char *const level_words[5] = { "非常满意", "满意", "基本满意", "不满意", "非常不满意" };

struct service {
	char impl_code[72];
	char item_name[256];
	long n[5];
};

struct stats {
	long total, n[5];
	struct service *svc;
	size_t n_svc;
	long svc_overflow; /* ratings of services beyond SERVICES_MAX */
	long bad_shown;
};

#define STATS_USAGE                                                                               \
	"stats [--from YYYYMMDD] [--to YYYYMMDD] [--data DIR] [--config FILE] [--set KEY=VALUE]...\n" \
	"        counts per level and per service of the evaluations rated from --from to --to\n"      \
	"        (both days included, Beijing time; default: all), and every bad rating with its\n"    \
	"        reasons. DIR is the kiosk's data folder (default " DEFAULT_DATA ")."

/* YYYYMMDD at 00:00 Beijing time, as ms since the epoch. */
static bool day_ms(const char *s, int64_t *ret)
{
	struct tm tm;
	int y, m, d;
	time_t t;

	if (strlen(s) != 8 || strspn(s, "0123456789") != 8 ||
	    sscanf(s, "%4d%2d%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	if (tm.tm_mday != d) /* 20260231 */
		return false;
	*ret = (int64_t)t * 1000 - 8 * 3600 * 1000LL;
	return true;
}

/* Prints s padded to cols terminal columns: Chinese characters take two. */
static void pad(const char *s, int cols)
{
	int w = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x80)
			w++;
		else if ((*p & 0xc0) == 0xc0)
			w += 2;
	fputs(s, stdout);
	for (; w < cols; w++)
		putchar(' ');
}

static void when(int64_t ms, char *buf, size_t n)
{
	int y, mo, d, h, mi, s, wd;

	clock_local(ms, &y, &mo, &d, &h, &mi, &s, &wd);
	snprintf(buf, n, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
}

static bool count(void *ctx, const struct queue_eval_row *r)
{
	struct stats *st = ctx;
	size_t i;

	st->total++;
	st->n[r->level]++;
	for (i = 0; i < st->n_svc; i++)
		if (!strcmp(st->svc[i].impl_code, r->impl_code))
			break;
	if (i == st->n_svc) {
		if (st->n_svc == SERVICES_MAX) {
			st->svc_overflow++;
			return true;
		}
		memset(&st->svc[i], 0, sizeof(st->svc[i]));
		snprintf(st->svc[i].impl_code, sizeof(st->svc[i].impl_code), "%s", r->impl_code);
		st->n_svc++;
	}
	/* A rating without a case knows the item's code only; a later one may name it. */
	if (!st->svc[i].item_name[0])
		snprintf(st->svc[i].item_name, sizeof(st->svc[i].item_name), "%s", r->item_name);
	st->svc[i].n[r->level]++;
	return true;
}

static bool print_bad(void *ctx, const struct queue_eval_row *r)
{
	struct stats *st = ctx;
	char at[32];

	if (++st->bad_shown > BAD_SHOWN_MAX)
		return false;
	when(r->time_ms, at, sizeof(at));
	printf("  %s  ", at);
	pad(level_words[r->level], 10);
	printf("  %s  %s  原因 %s%s%s\n",
	       r->case_no[0] ? r->case_no : "(无办件)",
	       r->impl_code[0] ? r->impl_code : "(本终端)", r->reasons[0] ? r->reasons : "-",
	       r->named ? "  实名，可回访" : "  匿名", r->followup ? "  追评" : "");
	return true;
}

static int report(struct queue *q, const struct queue_eval_filter *f, const char *from,
		  const char *to)
{
	struct stats st = { 0 };
	struct queue_eval_filter bad = *f;
	enum kerr e;

	st.svc = calloc(SERVICES_MAX, sizeof(*st.svc));
	if (!st.svc)
		return kioskctl_fail("out of memory");
	e = queue_eval_each(q, f, count, &st);
	if (e != KERR_OK) {
		free(st.svc);
		return kioskctl_fail("cannot read the evaluations: %s", queue_errmsg(q));
	}
	printf("好差评统计 / evaluations %s – %s: %ld\n\n", from ? from : "start", to ? to : "now",
	       st.total);
	printf("按评价等级 / by level\n");
	for (int l = 0; l < 5; l++) {
		printf("  ");
		pad(level_words[l], 10);
		printf(" %6ld\n", st.n[l]);
	}
	printf("\n按服务事项 / by service (非常满意 满意 基本满意 不满意 非常不满意)\n");
	for (size_t i = 0; i < st.n_svc; i++) {
		const struct service *s = &st.svc[i];

		printf("  ");
		pad(s->impl_code[0] ? s->impl_code : "(本终端，未关联事项)", 32);
		printf(" %5ld %5ld %5ld %5ld %5ld  %s\n", s->n[0], s->n[1], s->n[2], s->n[3],
		       s->n[4], s->item_name);
	}
	if (st.svc_overflow)
		printf("  (%ld more ratings of services not listed)\n", st.svc_overflow);
	printf("\n差评及原因 / bad ratings with reasons: %ld\n", st.n[3] + st.n[4]);
	bad.bad_only = true;
	st.bad_shown = 0;
	e = queue_eval_each(q, &bad, print_bad, &st);
	free(st.svc);
	if (e != KERR_OK)
		return kioskctl_fail("cannot read the evaluations: %s", queue_errmsg(q));
	if (st.bad_shown > BAD_SHOWN_MAX)
		printf("  (only the first %d shown)\n", BAD_SHOWN_MAX);
	return KIOSKCTL_OK;
}

static int stats(int argc, char **argv)
{
	struct kioskctl_conf_opts co = { 0 };
	struct queue_eval_filter f = { 0 };
	const char *data = DEFAULT_DATA, *from = NULL, *to = NULL;
	char db[512], err[QUEUE_ERRMSG_SIZE] = "";
	struct config cfg;
	struct queue *q;
	struct stat sb;
	int64_t t;
	enum kerr e;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (kioskctl_conf_option(&co, argc, argv, &i, &e)) {
			if (e != KERR_OK)
				return KIOSKCTL_USAGE;
		} else if (!strcmp(argv[i], "--from") && i + 1 < argc) {
			from = argv[++i];
		} else if (!strcmp(argv[i], "--to") && i + 1 < argc) {
			to = argv[++i];
		} else if (!strcmp(argv[i], "--data") && i + 1 < argc) {
			data = argv[++i];
		} else {
			fputs("usage: kioskctl eval " STATS_USAGE "\n", stderr);
			return KIOSKCTL_USAGE;
		}
	}
	if ((from && !day_ms(from, &f.from_ms)) || (to && !day_ms(to, &t))) {
		fprintf(stderr, "kioskctl: dates are YYYYMMDD\n");
		return KIOSKCTL_USAGE;
	}
	if (from || to) {
		if (!from)
			f.from_ms = 1;
		f.to_ms = to ? t + DAY_MS : INT64_MAX;
		if (f.to_ms <= f.from_ms) {
			fprintf(stderr, "kioskctl: --to is before --from\n");
			return KIOSKCTL_USAGE;
		}
	}
	config_defaults(&cfg);
	/* Only the terminal id is read, and a summary must not need the kiosk's configuration. */
	if ((co.path || co.n_set || (getenv("KIOSK_CONFIG") && *getenv("KIOSK_CONFIG"))) &&
	    kioskctl_conf_load(&co, &cfg) != KERR_OK)
		return KIOSKCTL_FAILED;
	/* Never create a store where there is none: a mistyped folder must say so. */
	snprintf(db, sizeof(db), "%s/kiosk.db", data);
	if (stat(db, &sb) != 0)
		return kioskctl_fail("no kiosk store in %s", data);
	e = queue_open_msg(data, cfg.terminal_id, 0, err, &q);
	if (e != KERR_OK)
		return kioskctl_fail("cannot open the store in %s: %s: %s", data, kerr_str(e), err);
	rc = report(q, &f, from, to);
	queue_close(q);
	return rc;
}

static const struct kioskctl_cmd cmds[] = {
	{ "stats", stats, STATS_USAGE },
};

static int run(int argc, char **argv)
{
	return kioskctl_dispatch("eval", cmds, sizeof(cmds) / sizeof(cmds[0]), argc, argv);
}

const struct kioskctl_group kioskctl_eval = {
	.name = "eval",
	.summary = "好差评: counts per level and service over a period, bad ratings with reasons",
	.run = run,
};
