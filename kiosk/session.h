/* The resident's session: every personal datum the kiosk holds in memory lives here, and session_clear() zeroes
 * it all. Scans stay here until the case is stored, then only in the queue. */
#ifndef KIOSK_SESSION_H
#define KIOSK_SESSION_H

#include "drivers/idcard.h"
#include "drivers/idcard_photo.h"
#include "kiosk/progress.h"
#include "offline-queue/uplink_codec.h"
#include "ui/draw.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SESSION_MAX_MATERIALS 100
#define SESSION_MAX_PAGES 8 /* per material */

struct catalog_item;

struct session_page {
	unsigned char *jpeg; /* owned */
	size_t jpeg_len;
	unsigned char *thumb; /* RGBA, owned */
	struct ui_image image;
};

struct session_material {
	struct session_page pages[SESSION_MAX_PAGES];
	size_t n_pages;
};

enum session_delivery { SESSION_PICKUP, SESSION_MAIL, SESSION_DELIVERY__COUNT };

/* What the evaluation rates: the service of this session (the case stored, the item whose guide was
 * read, the query or the printing), the terminal and hall itself (自助评价), or a past case (追评). */
enum session_eval_target { SESSION_EVAL_SERVICE, SESSION_EVAL_TERMINAL, SESSION_EVAL_FOLLOWUP };

/* 证照打印: where the list stands, and where the chosen certificate stands. */
enum session_certs { SESSION_CERTS_ASKING, SESSION_CERTS_LISTED, SESSION_CERTS_FAILED };
enum session_cert_step { SESSION_CERT_FETCHING, SESSION_CERT_PRINTING, SESSION_CERT_FAULT };

struct session {
	bool has_card;
	struct idcard_data card;
	/* The card's photo decoded for the screen; photo.rgba is NULL when there is none (no decoder, or it
	 * refused the bytes) and the form shows a placeholder. */
	unsigned char photo_rgba[IDCARD_PHOTO_W * IDCARD_PHOTO_H * 4];
	struct ui_image photo;
	const struct catalog_item *item; /* borrowed from the catalog */
	char phone[16];
	enum session_delivery delivery;
	struct session_material mats[SESSION_MAX_MATERIALS];
	size_t cur_mat;          /* index into the item's materials of the one being scanned */
	int retake;              /* page index being rescanned, or -1 */
	bool scanning;
	/* A document camera (高拍仪) shows its live picture while a material is being scanned; preview is the
	 * latest (RGBA, owned), NULL before the first. */
	bool camera;
	unsigned char *preview;
	struct ui_image preview_image;
	bool gaps_accepted;      /* the resident confirmed the commitment (容缺受理 / 告知承诺) */
	char case_no[40];
	char query_code[16];
	int eval_level;          /* -1: not rated */
	uint32_t eval_reasons;   /* bit per reason */
	char eval_text[256];
	bool eval_named;
	bool eval_stored;
	enum session_eval_target eval_target;
	/* A follow-up's case (追评): found by 进度查询's request, possibly another terminal's. */
	char eval_subject[256]; /* its item's name */
	char eval_impl_code[72];
	char eval_platform_no[64];
	/* The item whose guide the resident read (open long enough, or scrolled); borrowed from the
	 * catalog. Leaving the guide-reading journey rates it. */
	const struct catalog_item *guide_read;
	/* Browsing */
	int tab;
	char query[32];
	size_t list_first;
	int guide_scroll;
	char edit[256];          /* the value being typed on an entry screen */
	struct progress progress; /* 进度查询's answer */
	/* 证照打印 */
	struct uplink_cert_list certs;
	enum session_certs certs_state;
	enum kerr certs_err;          /* why there is no list */
	int cert;                     /* the chosen one, an index into certs */
	enum session_cert_step cert_step;
	enum kerr cert_err;           /* why it did not print */
	bool cert_device_fault;       /* cert_err came from the printer, else from the platform or the store */
	char cert_pdf[600];           /* the PDF while the printer needs it; "" when none */
	int cert_job;
	int certs_printed;
};

/* A fresh session. */
void session_init(struct session *s);
/* Frees and zeroes every page (personal data), then the whole session. */
void session_clear(struct session *s);
/* Drops one material's pages. */
void session_material_clear(struct session_material *m);
/* Adds a page (taking ownership of jpeg and thumb). KERR_FULL when the material has SESSION_MAX_PAGES. */
enum kerr session_page_add(struct session_material *m, unsigned char *jpeg, size_t jpeg_len, unsigned char *thumb,
			   int tw, int th, uint64_t key);
/* Replaces page i (taking ownership); frees the old one. */
enum kerr session_page_replace(struct session_material *m, size_t i, unsigned char *jpeg, size_t jpeg_len,
			       unsigned char *thumb, int tw, int th, uint64_t key);
/* Replaces the live picture (taking ownership of rgba, w x h); the last one is zeroed and freed. */
void session_preview_set(struct session *s, unsigned char *rgba, int w, int h, uint64_t key);
/* Drops the live picture. */
void session_preview_clear(struct session *s);
/* Removes page i. */
void session_page_remove(struct session_material *m, size_t i);

#endif
