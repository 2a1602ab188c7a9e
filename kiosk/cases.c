/* From session to stored case: material states, the promised date, the store, the receipt, the evaluation. */
#include "kiosk/cases.h"

#include "common/log.h"
#include "common/mask.h"
#include "drivers/docpdf.h"
#include "drivers/docprint.h"
#include "drivers/pageproc.h"
#include "drivers/receipt_layout.h"
#include "kiosk/kiosk.h"
#include "kiosk/receipts.h"
#include "kiosk/sync.h"
#include "kiosk/workday.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const levels[5] = { "非常满意", "满意", "基本满意", "不满意", "非常不满意" };
static const char *const reasons[] = {
	"办事指南看不懂", "材料要求多或重复提交", "设备操作不方便", "设备出现故障",
	"等待时间长",     "办理时限长",           "现场无人指导",   "其他",
};
static const char *const reason_codes[] = { "R01", "R02", "R03", "R04", "R05", "R06", "R07", "R99" };

const char *const *cases_levels(void)
{
	return levels;
}

size_t cases_reasons(const struct kiosk *k, const char **labels, const char **codes, size_t cap)
{
	const struct evalmap *m = &k->evalmap;
	size_t n = m->n_reasons ? m->n_reasons : sizeof(reasons) / sizeof(reasons[0]), out = 0;
	int bad = k->session.eval_level == 4 ? 1 : 0;

	/* The platform's list wins over the mapping's, and names which bad level each reason is for. */
	if (k->reasons.n) {
		for (size_t i = 0; i < k->reasons.n && out < cap; i++) {
			if (!k->reasons.reasons[i].for_level[bad])
				continue;
			labels[out] = k->reasons.reasons[i].text;
			codes[out++] = k->reasons.reasons[i].code;
		}
		return out;
	}
	if (n > cap)
		n = cap;
	for (size_t i = 0; i < n; i++) {
		labels[i] = m->n_reasons ? m->reasons[i].label : reasons[i];
		codes[i] = m->n_reasons ? m->reasons[i].code : reason_codes[i];
	}
	return n;
}

const char *cases_reasons_version(const struct kiosk *k)
{
	if (k->reasons.n)
		return k->reasons.version;
	return k->evalmap.scheme.reasons_version[0] ? k->evalmap.scheme.reasons_version : NULL;
}

void cases_reasons_load(struct kiosk *k)
{
	struct uplink_reasons *r;
	char *body = NULL, why[160] = "";
	size_t len = 0;
	enum kerr e;

	if (!k->queue)
		return;
	e = queue_reasons_get(k->queue, k->evalmap.scheme.name, &body, &len);
	if (e == KERR_NOT_FOUND)
		return;
	if (e != KERR_OK) {
		log_err("store: cannot read the platform's reason list: %s", queue_errmsg(k->queue));
		return;
	}
	r = calloc(1, sizeof(*r));
	if (r && uplink_parse_reasons(body, len, r, why, sizeof(why)) == KERR_OK) {
		k->reasons = *r;
		log_info("eval: reason list %s from the platform (%zu reasons)", r->version, r->n);
	} else {
		log_err("eval: the stored reason list cannot be used: %s; the mapping's stays", r ? why : "no memory");
	}
	free(r);
	free(body);
}

