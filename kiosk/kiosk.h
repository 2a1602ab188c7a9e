/* struct kiosk: the one object that holds the running kiosk (cage's struct cg_server). Built in main.c; every
 * mutable thing of the application lives here. */
#ifndef KIOSK_KIOSK_H
#define KIOSK_KIOSK_H

#include "common/clock.h"
#include "drivers/device.h"
#include "kiosk/catalog.h"
#include "kiosk/config.h"
#include "kiosk/evalmap.h"
#include "kiosk/flow.h"
#include "kiosk/health.h"
#include "kiosk/session.h"
#include "offline-queue/queue.h"
#include "offline-queue/uplink.h"
#include "ui/screens.h"
#include "ui/sdl/ui_sdl.h"

#include <stdio.h>

#define KIOSK_PENDING_MAX 16

struct control;

struct kiosk_opts {
	const char *config_path;
	const char *data_dir;
	const char *script_path;  /* run a script on a virtual clock, headless, then exit */
	const char *shots_dir;    /* save a PNG of every screen shown */
	const char *control_path; /* a unix socket taking script lines (make run's developer panel) */
	bool dev;                 /* developer keys and help line */
	bool headless;
	int max_frames;           /* exit after this many frames (benchmarks); 0: no limit */
};

struct kiosk {
	struct kiosk_opts opts;
	struct config cfg;
	struct evalmap evalmap;  /* the province's 好差评 codes, from eval.mapping or eval.level_codes */
	struct clock clock;
	struct catalog *catalog;
	char catalog_error[256];
	struct queue *queue;
	struct queue_key *store_key; /* loaded once at start, given to every store handle, wiped at exit */
	int64_t purge_due_ms;        /* monotonic: the next retention purge */
	char store_error[256];
	struct dev *dev[DEV__COUNT];
	struct ui_sdl *ui;
	struct ui_arena arena;
	struct ui_frame frame;
	enum ui_theme_id theme_id;
	struct ui_theme theme;

	enum flow_state state;
	struct {
		int ev, arg;
	} pending[KIOSK_PENDING_MAX];
	size_t n_pending;
	bool dispatching;

	struct session session;
	char banner[512];
	bool banner_error;
	bool reader_fault_shown; /* the banner tells of a card reader fault */
	int64_t last_touch_ms;   /* for the idle timeout */
	int64_t state_since_ms;
	int64_t timer_ms;        /* the screen's own timer (thanks), INT64_MAX when none */
	int print_job;
	int a4_job;              /* the A4 acceptance receipt's job, 0 when none is out */
	char a4_pdf[600];        /* its PDF, deleted when the job ends: it names the resident */
	enum kerr print_err;      /* why the last receipt did not print */
	uint64_t image_seq;      /* keys for thumbnails and the card photo */
	struct idcard_photo_decoder *photo_dec; /* the vendor's WLT decoder, NULL when none is configured */
	int list_shown;          /* rows the last list frame showed */
	int guide_content_h, guide_view_h;
	bool dirty;              /* the screen must be redrawn */
	int last_countdown;      /* the countdown last drawn, so a redraw happens once a second only */
	bool show_dev_help;
	unsigned dev_faults;      /* developer keys: which fault toggles are on */
	unsigned frames;
	unsigned shot_seq;
	bool quit;
	int exit_code;
	struct control *control; /* the control socket, NULL when off */
	struct health health;    /* decides the systemd watchdog's pings (kiosk/health.h) */
	bool ready_sent;         /* READY=1 went out when the first screen was up */

	struct uplink *uplink;   /* the sync worker, NULL when no platform is configured */
	unsigned catalog_updates_seen;
	int catalog_pending;     /* the worker stored a newer catalog: switch to it between residents */
	bool online;             /* the platform answered last time */
	bool query_waiting;      /* a 进度查询 is out at the platform */
	bool certs_waiting;      /* a 证照打印 list or fetch is out at the platform */
	struct uplink_certs_reply certs_reply; /* its answer while EV_CERTS_DONE is handled; the PDF is cleared after */
	struct uplink_query_reply query_reply;
	enum kerr query_err;
};

#endif
