/* The kiosk's one error space: every layer returns these; foreign codes are translated at each library's edge. */
#ifndef COMMON_KERR_H
#define COMMON_KERR_H

enum kerr {
	KERR_OK = 0,
	KERR_NOMEM,       /* allocation failed */
	KERR_INVAL,       /* bad argument or malformed input */
	KERR_IO,          /* read, write or fsync failed */
	KERR_TIMEOUT,     /* a bounded wait ran out */
	KERR_BUSY,        /* the device or resource is in use */
	KERR_NO_DEVICE,   /* device absent or unplugged */
	KERR_NO_CARD,     /* no ID card on the reader */
	KERR_CARD_READ,   /* the card was found but could not be read */
	KERR_CARD_REMOVED, /* the card left the reader mid-read */
	KERR_EXPIRED,     /* the card's validity period has ended */
	KERR_PAPER_OUT,
	KERR_JAMMED,
	KERR_COVER_OPEN,
	KERR_NO_DOCS,     /* the feeder is empty */
	KERR_NET,         /* network unreachable */
	KERR_PROTO,       /* a peer broke its protocol */
	KERR_FULL,        /* storage or a bounded queue is full */
	KERR_CORRUPT,     /* stored data failed a check */
	KERR_NOT_FOUND,
	KERR_UNSUPPORTED, /* the backend cannot do that */
	KERR_PERM,        /* permission denied */
	KERR_CANCELLED,
	KERR__COUNT
};

/* Upper-case name of an error for log lines ("PAPER_OUT"); never NULL. */
const char *kerr_str(enum kerr e);

#endif
