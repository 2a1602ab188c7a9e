/* Evaluation keypad (好差评评价器): the class interface. Keys arrive as DEV_EV_KEY with a level index. */
#ifndef DRIVERS_KEYPAD_H
#define DRIVERS_KEYPAD_H

#include "drivers/device.h"

struct keypad_ops {
	struct dev_ops base;
	/* Lights the keypad and accepts keys while on; keys pressed while off are dropped. */
	enum kerr (*enable)(struct dev *d, bool on);
};

enum kerr keypad_open(const struct dev_config *cfg, const struct dev_sink *sink, struct clock *clock,
		      struct dev **ret);
enum kerr keypad_enable(struct dev *d, bool on);

#endif
