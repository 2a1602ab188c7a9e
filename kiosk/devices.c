/* Device wiring: open by configuration, post events to the UI thread, route them into the journey. */
#include "kiosk/devices.h"

#include "common/log.h"
#include "drivers/docprint.h"
#include "drivers/pageproc.h"
#include "drivers/idcard.h"
#include "drivers/idcard_photo.h"
#include "drivers/keypad.h"
#include "drivers/receipt.h"
#include "drivers/scanner.h"
#include "kiosk/cases.h"
#include "kiosk/journey.h"
#include "kiosk/kiosk.h"
#include "kiosk/receipts.h"
#include "kiosk/sync.h"
#include "kiosk/texts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Runs on whichever thread the device posts from: copy, and hand over to the UI thread. */
static void sink_post(void *ctx, const struct dev_event *ev)
{
	struct kiosk *k = ctx;
	struct kiosk_msg *m = calloc(1, sizeof(*m));

	if (!m) {
		struct dev_event copy = *ev;

		dev_event_finish(&copy);
		return;
	}
	m->kind = KIOSK_MSG_DEVICE;
	m->ev = *ev;
	if (ui_sdl_wake(k->ui, m) != KERR_OK) {
		dev_event_finish(&m->ev);
		free(m);
	}
}

/* Simulated printers with no path put what they print under the data folder (receipt/job-N.png is
 * the receipt as paper, docprint/job-N.pdf the A4 job), so a demo or a test can look at it. */
static void spool_default(const struct kiosk *k, enum dev_class c, struct dev_config *cfg)
{
	int n;

	if ((c != DEV_RECEIPT && c != DEV_DOCPRINT) || strcmp(cfg->backend, "sim") != 0 || cfg->path[0] ||
	    !k->opts.data_dir)
		return;
	n = snprintf(cfg->path, sizeof(cfg->path), "%s/%s", k->opts.data_dir, dev_class_str(c));
	if (n < 0 || (size_t)n >= sizeof(cfg->path) || (mkdir(cfg->path, 0700) != 0 && errno != EEXIST))
		cfg->path[0] = 0;
}

typedef enum kerr open_fn(const struct dev_config *, const struct dev_sink *, struct clock *, struct dev **);

void devices_open(struct kiosk *k)
{
	static open_fn *const openers[DEV__COUNT] = {
		[DEV_IDCARD] = idcard_open, [DEV_SCANNER] = scanner_open, [DEV_RECEIPT] = receipt_open,
		[DEV_DOCPRINT] = docprint_open, [DEV_KEYPAD] = keypad_open,
	};
	struct dev_sink sink = { sink_post, k };

	for (int c = 0; c < DEV__COUNT; c++) {
		struct dev_config cfg = k->cfg.dev[c];
		enum kerr e;

		spool_default(k, (enum dev_class)c, &cfg);
		e = openers[c](&cfg, &sink, &k->clock, &k->dev[c]);

		if (e != KERR_OK) {
			log_err("%s: cannot open backend %s: %s", dev_class_str((enum dev_class)c),
				k->cfg.dev[c].backend, kerr_str(e));
			k->dev[c] = NULL;
		}
	}
	if (k->cfg.dev[DEV_IDCARD].lib[0]) {
		const char *why = NULL;

		if (idcard_photo_decoder_open(k->cfg.dev[DEV_IDCARD].lib, &k->photo_dec, &why) == KERR_OK)
			log_info("idcard: photo decoder %s loaded", k->cfg.dev[DEV_IDCARD].lib);
		else
			log_warn("idcard: photo decoder %s not loaded (%s): photos show as a placeholder",
				 k->cfg.dev[DEV_IDCARD].lib, why ? why : "unknown");
	}
}

void devices_close(struct kiosk *k)
{
	idcard_photo_decoder_close(k->photo_dec);
	k->photo_dec = NULL;
	for (int c = 0; c < DEV__COUNT; c++) {
		dev_destroy(k->dev[c]);
		k->dev[c] = NULL;
	}
}

void devices_poll(struct kiosk *k, int64_t now)
{
	for (int c = 0; c < DEV__COUNT; c++)
		if (k->dev[c])
			dev_poll(k->dev[c], now);
}

int64_t devices_next_deadline(const struct kiosk *k)
{
	int64_t t = INT64_MAX;

	for (int c = 0; c < DEV__COUNT; c++)
		if (k->dev[c]) {
			int64_t d = dev_next_deadline(k->dev[c]);

			if (d < t)
				t = d;
		}
	return t;
}

