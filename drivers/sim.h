/* Simulated backends of every class (real protocol bytes, fault switches set with dev_control(),
 * results posted from dev_poll() on the kiosk's clock), opened by the class layers. */
#ifndef DRIVERS_SIM_H
#define DRIVERS_SIM_H

#include "drivers/device.h"

/* Backend "sim" of each class; arguments and errors as <class>_open(). */
enum kerr idcard_sim_open(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret);
enum kerr scanner_sim_open(const struct dev_config *cfg, const struct dev_sink *sink,
			   struct clock *clock, struct dev **ret);
enum kerr receipt_sim_open(const struct dev_config *cfg, const struct dev_sink *sink,
			   struct clock *clock, struct dev **ret);
enum kerr docprint_sim_open(const struct dev_config *cfg, const struct dev_sink *sink,
			    struct clock *clock, struct dev **ret);
enum kerr keypad_sim_open(const struct dev_config *cfg, const struct dev_sink *sink,
			  struct clock *clock, struct dev **ret);

/* The ESC/POS bytes of the simulated receipt printer's last accepted job, owned by the device and
 * valid until its next job or its destruction. Errors: KERR_INVAL (not a simulated receipt
 * printer), KERR_NOT_FOUND. */
enum kerr receipt_sim_get_last_job(const struct dev *d, const uint8_t **ret_data, size_t *ret_len,
				   int *ret_job);

/* Matches a fault switch: cmd is exactly "<name> on" or "<name> off". */
bool sim_match_switch(const char *cmd, const char *name, bool *ret_on);
/* Parses a whole decimal argument within [min, max]. Errors: KERR_INVAL. */
/* "unplug" and "plug", the same for every simulated device that runs jobs: true when cmd was one of them, with
 * *plugged and *busy updated. *ret_cut says an unplug cut off a job under way, which the caller ends with
 * KERR_NO_DEVICE. */
bool sim_plug_command(const char *cmd, bool *plugged, bool *busy, bool *ret_cut);
enum kerr sim_parse_int(const char *arg, long min, long max, long *ret);
/* Stores a job as a printer would have received it: when path is a folder, into path/name
 * (replaced), otherwise appended to the file path; fsync'd either way. An empty path stores
 * nothing. Errors: KERR_INVAL (the joined name is too long), KERR_IO. */
enum kerr sim_spool(const char *path, const char *name, const void *data, size_t n);
/* The file path/name when path is a folder (where a simulated device puts what it produced beside
 * its spool). Errors: KERR_NOT_FOUND (path is not a folder), KERR_INVAL (too long for ret). */
enum kerr sim_spool_name(const char *path, const char *name, char *ret, size_t n);

#endif
