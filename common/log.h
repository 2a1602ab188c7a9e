/* Logging to stderr (journald picks it up). Lower layers log at debug only; kiosk/ logs once, with context. */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG__COUNT };

/* Writes one line if level is within KIOSK_LOG (err, warn, info, debug; default info). Never pass personal data
 * unmasked. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