/* The camera's live picture, shown while a material is scanned; one that stopped says so once. */
static void take_preview(struct kiosk *k, const struct dev_event *ev)
{
	const struct scan_page *p = ev->payload;
	unsigned char *rgba = NULL;
	int w = 0, h = 0;
	enum kerr e;

	if (k->state != FLOW_SCAN || !k->session.camera)
		return;
	if (ev->err != KERR_OK || !p) {
		log_warn("scanner: the camera's picture stopped: %s", kerr_str(ev->err));
		session_preview_clear(&k->session);
		/* However it stopped, the resident sees no picture: say that, and that the pages taken are kept. */
		snprintf(k->banner, sizeof(k->banner), "%s",
			 texts_camera_fault(ev->err == KERR_NO_DEVICE ? KERR_NO_DEVICE : KERR_TIMEOUT));
		k->dirty = true;
		return;
	}
	e = pageproc_thumb(p, p->width, &rgba, &w, &h);
	if (e != KERR_OK) {
		log_warn("scanner: a live picture not shown: %s", kerr_str(e));
		return;
	}
	session_preview_set(&k->session, rgba, w, h, ++k->image_seq);
	k->dirty = true;
}

/* A page is cleaned (deskew, crop), compressed under the configured cap and kept with its thumbnail. */
static void take_page(struct kiosk *k, const struct scan_page *p)
{
	struct session *s = &k->session;
	struct session_material *m = &s->mats[s->cur_mat];
	struct scan_page *clean = NULL;
	struct pageproc_info info = { 0 };
	const struct scan_page *use = p;
	unsigned char *jpeg = NULL, *thumb = NULL;
	size_t len = 0;
	int tw = 0, th = 0, q = 0, pct = 0;
	enum kerr e = KERR_OK;

	if (k->cfg.scan_clean) {
		e = pageproc_clean(p, &clean, &info);
		if (clean)
			use = clean;
	}
	if (e == KERR_OK)
		e = pageproc_jpeg(use, k->cfg.jpeg_quality, (size_t)k->cfg.scan_page_kb * 1024, &jpeg, &len, &q,
				  &pct);
	if (e == KERR_OK)
		e = pageproc_thumb(use, 320, &thumb, &tw, &th);
	scan_page_free(clean);
	if (e == KERR_OK) {
		if (s->retake >= 0 && (size_t)s->retake < m->n_pages) {
			e = session_page_replace(m, (size_t)s->retake, jpeg, len, thumb, tw, th, ++k->image_seq);
			s->retake = -1;
		} else {
			e = session_page_add(m, jpeg, len, thumb, tw, th, ++k->image_seq);
		}
	}
	if (e != KERR_OK) {
		free(jpeg);
		free(thumb);
		log_warn("scanner: page not kept: %s", kerr_str(e));
		snprintf(k->banner, sizeof(k->banner), "%s",
			 e == KERR_FULL ? "本项材料已达到页数上限，多余的页面没有保存。"
					: "这一页没有保存成功，请重新扫描。");
		k->banner_error = true;
		return;
	}
	log_debug("scanner: page %d kept, %zu bytes (quality %d, %d%%), skew %.2f deg%s%s", p->index, len, q, pct,
		  info.skew_deg, info.deskewed ? ", deskewed" : "", info.cropped ? ", cropped" : "");
	k->dirty = true;
}

/* The card's photo for the form screen, when a decoder is loaded. A failure shows the placeholder and is logged
 * without anything from the card. */
static void card_photo(struct kiosk *k)
{
	struct session *s = &k->session;
	uint8_t rgb[IDCARD_PHOTO_W * IDCARD_PHOTO_H * 3];
	enum kerr e;

	s->photo = (struct ui_image){ 0 };
	if (!k->photo_dec || !s->card.has_photo)
		return;
	e = idcard_photo_decode(k->photo_dec, s->card.photo, rgb);
	if (e != KERR_OK) {
		log_warn("idcard: photo not decoded: %s", kerr_str(e));
		explicit_bzero(rgb, sizeof(rgb));
		return;
	}
	for (size_t i = 0; i < IDCARD_PHOTO_W * IDCARD_PHOTO_H; i++) {
		memcpy(&s->photo_rgba[i * 4], &rgb[i * 3], 3);
		s->photo_rgba[i * 4 + 3] = 0xff;
	}
	explicit_bzero(rgb, sizeof(rgb));
	s->photo = (struct ui_image){ IDCARD_PHOTO_W, IDCARD_PHOTO_H, s->photo_rgba, ++k->image_seq };
}

