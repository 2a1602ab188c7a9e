/* Names of the kiosk's error codes, for logs. */
#include "common/kerr.h"

static const char *const names[KERR__COUNT] = {
	[KERR_OK] = "OK",
	[KERR_NOMEM] = "NOMEM",
	[KERR_INVAL] = "INVAL",
	[KERR_IO] = "IO",
	[KERR_TIMEOUT] = "TIMEOUT",
	[KERR_BUSY] = "BUSY",
	[KERR_NO_DEVICE] = "NO_DEVICE",
	[KERR_NO_CARD] = "NO_CARD",
	[KERR_CARD_READ] = "CARD_READ",
	[KERR_CARD_REMOVED] = "CARD_REMOVED",
	[KERR_EXPIRED] = "EXPIRED",
	[KERR_PAPER_OUT] = "PAPER_OUT",
	[KERR_JAMMED] = "JAMMED",
	[KERR_COVER_OPEN] = "COVER_OPEN",
	[KERR_NO_DOCS] = "NO_DOCS",
	[KERR_NET] = "NET",
	[KERR_PROTO] = "PROTO",
	[KERR_FULL] = "FULL",
	[KERR_CORRUPT] = "CORRUPT",
	[KERR_NOT_FOUND] = "NOT_FOUND",
	[KERR_UNSUPPORTED] = "UNSUPPORTED",
	[KERR_PERM] = "PERM",
	[KERR_CANCELLED] = "CANCELLED",
};

const char *kerr_str(enum kerr e)
{
	if ((unsigned)e >= KERR__COUNT || !names[e])
		return "UNKNOWN";
	return names[e];
}
