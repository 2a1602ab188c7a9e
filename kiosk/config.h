/* The kiosk's configuration: a plain "key = value" file (assets/kiosk.conf documents every key). */
#ifndef KIOSK_CONFIG_H
#define KIOSK_CONFIG_H

#include "common/kerr.h"
#include "drivers/device.h"

#include <stdbool.h>

struct config {
	char terminal_id[32];   /* starts every case number */
	char hall[128];         /* shown top left */
	char region[16];        /* region code of this terminal */
	char phone[32];         /* consultation phone printed on receipts */
	int width, height;
	bool fullscreen;
	char font[256], font_bold[256];
	int timeout_s;          /* idle seconds before the session is wiped (elder mode doubles it) */
	int warn_s;             /* the warning shows this many seconds before */
	int thanks_s;           /* the thanks screen returns home after this */
	char catalog[256];
	int reserve_mb;         /* free space kept on the data partition */
	char qr_template[256];  /* receipt QR: printf with case number and query code */
	int scan_dpi;
	int jpeg_quality;
	int scan_page_kb;       /* a stored page's JPEG is at most this large */
	bool scan_clean;        /* deskew and crop each page */
	bool scan_feeder;       /* scan from the document feeder rather than the flatbed */
	char holidays[1024];    /* YYYYMMDD list, comma separated: days off */
	char workdays[512];     /* YYYYMMDD list: weekend days that are working days (调休) */
	struct dev_config dev[DEV__COUNT];
	struct config_platform {
		char url[256];      /* "" : no uplink, cases stay queued */
		char ca[256];       /* CA file the platform's certificate must chain to */
		char cert[256];     /* this terminal's client certificate and key, when configured */
		char key[256];
		int chunk_kb;       /* page upload chunk */
		int batch;          /* outbox entries per round */
		int backoff_base_ms;
		int backoff_cap_s;
		int heartbeat_s;
		int catalog_s;
		char pin[512];      /* "sha256//BASE64[;...]": the platform's public key must match */
		int connect_timeout_s;
		int stall_s;        /* below 1 KiB/s this long: the link stalled */
	} platform;
	char eval_scheme[32];       /* the province's name for its level codes */
	char eval_level_codes[64];  /* five codes, very satisfied first, comma separated */
	char eval_mapping[256];     /* a province's whole mapping (assets/eval/); replaces the two above */
	bool a4_receipt;        /* also print the acceptance receipt on A4 when a case is stored */
	char key_file[256];     /* the data key sealing personal data at rest; "": <data>/store.key */
	char cipher[32];        /* aes-256-gcm | sm4-ctr-hmac-sm3 */
	int retention_days;     /* personal data of a case the platform acknowledged is purged after this */
};

/* Defaults for every key. */
void config_defaults(struct config *c);
/* Reads path over the defaults. A malformed line or unknown key is an error naming the line: a technician must
 * see a typo, not a silently ignored setting. Errors: KERR_IO, KERR_INVAL (message in err). */
enum kerr config_load(struct config *c, const char *path, char *err, size_t errlen);
#define CONFIG_MAX_BYTES (64 * 1024)

/* Parses configuration text of len bytes over c; name is used in messages. Errors: KERR_INVAL. */
enum kerr config_parse(struct config *c, const char *text, size_t len, const char *name, char *err, size_t errlen);
/* Sets one key ("display.width", "1280"). Errors: KERR_INVAL. */
enum kerr config_set(struct config *c, const char *key, const char *value);

#endif
