/* Parsing of the key = value configuration, with a table of keys so every key has one place. */
#include "kiosk/config.h"

#include "offline-queue/queue_crypt.h"
#include "offline-queue/uplink_http.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->terminal_id, sizeof(c->terminal_id), "ZW0000000001");
	snprintf(c->hall, sizeof(c->hall), "政务服务自助终端");
	snprintf(c->region, sizeof(c->region), "000000");
	snprintf(c->phone, sizeof(c->phone), "12345");
	c->width = 1920;
	c->height = 1080;
	snprintf(c->font, sizeof(c->font), "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
	snprintf(c->font_bold, sizeof(c->font_bold), "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc");
	c->timeout_s = 120;
	c->warn_s = 30;
	c->thanks_s = 10;
	snprintf(c->catalog, sizeof(c->catalog), "assets/catalog.json");
	c->reserve_mb = 64;
	snprintf(c->cipher, sizeof(c->cipher), "aes-256-gcm");
	c->retention_days = 7;
	snprintf(c->qr_template, sizeof(c->qr_template), "%s", "ZWFW:%s:%s");
	c->scan_dpi = 150;
	c->jpeg_quality = 80;
	c->scan_page_kb = 1024;
	c->scan_clean = true;
	c->platform.chunk_kb = 1024;
	c->platform.batch = 20;
	c->platform.backoff_base_ms = 2000;
	c->platform.backoff_cap_s = 300;
	c->platform.heartbeat_s = 60;
	c->platform.catalog_s = 3600;
	c->platform.connect_timeout_s = 10;
	c->platform.stall_s = 30;
	snprintf(c->eval_scheme, sizeof(c->eval_scheme), "gbt39046");
	snprintf(c->eval_level_codes, sizeof(c->eval_level_codes), "1,2,3,4,5");
	for (int i = 0; i < DEV__COUNT; i++) {
		snprintf(c->dev[i].backend, sizeof(c->dev[i].backend), "sim");
		c->dev[i].latency_ms = 300;
		c->dev[i].baud = 115200;
	}
	/* Serial keypads are slow devices: 9600 is what they ship with. */
	c->dev[DEV_KEYPAD].baud = 9600;
	c->dev[DEV_KEYPAD].debounce_ms = 40;
}

enum key_type { KEY_STR, KEY_INT, KEY_BOOL };

struct key {
	const char *name;
	enum key_type type;
	size_t offset;
	size_t size;
	int min, max;
};

#define STR(n, f) { n, KEY_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f), 0, 0 }
#define INT(n, f, lo, hi) { n, KEY_INT, offsetof(struct config, f), sizeof(int), lo, hi }
#define BOOL(n, f) { n, KEY_BOOL, offsetof(struct config, f), sizeof(bool), 0, 1 }
#define DEV(cls, c)                                                                                     \
	STR(cls ".backend", dev[c].backend), STR(cls ".path", dev[c].path),                             \
		INT(cls ".latency_ms", dev[c].latency_ms, 0, 60000)

static const struct key keys[] = {
	STR("terminal.id", terminal_id),
	STR("terminal.hall", hall),
	STR("terminal.region", region),
	STR("terminal.phone", phone),
	INT("display.width", width, 320, 7680),
	INT("display.height", height, 240, 4320),
	BOOL("display.fullscreen", fullscreen),
	STR("display.font", font),
	STR("display.font_bold", font_bold),
	INT("session.timeout_s", timeout_s, 20, 3600),
	INT("session.warn_s", warn_s, 5, 600),
	INT("session.thanks_s", thanks_s, 3, 120),
	STR("catalog.path", catalog),
	INT("store.reserve_mb", reserve_mb, 0, 1 << 20),
	STR("store.key_file", key_file),
	STR("store.cipher", cipher),
	INT("store.retention_days", retention_days, 0, 3650),
	STR("receipt.qr", qr_template),
	INT("scan.dpi", scan_dpi, 100, 600),
	INT("scan.jpeg_quality", jpeg_quality, 30, 95),
	INT("scan.page_kb", scan_page_kb, 64, 16384),
	BOOL("scan.clean", scan_clean),
	BOOL("scan.feeder", scan_feeder),
	STR("calendar.holidays", holidays),
	STR("calendar.workdays", workdays),
	DEV("idcard", DEV_IDCARD),
	INT("idcard.baud", dev[DEV_IDCARD].baud, 1200, 921600),
	STR("idcard.usb_ids", dev[DEV_IDCARD].usb_ids),
	STR("idcard.usb_endpoints", dev[DEV_IDCARD].usb_endpoints),
	STR("idcard.photo_lib", dev[DEV_IDCARD].lib),
	DEV("scanner", DEV_SCANNER),
	DEV("receipt", DEV_RECEIPT),
	STR("receipt.usb_ids", dev[DEV_RECEIPT].usb_ids),
	STR("receipt.usb_port", dev[DEV_RECEIPT].usb_port),
	STR("receipt.usb_endpoints", dev[DEV_RECEIPT].usb_endpoints),
	DEV("docprint", DEV_DOCPRINT),
	/* Backend ipp: the printer as an ipp:// URI, or a CUPS queue; both name docprint's path. */
	STR("docprint.uri", dev[DEV_DOCPRINT].path),
	STR("docprint.queue", dev[DEV_DOCPRINT].path),
	BOOL("docprint.a4_receipt", a4_receipt),
	DEV("keypad", DEV_KEYPAD),
	INT("keypad.baud", dev[DEV_KEYPAD].baud, 1200, 921600),
	STR("keypad.usb_ids", dev[DEV_KEYPAD].usb_ids),
	STR("keypad.usb_endpoint", dev[DEV_KEYPAD].usb_endpoints),
	STR("keypad.map", dev[DEV_KEYPAD].map),
	INT("keypad.debounce_ms", dev[DEV_KEYPAD].debounce_ms, 1, 1000),
	STR("platform.url", platform.url),
	STR("platform.ca", platform.ca),
	STR("platform.cert", platform.cert),
	STR("platform.key", platform.key),
	INT("platform.chunk_kb", platform.chunk_kb, 4, 4096),
	INT("platform.batch", platform.batch, 1, 1000),
	INT("platform.backoff_base_ms", platform.backoff_base_ms, 10, 600000),
	INT("platform.backoff_cap_s", platform.backoff_cap_s, 1, 86400),
	INT("platform.heartbeat_s", platform.heartbeat_s, 10, 3600),
	INT("platform.catalog_s", platform.catalog_s, 60, 604800),
	STR("platform.pin", platform.pin),
	INT("platform.connect_timeout_s", platform.connect_timeout_s, 1, 300),
	INT("platform.stall_s", platform.stall_s, 1, 600),
	STR("eval.scheme", eval_scheme),
	STR("eval.level_codes", eval_level_codes),
	STR("eval.mapping", eval_mapping),
};

