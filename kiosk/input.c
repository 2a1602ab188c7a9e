/* Maps what the resident touches or types to journey events; the developer keys drive the simulated devices. */
#include "kiosk/input.h"

#include "common/log.h"
#include "kiosk/devices.h"
#include "kiosk/kiosk.h"

#include <string.h>

static void disabled(struct kiosk *k, const struct ui_hit *h)
{
	const char *why = NULL;

	switch (h->action) {
	case UI_ACT_NEXT:
		flow_dispatch(k, EV_NEXT, 0); /* the table's fallback row says what is missing */
		return;
	case UI_ACT_TILE:
		flow_dispatch(k, EV_TILE, h->arg);
		return;
	case UI_ACT_ITEM:
		/* 补打 printing or printed: the table's fallback row says so. */
		if (k->state == FLOW_PROGRESS)
			flow_dispatch(k, EV_ITEM, h->arg);
		return;
	case UI_ACT_PAGE_UP:
		why = "已经是第一页了。";
		break;
	case UI_ACT_PAGE_DOWN:
		why = "已经是最后一页了。";
		break;
	case UI_ACT_SCAN:
		why = "正在扫描，请稍候。";
		break;
	default:
		break;
	}
	if (why) {
		snprintf(k->banner, sizeof(k->banner), "%s", why);
		k->banner_error = false;
		k->dirty = true;
	}
}

void input_hit(struct kiosk *k, const struct ui_hit *h)
{
	static const int events[UI_ACT__COUNT] = {
		[UI_ACT_NONE] = -1,	   [UI_ACT_HOME] = EV_HOME,	[UI_ACT_BACK] = EV_BACK,
		[UI_ACT_NEXT] = EV_NEXT,   [UI_ACT_TILE] = EV_TILE,	[UI_ACT_THEME] = -1,
		[UI_ACT_TAB] = EV_TAB,	   [UI_ACT_ITEM] = EV_ITEM,	[UI_ACT_PAGE_UP] = EV_PAGE_UP,
		[UI_ACT_PAGE_DOWN] = EV_PAGE_DOWN, [UI_ACT_SEARCH] = EV_SEARCH, [UI_ACT_KEY] = EV_KEY,
		[UI_ACT_FIELD] = EV_FIELD, [UI_ACT_CHOICE] = EV_CHOICE, [UI_ACT_SCAN] = EV_SCAN,
		[UI_ACT_RETAKE] = EV_RETAKE, [UI_ACT_SKIP] = EV_NEXT,	[UI_ACT_TOGGLE] = EV_TOGGLE,
		[UI_ACT_LEVEL] = EV_LEVEL, [UI_ACT_REASON] = EV_REASON, [UI_ACT_BUTTON] = -1,
		[UI_ACT_DIALOG] = -1,
	};

	log_debug("input: %s %s", ui_action_str((enum ui_action)h->action), h->id ? h->id : "");
	if (!h->enabled) {
		disabled(k, h);
		return;
	}
	switch (h->action) {
	case UI_ACT_THEME:
		if (h->arg >= 0 && h->arg < UI_THEME__COUNT)
			k->theme_id = (enum ui_theme_id)h->arg;
		k->dirty = true;
		return;
	case UI_ACT_DIALOG:
		k->dirty = true; /* the touch itself restarted the countdown */
		return;
	case UI_ACT_BUTTON:
		if (k->state == FLOW_PRINT_FAULT)
			flow_dispatch(k, h->arg == 0 ? EV_RETRY : EV_SKIP, 0);
		else if (k->state == FLOW_CERTS || k->state == FLOW_CERT_PRINT)
			flow_dispatch(k, EV_RETRY, 0);
		else if (k->state == FLOW_RATE)
			flow_dispatch(k, EV_CHOICE, h->arg);
		return;
	case UI_ACT_TOGGLE:
		flow_dispatch(k, EV_TOGGLE, h->arg);
		return;
	default:
		break;
	}
	if ((unsigned)h->action < UI_ACT__COUNT && events[h->action] >= 0)
		flow_dispatch(k, (enum flow_event)events[h->action], h->arg);
}

/* Developer keys (make run): each drives a simulated device the way a resident or a fault would. */
static const struct {
	int fkey;
	const char *command;
} dev_keys[] = {
	{ 1, "idcard insert resident" }, { 2, "idcard insert elder" },	 { 3, "idcard insert expired" },
	{ 4, "idcard remove" },		 { 5, "idcard fault read on" },	 { 6, "scanner fault jam on" },
	{ 7, "scanner fault cover on" }, { 8, "receipt fault paper-out on" }, { 9, "receipt fault cover on" },
	{ 10, "keypad press 0" },	 { 11, "keypad press 3" },
};

static void dev_key(struct kiosk *k, int n)
{
	/* Fault keys toggle: a second press clears the fault. */
	static const char *const toggles[] = { "idcard fault read", "scanner fault jam", "scanner fault cover",
					       "receipt fault paper-out", "receipt fault cover" };

	if (n == 12) {
		k->show_dev_help = !k->show_dev_help;
		k->dirty = true;
		return;
	}
	for (size_t i = 0; i < sizeof(dev_keys) / sizeof(dev_keys[0]); i++) {
		char cmd[64];
		bool on;

		if (dev_keys[i].fkey != n)
			continue;
		snprintf(cmd, sizeof(cmd), "%s", dev_keys[i].command);
		for (size_t t = 0; t < sizeof(toggles) / sizeof(toggles[0]); t++)
			if (strncmp(cmd, toggles[t], strlen(toggles[t])) == 0) {
				on = !(k->dev_faults & (1u << t));
				k->dev_faults ^= 1u << t;
				snprintf(cmd, sizeof(cmd), "%s %s", toggles[t], on ? "on" : "off");
			}
		if (k->dev[DEV_IDCARD] && n == 1)
			devices_control(k, "idcard remove"); /* a fresh placement, even of the same card */
		log_info("dev: %s -> %s", cmd, kerr_str(devices_control(k, cmd)));
	}
}

void input_key(struct kiosk *k, int key)
{
	if (k->opts.dev && key >= UI_KEY_F1 && key < UI_KEY_F1 + 12) {
		dev_key(k, key - UI_KEY_F1 + 1);
		return;
	}
	switch (key) {
	case UI_KEY_ESCAPE:
		flow_dispatch(k, EV_BACK, 0);
		return;
	case UI_KEY_RETURN:
		flow_dispatch(k, EV_NEXT, 0);
		return;
	case UI_KEY_BACKSPACE:
		flow_dispatch(k, EV_KEY, UI_KEYCODE_BACKSPACE);
		return;
	default:
		break;
	}
	if ((key >= 'a' && key <= 'z') || (key >= '0' && key <= '9') || key == ' ')
		flow_dispatch(k, EV_KEY, key);
}

void input_text(struct kiosk *k, const char *text)
{
	if (k->state == FLOW_EVAL_TEXT) {
		size_t n = strlen(k->session.edit), add = strlen(text);

		if (n + add < sizeof(k->session.edit)) {
			memcpy(k->session.edit + n, text, add + 1);
			k->dirty = true;
		}
		return;
	}
	for (const char *p = text; *p; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		input_key(k, (unsigned char)c);
	}
}
