/* The "idcard" command group: its subcommands and the printing they share. */
#ifndef TOOLS_KIOSKCTL_IDCARD_H
#define TOOLS_KIOSKCTL_IDCARD_H

#include "drivers/idcard.h"

#include <stdbool.h>
#include <stdio.h>

int idcard_cmd_read(int argc, char **argv);
int idcard_cmd_decode(int argc, char **argv);
int idcard_cmd_simulate(int argc, char **argv);

/* Prints a card's fields, one per line; masked as on the kiosk's screens unless full. */
void idcard_print(FILE *f, const struct idcard_data *c, bool full);
/* What a resident-caused or reader failure means, for a technician: Chinese, then the code. */
const char *idcard_explain(enum kerr e);
/* Today's local date as YYYYMMDD (the deployment's zone, as the kiosk computes it). */
void idcard_today(char out[9]);

#endif