bool cases_phone_valid(const char *p)
{
	if (strlen(p) != 11 || p[0] != '1' || p[1] < '3')
		return false;
	for (int i = 0; i < 11; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

enum queue_material_status cases_material_status(const struct kiosk *k, size_t i, const char **ret_words,
						 bool *ret_blocking)
{
	const struct catalog_item *it = k->session.item;
	const struct catalog_material *m = &it->materials[i];
	size_t pages = i < SESSION_MAX_MATERIALS ? k->session.mats[i].n_pages : 0;

	*ret_blocking = false;
	if (m->ecert) {
		*ret_words = "已电子获取，无需提交";
		return QUEUE_MAT_ECERT;
	}
	if (pages > 0) {
		*ret_words = "已扫描";
		return QUEUE_MAT_RECEIVED;
	}
	if (!m->mandatory) {
		*ret_words = "未提交（非必须）";
		return QUEUE_MAT_OPTIONAL;
	}
	if (m->commitment_ok) {
		*ret_words = "缺少，可签告知承诺代替";
		return QUEUE_MAT_COMMITMENT;
	}
	if (m->gap_ok && it->gap_allowed) {
		*ret_words = "缺少，可容缺后补";
		return QUEUE_MAT_MISSING;
	}
	*ret_words = "缺少，必须提交";
	*ret_blocking = true;
	return QUEUE_MAT_MISSING;
}

void cases_gaps(const struct kiosk *k, struct cases_gaps *ret)
{
	struct cases_gaps g = { 0, 0 };

	for (size_t i = 0; k->session.item && i < k->session.item->n_materials; i++) {
		const char *words;
		bool blocking;
		enum queue_material_status st = cases_material_status(k, i, &words, &blocking);

		if (blocking)
			g.blocking++;
		else if (st == QUEUE_MAT_MISSING || st == QUEUE_MAT_COMMITMENT)
			g.waivable++;
	}
	*ret = g;
}

int cases_promised_date(const struct kiosk *k, int64_t wall_ms)
{
	int y, mo, d, h, mi, s, wd;

	if (!k->session.item || k->session.item->case_kind != 2)
		return 0;
	clock_local(wall_ms, &y, &mo, &d, &h, &mi, &s, &wd);
	return workday_add(y * 10000 + mo * 100 + d, k->session.item->promised_days, k->cfg.holidays,
			   k->cfg.workdays);
}

/* A material the platform takes as one PDF: its pages bundled in scan order, the JPEGs embedded as they are.
 * *ret owns the PDF (personal data: bundle_free()). */
static enum kerr bundle(const struct session_material *m, struct queue_page *ret)
{
	const unsigned char *jpegs[SESSION_MAX_PAGES];
	size_t lens[SESSION_MAX_PAGES];
	unsigned char *pdf = NULL;
	size_t len = 0;
	enum kerr e;

	for (size_t p = 0; p < m->n_pages; p++) {
		jpegs[p] = m->pages[p].jpeg;
		lens[p] = m->pages[p].jpeg_len;
	}
	e = pageproc_pdf(jpegs, lens, m->n_pages, &pdf, &len);
	if (e != KERR_OK)
		return e;
	*ret = (struct queue_page){ pdf, len, QUEUE_MEDIA_PDF };
	return KERR_OK;
}

static void bundle_free(struct queue_page *p)
{
	if (p->media_type && strcmp(p->media_type, QUEUE_MEDIA_PDF) == 0 && p->data) {
		explicit_bzero((void *)p->data, p->len);
		free((void *)p->data);
	}
}

enum kerr cases_store(struct kiosk *k)
{
	struct session *s = &k->session;
	const struct catalog_item *it = s->item;
	struct queue_material mats[SESSION_MAX_MATERIALS];
	struct queue_page pages[SESSION_MAX_MATERIALS][SESSION_MAX_PAGES];
	struct cases_gaps g;
	char promised[9] = "", case_no[40], query[16];
	int64_t now = clock_wall_ms(&k->clock);
	int pd = cases_promised_date(k, now);
	size_t n = 0;
	enum kerr e;

	if (!k->queue || !it || !s->has_card)
		return KERR_INVAL;
	cases_gaps(k, &g);
	for (size_t i = 0; i < it->n_materials && i < SESSION_MAX_MATERIALS; i++, n++) {
		const char *words;
		bool blocking;

		mats[i] = (struct queue_material){
			.code = it->materials[i].code,
			.name = it->materials[i].name,
			.status = cases_material_status(k, i, &words, &blocking),
			.pages = pages[i],
			.n_pages = s->mats[i].n_pages,
		};
		if (it->materials[i].pdf && s->mats[i].n_pages > 0) {
			e = bundle(&s->mats[i], &pages[i][0]);
			if (e == KERR_OK) {
				mats[i].n_pages = 1;
				continue;
			}
			/* The case matters more than its format: the pages go as they are (the contract allows
			 * it) rather than the resident being turned away. */
			log_warn("store: material %s not bundled as PDF (%s): its pages go as JPEG",
				 it->materials[i].code, kerr_str(e));
		}
		for (size_t p = 0; p < s->mats[i].n_pages; p++)
			pages[i][p] = (struct queue_page){ s->mats[i].pages[p].jpeg, s->mats[i].pages[p].jpeg_len,
							   QUEUE_MEDIA_JPEG };
	}
	if (pd)
		snprintf(promised, sizeof(promised), "%08d", pd);
	{
		struct queue_case c = {
			.impl_code = it->impl_code,
			.item_name = it->name,
			.case_kind = it->case_kind,
			.applicant_name = s->card.name,
			.id_type = cases_id_type(&s->card),
			.id_number = s->card.id_number,
			.sex = s->card.sex,
			.birth = s->card.birth,
			.address = s->card.address,
			.mobile = s->phone,
			.delivery = s->delivery == SESSION_MAIL ? "mail" : "pickup",
			.mail_address = s->delivery == SESSION_MAIL ? s->card.address : NULL,
			.region_code = k->cfg.region,
			.accepted_ms = now,
			/* Trusted only once the platform has synchronised the clock; that arrives with the uplink. */
			.clock_trusted = sync_clock_trusted(k),
			.promised_date = pd ? promised : NULL,
			.with_gaps = g.waivable > 0,
			.materials = mats,
			.n_materials = n,
		};

		e = queue_case_add(k->queue, &c, case_no, query);
	}
	for (size_t i = 0; i < n; i++)
		if (mats[i].n_pages)
			bundle_free(&pages[i][0]);
	if (e != KERR_OK)
		return e;
	snprintf(s->case_no, sizeof(s->case_no), "%s", case_no);
	snprintf(s->query_code, sizeof(s->query_code), "%s", query);
	log_info("store: case %s stored (%s, %zu materials)", case_no, it->impl_code, n);
	sync_kick(k);
	for (size_t i = 0; i < SESSION_MAX_MATERIALS; i++)
		session_material_clear(&s->mats[i]);
	/* Here, not with the thermal receipt: a case is stored once, so its A4 copy goes out once however
	 * often the receipt is retried. Its failure is the printer's, shown in its status, not the case's. */
	if (k->cfg.a4_receipt) {
		e = cases_print_a4(k);
		if (e != KERR_OK)
			log_warn("docprint: A4 receipt of case %s not printed: %s", case_no, kerr_str(e));
	}
	return KERR_OK;
}

bool cases_store_room(struct kiosk *k)
{
	struct queue_space sp;
	bool low;

	if (!k->queue)
		return false;
	if (queue_space_get(k->queue, &sp) != KERR_OK)
		return true;
	low = !sp.accepting;
	if (low && !k->store_low)
		log_warn("store: %llu MB free, %llu MB kept in reserve: new cases are refused",
			 (unsigned long long)(sp.free_bytes >> 20), (unsigned long long)(sp.reserve_bytes >> 20));
	else if (!low && k->store_low)
		log_info("store: %llu MB free again: new cases are taken", (unsigned long long)(sp.free_bytes >> 20));
	k->store_low = low;
	return !low;
}

const char *cases_id_type(const struct idcard_data *card)
{
	return card->type == IDCARD_RESIDENT ? "111" : card->type == IDCARD_HMT_PERMIT ? "154" : "553";
}

/* The words of a stored case's receipts, and the buffers they point into. */
struct receipt_words {
	struct receipt_case c;
	struct receipt_material missing[SESSION_MAX_MATERIALS];
	char name[96], id[48], when[32], promised[64], qr[256], due[16];
	struct cases_gaps gaps;
	struct receipt_build b;
};

/* Describes the session's stored case once, for the thermal receipt and the A4 copy alike: the
 * acceptance receipt, and the 容缺 commitment when materials are still missing. */
static enum kerr describe(struct kiosk *k, struct receipt_words *w, struct receipt_doc *ret)
{
	struct session *s = &k->session;
	int y, mo, d, h, mi, sec, wd, pd;
	int64_t now = clock_wall_ms(&k->clock);
	size_t n = 0;

	mask_name(s->card.name, w->name, sizeof(w->name));
	mask_idnum(s->card.id_number, w->id, sizeof(w->id));
	clock_local(now, &y, &mo, &d, &h, &mi, &sec, &wd);
	snprintf(w->when, sizeof(w->when), "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
	pd = cases_promised_date(k, now);
	if (pd) {
		snprintf(w->promised, sizeof(w->promised), "%04d-%02d-%02d（%d个工作日）", pd / 10000,
			 pd / 100 % 100, pd % 100, s->item->promised_days);
		/* 容缺: the missing materials are due within the case's own promised time. */
		snprintf(w->due, sizeof(w->due), "%04d-%02d-%02d", pd / 10000, pd / 100 % 100, pd % 100);
	}
	snprintf(w->qr, sizeof(w->qr), k->cfg.qr_template, s->case_no, s->query_code);
	for (size_t i = 0; i < s->item->n_materials && n < SESSION_MAX_MATERIALS; i++) {
		const char *words;
		bool blocking;
		enum queue_material_status st = cases_material_status(k, i, &words, &blocking);

		if (st == QUEUE_MAT_MISSING || st == QUEUE_MAT_COMMITMENT)
			w->missing[n++] = (struct receipt_material){ s->item->materials[i].name, words };
	}
	cases_gaps(k, &w->gaps);
	w->c = (struct receipt_case){
		.hall = k->cfg.hall,
		.case_no = s->case_no,
		.item = s->item->name,
		.applicant = w->name,
		.id_number = w->id,
		.accepted = w->when,
		.promised = pd ? w->promised : NULL,
		.query_code = s->query_code,
		.qr = w->qr,
		.phone = k->cfg.phone,
		.deadline = pd ? w->due : NULL,
		.missing = w->missing,
		.n_missing = n,
	};
	receipt_build_init(&w->b);
	receipt_layout_acceptance(&w->b, &w->c);
	if (w->gaps.waivable > 0)
		receipt_layout_commitment(&w->b, &w->c);
	return receipt_build_doc(&w->b, ret);
}

/* Large, and it holds the resident's data: on the heap, wiped when done. */
static struct receipt_words *words_create(void)
{
	return calloc(1, sizeof(struct receipt_words));
}

static void words_destroy(struct receipt_words *w)
{
	if (!w)
		return;
	explicit_bzero(w, sizeof(*w));
	free(w);
}

enum kerr cases_print_receipt(struct kiosk *k)
{
	struct receipt_words *w;
	struct receipt_doc doc;
	int job = 0;
	enum kerr e;

	if (!k->dev[DEV_RECEIPT])
		return KERR_NO_DEVICE;
	w = words_create();
	if (!w)
		return KERR_NOMEM;
	e = describe(k, w, &doc);
	if (e == KERR_OK)
		e = receipt_print(k->dev[DEV_RECEIPT], &doc, &job);
	if (e == KERR_OK) {
		k->print_job = job;
		receipts_job_started(k, job, k->session.case_no);
	}
	words_destroy(w);
	return e;
}

static enum kerr a4_print(struct kiosk *k, const struct receipt_doc *doc, const char *name, const char *id,
			  const char *qr);

enum kerr cases_print_notice(struct kiosk *k)
{
	struct session *s = &k->session;
	struct receipt_words *w;
	struct receipt_doc doc;
	int y, mo, d, h, mi, sec, wd, job = 0;
	size_t n = 0;
	enum kerr e;

	if (!s->item)
		return KERR_INVAL;
	if (!k->dev[DEV_RECEIPT])
		return KERR_NO_DEVICE;
	w = words_create();
	if (!w)
		return KERR_NOMEM;
	if (s->has_card)
		mask_name(s->card.name, w->name, sizeof(w->name));
	clock_local(clock_wall_ms(&k->clock), &y, &mo, &d, &h, &mi, &sec, &wd);
	snprintf(w->when, sizeof(w->when), "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
	for (size_t i = 0; i < s->item->n_materials && n < SESSION_MAX_MATERIALS; i++) {
		const char *words;
		bool blocking;
		enum queue_material_status st = cases_material_status(k, i, &words, &blocking);

		if (st == QUEUE_MAT_MISSING || st == QUEUE_MAT_COMMITMENT)
			w->missing[n++] = (struct receipt_material){ s->item->materials[i].name, words };
	}
	w->c = (struct receipt_case){
		.hall = k->cfg.hall,
		.item = s->item->name,
		.applicant = s->has_card ? w->name : NULL,
		.accepted = w->when,
		.phone = k->cfg.phone,
		.missing = w->missing,
		.n_missing = n,
	};
	receipt_build_init(&w->b);
	receipt_layout_notice(&w->b, &w->c);
	e = n ? receipt_build_doc(&w->b, &doc) : KERR_INVAL;
	if (e == KERR_OK)
		e = receipt_print(k->dev[DEV_RECEIPT], &doc, &job);
	/* Where receipts also go out on A4, so does the notice: the same list, with the item's code and a QR of it
	 * in every footer for the window that takes the materials later. It names no case: there is none. */
	if (n && k->cfg.a4_receipt && k->dev[DEV_DOCPRINT]) {
		char name[96];
		enum kerr a4;

		snprintf(name, sizeof(name), "notice-%s", s->item->impl_code);
		a4 = receipt_build_doc(&w->b, &doc);
		if (a4 == KERR_OK)
			a4 = a4_print(k, &doc, name, s->item->impl_code, s->item->impl_code);
		if (a4 != KERR_OK)
			log_warn("docprint: the missing-materials notice not printed on A4: %s", kerr_str(a4));
		else
			log_info("docprint: missing-materials notice printed on A4 for %s", s->item->impl_code);
	}
	receipt_build_finish(&w->b);
	words_destroy(w);
	return e;
}

/* An A4 job of doc: written as <data>/a4/<name>.pdf (0600 by the umask the kiosk runs with), printed, and kept
 * while the printer reads it; cases_a4_done() deletes it when the job ends. id and qr go in every footer. */
static enum kerr a4_print(struct kiosk *k, const struct receipt_doc *doc, const char *name, const char *id,
			  const char *qr)
{
	char dir[512], path[600];
	int job = 0;
	enum kerr e;

	if (!k->dev[DEV_DOCPRINT])
		return KERR_NO_DEVICE;
	if (snprintf(dir, sizeof(dir), "%s/a4", k->opts.data_dir ? k->opts.data_dir : ".") >=
		    (int)sizeof(dir) ||
	    (mkdir(dir, 0700) != 0 && errno != EEXIST))
		return KERR_IO;
	/* Named by case, so printing the same case again replaces its file. */
	snprintf(path, sizeof(path), "%s/%s.pdf", dir, name);
	e = docpdf_write(doc, id, qr, path);
	if (e == KERR_OK)
		e = docprint_print_pdf(k->dev[DEV_DOCPRINT], path, id, &job);
	if (e == KERR_OK) {
		cases_a4_done(k, k->a4_job);
		k->a4_job = job;
		snprintf(k->a4_pdf, sizeof(k->a4_pdf), "%s", path);
	} else {
		unlink(path);
	}
	return e;
}

enum kerr cases_print_a4(struct kiosk *k)
{
	struct receipt_words *w;
	struct receipt_doc doc;
	enum kerr e;

	if (!k->dev[DEV_DOCPRINT])
		return KERR_NO_DEVICE;
	w = words_create();
	if (!w)
		return KERR_NOMEM;
	e = describe(k, w, &doc);
	if (e == KERR_OK)
		e = a4_print(k, &doc, k->session.case_no, k->session.case_no, w->qr);
	words_destroy(w);
	return e;
}

enum kerr cases_store_eval(struct kiosk *k)
{
	struct session *s = &k->session;
	const char *labels[EVALMAP_REASONS_MAX], *codes[EVALMAP_REASONS_MAX];
	char reasons_buf[256] = "";
	size_t n;
	int64_t id;
	enum kerr e;

	if (s->eval_stored || s->eval_level < 0)
		return KERR_OK;
	if (!k->queue)
		return KERR_IO;
	n = cases_reasons(k, labels, codes, EVALMAP_REASONS_MAX);
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(reasons_buf);

		if (s->eval_reasons & (1u << i))
			snprintf(reasons_buf + used, sizeof(reasons_buf) - used, "%s%s", used ? "," : "", codes[i]);
	}
	{
		bool followup = s->eval_target == SESSION_EVAL_FOLLOWUP;
		struct queue_eval ev = {
			.case_no = s->case_no[0] ? s->case_no : NULL,
			.impl_code = s->item		      ? s->item->impl_code
				     : s->eval_impl_code[0]	      ? s->eval_impl_code
				     : k->evalmap.service_item[0] ? k->evalmap.service_item
								  : NULL,
			.platform_no = followup && s->eval_platform_no[0] ? s->eval_platform_no : NULL,
			.reasons_version = cases_reasons_version(k),
			.level = s->eval_level,
			.reasons = s->eval_level >= 3 ? reasons_buf : NULL,
			.text = s->eval_level >= 3 && s->eval_text[0] ? s->eval_text : NULL,
			.named = s->eval_named && s->has_card,
			.evaluator_id = s->eval_named && s->has_card ? s->card.id_number : NULL,
			.time_ms = clock_wall_ms(&k->clock),
			.followup = followup,
		};

		e = queue_eval_add(k->queue, &ev, &id);
	}
	if (e == KERR_OK) {
		s->eval_stored = true;
		log_info("store: evaluation %s stored for %s", levels[s->eval_level],
			 s->case_no[0] ? s->case_no : "the terminal");
		sync_kick(k);
	}
	return e;
}

void cases_a4_done(struct kiosk *k, int job)
{
	if (!k->a4_pdf[0] || job != k->a4_job)
		return;
	if (unlink(k->a4_pdf) != 0 && errno != ENOENT)
		log_err("a4: cannot remove a printed receipt: %s", strerror(errno));
	k->a4_pdf[0] = 0;
	k->a4_job = 0;
}

void cases_a4_sweep(struct kiosk *k)
{
	char dir[512], path[1024];
	struct dirent *e;
	DIR *d;

	/* What a crash left behind: receipts and certificates printed or not, personal data either way. */
	snprintf(dir, sizeof(dir), "%s/a4", k->opts.data_dir ? k->opts.data_dir : ".");
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n > 4 && strcmp(e->d_name + n - 4, ".pdf") == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (unlink(path) != 0)
				log_err("a4: cannot remove a leftover PDF: %s", strerror(errno));
		}
	}
	closedir(d);
}
