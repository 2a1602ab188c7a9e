/* kioskctl, the technicians' command-line tool: one command group per file (idcard.c ...), each
 * with its own usage; main.c only dispatches. Messages go to stderr, results to stdout. */
#ifndef TOOLS_KIOSKCTL_KIOSKCTL_H
#define TOOLS_KIOSKCTL_KIOSKCTL_H

#include "common/kerr.h"
#include "kiosk/config.h"

#include <stdio.h>

/* Exit codes of every command. */
enum {
	KIOSKCTL_OK = 0,
	KIOSKCTL_FAILED = 1, /* the command ran and what it checked or did failed */
	KIOSKCTL_USAGE = 2,  /* bad arguments: nothing was done */
};

/* Where the installed kiosk's configuration lives unless --config or KIOSK_CONFIG says otherwise.
 */
#define KIOSKCTL_DEFAULT_CONFIG "/etc/kiosk/kiosk.conf"

struct kioskctl_group {
	const char *name;
	const char *summary;
	/* argv[0] is the group's name; returns an exit code. */
	int (*run)(int argc, char **argv);
};

/* One command of a group: argv[0] is its name; usage is its line(s) in the group's usage. */
struct kioskctl_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

/* Runs the command argv[1] names (argv shifted to it); --help prints the group's usage; nothing or an unknown
 * command is a usage error with the usage on stderr. */
int kioskctl_dispatch(const char *group, const struct kioskctl_cmd *cmds, size_t n, int argc, char **argv);

extern const struct kioskctl_group kioskctl_idcard;
extern const struct kioskctl_group kioskctl_eval;
extern const struct kioskctl_group kioskctl_receipt;
extern const struct kioskctl_group kioskctl_provision;

/* Prints "kioskctl: " and the message to stderr; returns KIOSKCTL_FAILED for `return fail(...)`. */
int kioskctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The configuration options every command that touches a device takes. */
struct kioskctl_conf_opts {
	const char *path;    /* --config FILE */
	const char *set[16]; /* --set KEY=VALUE, applied in order over the file */
	int n_set;
};

/* Takes --config FILE or --set KEY=VALUE at argv[*i] (moving *i past the value); returns false
 * when argv[*i] is neither. Errors: KERR_INVAL (missing value, too many --set) with a message. */
bool kioskctl_conf_option(struct kioskctl_conf_opts *o, int argc, char **argv, int *i,
			  enum kerr *ret);
/* Loads the configuration: the file (given, $KIOSK_CONFIG, or the default), then every --set.
 * Prints why it failed. Errors: KERR_IO, KERR_INVAL. */
enum kerr kioskctl_conf_load(const struct kioskctl_conf_opts *o, struct config *ret);

#endif