void devices_handle(struct kiosk *k, struct dev_event *ev)
{
	log_debug("%s: event %s %s", dev_class_str(ev->cls), dev_event_type_str(ev->type), kerr_str(ev->err));
	switch (ev->type) {
	case DEV_EV_STATUS:
		log_info("%s: %s%s%s %s", dev_class_str(ev->cls), dev_state_str(ev->status.state),
			 ev->status.fault ? " " : "", ev->status.fault ? kerr_str(ev->status.fault) : "",
			 ev->status.detail);
		sync_report_health(k);
		if (ev->cls == DEV_IDCARD)
			journey_reader_status(k, &ev->status);
		if (ev->cls == DEV_RECEIPT || ev->cls == DEV_DOCPRINT)
			journey_printer_status(k, ev->cls, &ev->status);
		k->dirty = true;
		break;
	case DEV_EV_CARD:
		if (journey_wants_card(k) && ev->payload) {
			memcpy(&k->session.card, ev->payload, sizeof(k->session.card));
			k->session.has_card = true;
			card_photo(k);
			flow_dispatch(k, EV_CARD_OK, 0);
		}
		break;
	case DEV_EV_CARD_ERROR:
		if (journey_wants_card(k))
			flow_dispatch(k, EV_CARD_FAIL, ev->err);
		break;
	case DEV_EV_PAGE:
		if (k->state == FLOW_SCAN && k->session.scanning && ev->payload)
			take_page(k, ev->payload);
		break;
	case DEV_EV_SCAN_DONE:
		flow_dispatch(k, EV_SCAN_DONE, ev->err);
		break;
	case DEV_EV_PREVIEW:
		take_preview(k, ev);
		break;
	case DEV_EV_PRINT_DONE:
		/* First the store: a receipt that came out is recorded whatever screen is shown. */
		if (ev->cls == DEV_RECEIPT)
			receipts_job_done(k, ev->value, ev->err);
		if (ev->cls == DEV_RECEIPT && k->state == FLOW_PRINT && ev->value == k->print_job)
			flow_dispatch(k, ev->err == KERR_OK ? EV_PRINTED : EV_PRINT_FAIL, ev->err);
		if (ev->cls == DEV_RECEIPT && k->state == FLOW_PROGRESS) {
			k->print_err = ev->err;
			flow_dispatch(k, ev->err == KERR_OK ? EV_PRINTED : EV_PRINT_FAIL, ev->value);
		}
		/* The guard checks the job: the A4 acceptance receipt's jobs end here too. */
		if (ev->cls == DEV_DOCPRINT)
			cases_a4_done(k, ev->value);
		if (ev->cls == DEV_DOCPRINT && k->state == FLOW_CERT_PRINT) {
			k->print_err = ev->err;
			flow_dispatch(k, ev->err == KERR_OK ? EV_PRINTED : EV_PRINT_FAIL, ev->value);
		}
		break;
	case DEV_EV_KEY:
		k->last_touch_ms = clock_now_ms(&k->clock);
		/* Keypad and screen race: whichever reaches the journey first counts. Once the screen
		 * has moved on (to the reasons, or to thanks), a key that was already on its way is
		 * late and must not replace the resident's choice; the screen shows what counted. */
		if (k->state == FLOW_EVAL)
			flow_dispatch(k, EV_LEVEL, ev->value);
		else
			log_info("keypad: key %d after the rating was given on %s, ignored", ev->value,
				 flow_state_str(k->state));
		break;
	case DEV_EV_CARD_REMOVED:
	default:
		break;
	}
	dev_event_finish(ev);
}

enum kerr devices_control(struct kiosk *k, const char *line)
{
	for (int c = 0; c < DEV__COUNT; c++) {
		const char *name = dev_class_str((enum dev_class)c);
		size_t n = strlen(name);

		if (strncmp(line, name, n) == 0 && line[n] == ' ') {
			if (!k->dev[c])
				return KERR_NO_DEVICE;
			return dev_control(k->dev[c], line + n + 1);
		}
	}
	return KERR_INVAL;
}
