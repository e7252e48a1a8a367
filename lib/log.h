/*
 * log.h - structured JSON logging, one object per line on stderr.
 *
 * Every line carries the request id of the calling thread (log_set_request_id), so a
 * request can be followed across the access log, errors and SQL failures. Lines are
 * written with one write(2) each, so threads never interleave inside a line.
 */
#ifndef CONCORD_LOG_H
#define CONCORD_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_init(const char *component, enum log_level min_level);
/* The request (or job) id logged with every line of this thread; NULL clears it. */
void log_set_request_id(const char *id);
const char *log_request_id(void);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Log an already-built JSON object (borrowed); adds ts, level, component, request_id. */
struct json_t;
void log_json(enum log_level lvl, struct json_t *fields);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
