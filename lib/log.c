/*
 * log.c - JSON line logger (see log.h). The component name and level are set once at
 * start-up before threads exist; the request id is thread-local.
 */
#include "log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *component = "concord";
static enum log_level min_level = LOG_INFO;
static _Thread_local char request_id[80];

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_init(const char *comp, enum log_level lvl)
{
	component = comp;
	min_level = lvl;
	const char *env = getenv("CONCORD_LOG_LEVEL");
	if (env) {
		for (int i = 0; i < 4; i++)
			if (strcmp(env, level_names[i]) == 0)
				min_level = (enum log_level)i;
	}
}

void log_set_request_id(const char *id)
{
	snprintf(request_id, sizeof request_id, "%s", id ? id : "");
}

const char *log_request_id(void)
{
	return request_id;
}

void log_json(enum log_level lvl, json_t *fields)
{
	if (lvl < min_level)
		return;
	char ts[40];
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	size_t n = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof ts - n, ".%03ldZ", now.tv_nsec / 1000000);

	json_t *o = json_object();
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "level", json_string(level_names[lvl]));
	json_object_set_new(o, "component", json_string(component));
	if (request_id[0])
		json_object_set_new(o, "request_id", json_string(request_id));
	if (fields)
		json_object_update(o, fields);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		return;
	size_t len = strlen(s);
	s[len] = '\n'; /* json_dumps' terminator becomes the newline */
	ssize_t w = write(STDERR_FILENO, s, len + 1);
	(void)w;
	free(s);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	if (lvl < min_level)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_t *f = json_object();
	/* json_string rejects invalid UTF-8; log the message even then */
	json_t *m = json_string(msg);
	json_object_set_new(f, "msg", m ? m : json_string("(message not valid UTF-8)"));
	log_json(lvl, f);
	json_decref(f);
}
