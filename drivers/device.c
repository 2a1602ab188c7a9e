/* The class-independent half of every device: status bookkeeping and event posting. */
#include "drivers/device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dev_event_finish(struct dev_event *ev)
{
	if (ev && ev->payload && ev->payload_free)
		ev->payload_free(ev->payload);
	if (ev)
		ev->payload = NULL;
}

void dev_init(struct dev *d, const struct dev_ops *ops, const struct dev_sink *sink, struct clock *clock)
{
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->sink = *sink;
	d->clock = clock;
	d->status.state = DEV_STATE_READY;
}

void dev_destroy(struct dev *d)
{
	if (d)
		d->ops->destroy(d);
}

void dev_poll(struct dev *d, int64_t now)
{
	if (d->ops->poll)
		d->ops->poll(d, now);
}

int64_t dev_next_deadline(const struct dev *d)
{
	return d->ops->next_deadline ? d->ops->next_deadline((struct dev *)d) : INT64_MAX;
}

enum kerr dev_control(struct dev *d, const char *cmd)
{
	if (!d->ops->control)
		return KERR_UNSUPPORTED;
	return d->ops->control(d, cmd);
}

void dev_get_status(const struct dev *d, struct dev_status *ret)
{
	*ret = d->status;
}

void dev_post(struct dev *d, enum dev_event_type type, enum kerr err, int value, void *payload,
	      void (*payload_free)(void *))
{
	struct dev_event ev = {
		.cls = d->ops->cls,
		.type = type,
		.err = err,
		.value = value,
		.status = d->status,
		.payload = payload,
		.payload_free = payload_free,
	};

	d->sink.post(d->sink.ctx, &ev);
}

void dev_set_status(struct dev *d, enum dev_state state, enum kerr fault, const char *detail)
{
	bool changed = d->status.state != state || d->status.fault != fault;

	d->status.state = state;
	d->status.fault = fault;
	snprintf(d->status.detail, sizeof(d->status.detail), "%s", detail ? detail : "");
	if (changed)
		dev_post(d, DEV_EV_STATUS, fault, 0, NULL, NULL);
}

const char *dev_class_str(enum dev_class c)
{
	static const char *const names[DEV__COUNT] = {
		[DEV_IDCARD] = "idcard", [DEV_SCANNER] = "scanner", [DEV_RECEIPT] = "receipt",
		[DEV_DOCPRINT] = "docprint", [DEV_KEYPAD] = "keypad",
	};
	return (unsigned)c < DEV__COUNT ? names[c] : "unknown";
}

const char *dev_state_str(enum dev_state s)
{
	static const char *const names[DEV_STATE__COUNT] = {
		[DEV_STATE_ABSENT] = "ABSENT", [DEV_STATE_READY] = "READY", [DEV_STATE_BUSY] = "BUSY",
		[DEV_STATE_FAULT] = "FAULT",
	};
	return (unsigned)s < DEV_STATE__COUNT ? names[s] : "UNKNOWN";
}

const char *dev_event_type_str(enum dev_event_type t)
{
	static const char *const names[DEV_EV__COUNT] = {
		[DEV_EV_STATUS] = "STATUS", [DEV_EV_CARD] = "CARD", [DEV_EV_CARD_ERROR] = "CARD_ERROR",
		[DEV_EV_CARD_REMOVED] = "CARD_REMOVED", [DEV_EV_PAGE] = "PAGE", [DEV_EV_SCAN_DONE] = "SCAN_DONE",
		[DEV_EV_PRINT_DONE] = "PRINT_DONE", [DEV_EV_KEY] = "KEY",
		[DEV_EV_PREVIEW] = "PREVIEW",
	};
	return (unsigned)t < DEV_EV__COUNT ? names[t] : "UNKNOWN";
}
