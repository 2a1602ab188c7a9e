/* The kiosk's life: set-up from configuration, the event loop, and tear-down. */
#ifndef KIOSK_APP_H
#define KIOSK_APP_H

#include "kiosk/kiosk.h"

/* Sets up everything. A missing catalog or store is not fatal (home says what cannot be done); no display or no
 * font is (returns KERR_NO_DEVICE or KERR_NOT_FOUND, logged). */
enum kerr app_init(struct kiosk *k, const struct kiosk_opts *opts);
/* Runs until quit; returns the process exit code. */
int app_run(struct kiosk *k);
void app_finish(struct kiosk *k);

/* Redraws when something changed, saving a shot when asked. */
void app_render(struct kiosk *k);
/* Handles one input (a touch, a key, a device event or a control line). */
void app_handle(struct kiosk *k, struct ui_input *in);
/* Runs the timers due at now: idle countdown, idle wipe, a screen's own timer. */
void app_timers(struct kiosk *k, int64_t now);
/* The next time app_timers() has something to do, or INT64_MAX. */
int64_t app_next_timer(const struct kiosk *k, int64_t now);
/* Saves the frame last drawn as shots_dir/name.png. */
enum kerr app_shot(struct kiosk *k, const char *name);

/* Runs one script line ("tap footer.next", "dev idcard insert resident", "wait 500", "expect SCAN" ...).
 * Errors: KERR_INVAL with a message in err (unknown command, a target not on screen, an expectation not met). */
enum kerr script_line(struct kiosk *k, const char *line, char *err, size_t errlen);
/* Runs a script file on the virtual clock; returns 0, or 3 at the first failing line (printed). */
int script_run_file(struct kiosk *k, const char *path);

/* The control socket (make run): lines arrive as KIOSK_MSG_LINE. */
enum kerr control_start(struct kiosk *k, const char *path);
void control_stop(struct kiosk *k);

#endif