enum kerr config_set(struct config *c, const char *key, const char *value)
{
	enum queue_cipher cipher;

	/* The store names its ciphers; any other is a typo that must stop the kiosk. */
	if (!strcmp(key, "store.cipher") && queue_cipher_parse(value, &cipher) != KERR_OK)
		return KERR_INVAL;
	/* A mistyped pin would refuse the real platform for good: refused here, by its line. */
	if (!strcmp(key, "platform.pin") && !uplink_http_pin_ok(value))
		return KERR_INVAL;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		char *field = (char *)c + k->offset, *end;
		long v;

		if (strcmp(k->name, key) != 0)
			continue;
		switch (k->type) {
		case KEY_STR:
			if (strlen(value) >= k->size)
				return KERR_INVAL;
			memcpy(field, value, strlen(value) + 1);
			return KERR_OK;
		case KEY_INT:
			errno = 0;
			v = strtol(value, &end, 10);
			if (errno || end == value || *end || v < k->min || v > k->max)
				return KERR_INVAL;
			*(int *)field = (int)v;
			return KERR_OK;
		case KEY_BOOL:
			if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1"))
				*(bool *)field = true;
			else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0"))
				*(bool *)field = false;
			else
				return KERR_INVAL;
			return KERR_OK;
		}
	}
	return KERR_INVAL;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

enum kerr config_parse(struct config *c, const char *text, size_t len, const char *name, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	int n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[2048], *s, *eq, *key, *value;

		n++;
		if (ll >= sizeof(line)) {
			snprintf(err, errlen, "%s:%d: line too long", name, n);
			return KERR_INVAL;
		}
		if (memchr(p, 0, ll)) {
			snprintf(err, errlen, "%s:%d: a NUL byte: not a text file", name, n);
			return KERR_INVAL;
		}
		memcpy(line, p, ll);
		line[ll] = 0;
		p += ll + 1;
		s = trim(line);
		if (*s == 0 || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected \"key = value\"", name, n);
			return KERR_INVAL;
		}
		*eq = 0;
		key = trim(s);
		value = trim(eq + 1);
		if (config_set(c, key, value) != KERR_OK) {
			snprintf(err, errlen, "%s:%d: unknown key or bad value: %.64s = %.128s", name, n, key, value);
			return KERR_INVAL;
		}
	}
	return KERR_OK;
}

enum kerr config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t len;
	enum kerr e;

	if (!f) {
		snprintf(err, errlen, "cannot read configuration %s: %s", path, strerror(errno));
		return KERR_IO;
	}
	/* A configuration is a few kilobytes; anything near the cap is not one. */
	buf = malloc(CONFIG_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return KERR_NOMEM;
	}
	len = fread(buf, 1, CONFIG_MAX_BYTES + 1, f);
	e = ferror(f) ? KERR_IO : KERR_OK;
	fclose(f);
	if (e != KERR_OK)
		snprintf(err, errlen, "cannot read configuration %s", path);
	else if (len > CONFIG_MAX_BYTES) {
		snprintf(err, errlen, "%s: larger than %d bytes: not a configuration", path, CONFIG_MAX_BYTES);
		e = KERR_INVAL;
	} else {
		e = config_parse(c, buf, len, path, err, errlen);
	}
	free(buf);
	return e;
}
