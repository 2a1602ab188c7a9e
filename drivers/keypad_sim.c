/* Backend "sim" of the evaluation keypad: presses arrive through dev_control() as from a person. */
#include "common/log.h"
#include "drivers/keypad.h"
#include "drivers/sim.h"

#include <stdlib.h>
#include <string.h>

/* Evaluation levels 0 (非常满意) to 4 (非常不满意). */
#define LEVELS 5

struct keypad_sim {
	struct dev dev; /* first: the class layer casts */
	bool enabled;
	bool plugged;
};

static enum kerr sim_enable(struct dev *d, bool on)
{
	/* Remembered while unplugged too: the keypad lights up as soon as it is back. */
	((struct keypad_sim *)d)->enabled = on;
	return KERR_OK;
}

static enum kerr sim_control(struct dev *d, const char *cmd)
{
	struct keypad_sim *s = (struct keypad_sim *)d;
	long key;

	if (strncmp(cmd, "press ", 6) == 0) {
		if (sim_parse_int(cmd + 6, 0, LEVELS - 1, &key) != KERR_OK)
			return KERR_INVAL;
		if (!s->plugged || !s->enabled) {
			log_debug("keypad sim: key %ld dropped (%s)", key,
				  s->plugged ? "disabled" : "unplugged");
			return KERR_OK;
		}
		dev_post(d, DEV_EV_KEY, KERR_OK, (int)key, NULL, NULL);
	} else if (strncmp(cmd, "press-raw ", 10) == 0 && cmd[10]) {
		/* A vendor code with no level in the map: real keypads have extra buttons. */
		log_debug("keypad sim: unknown key code %s ignored", cmd + 10);
	} else if (strcmp(cmd, "unplug") == 0) {
		s->plugged = false;
		dev_set_status(d, DEV_STATE_ABSENT, KERR_NO_DEVICE, "unplugged");
	} else if (strcmp(cmd, "plug") == 0) {
		s->plugged = true;
		dev_set_status(d, DEV_STATE_READY, KERR_OK, "ready");
	} else {
		return KERR_INVAL;
	}
	return KERR_OK;
}

static void sim_destroy(struct dev *d)
{
	free(d);
}

static const struct keypad_ops sim_ops = {
	.base = {
		.name = "keypad-sim",
		.cls = DEV_KEYPAD,
		.destroy = sim_destroy,
		.control = sim_control,
	},
	.enable = sim_enable,
};

enum kerr keypad_sim_open(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret)
{
	struct keypad_sim *s = calloc(1, sizeof(*s));

	(void)cfg;
	if (!s)
		return KERR_NOMEM;
	dev_init(&s->dev, &sim_ops.base, sink, clock);
	s->plugged = true;
	*ret = &s->dev;
	return KERR_OK;
}
