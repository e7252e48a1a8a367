/*
 * redis.c - see redis.h.
 */
#include "redis.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static _Thread_local redisContext *thread_ctx;
static pthread_key_t ctx_key;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void ctx_destructor(void *p)
{
	redisFree(p);
	thread_ctx = NULL;
}

static void ctx_key_init(void)
{
	pthread_key_create(&ctx_key, ctx_destructor);
}

static void set_thread_ctx(redisContext *c)
{
	pthread_once(&ctx_once, ctx_key_init);
	thread_ctx = c;
	pthread_setspecific(ctx_key, c);
}

redisContext *redis_connect(const char *url, struct err *e)
{
	char host[256] = "127.0.0.1";
	int port = 6379, db = 0;
	redisContext *c = NULL;
	struct timeval tv = {2, 0};
	if (strncmp(url, "unix:", 5) == 0) {
		c = redisConnectUnixWithTimeout(url + 5, tv);
	} else if (strncmp(url, "redis://", 8) == 0) {
		const char *p = url + 8;
		size_t hl = strcspn(p, ":/");
		if (hl == 0 || hl >= sizeof host) {
			err_set(e, ERR_INTERNAL, NULL, "bad REDIS_URL");
			return NULL;
		}
		memcpy(host, p, hl);
		host[hl] = '\0';
		p += hl;
		if (*p == ':')
			port = (int)strtol(p + 1, (char **)&p, 10);
		if (*p == '/')
			db = atoi(p + 1);
		c = redisConnectWithTimeout(host, port, tv);
	} else {
		err_set(e, ERR_INTERNAL, NULL, "REDIS_URL must start with redis:// or unix:");
		return NULL;
	}
	if (!c || c->err) {
		err_set(e, ERR_UNAVAILABLE, NULL, "redis unavailable");
		err_log_detail(e, "redis connect: %s", c ? c->errstr : "out of memory");
		if (c)
			redisFree(c);
		return NULL;
	}
	redisSetTimeout(c, (struct timeval){5, 0});
	if (db) {
		redisReply *r = redisCommand(c, "SELECT %d", db);
		bool ok = r && r->type != REDIS_REPLY_ERROR;
		if (r)
			freeReplyObject(r);
		if (!ok) {
			redisFree(c);
			err_set(e, ERR_UNAVAILABLE, NULL, "redis SELECT failed");
			return NULL;
		}
	}
	return c;
}

redisContext *redis_thread_conn(const char *url, struct err *e)
{
	if (thread_ctx && !thread_ctx->err)
		return thread_ctx;
	if (thread_ctx) {
		redisFree(thread_ctx);
		set_thread_ctx(NULL);
	}
	set_thread_ctx(redis_connect(url, e));
	return thread_ctx;
}

void redis_thread_close(void)
{
	if (thread_ctx)
		redisFree(thread_ctx);
	set_thread_ctx(NULL);
}

static void free_reply_cb(void *p)
{
	freeReplyObject(p);
}

static redisReply *finish(redisContext *c, struct arena *a, struct err *e, redisReply *r)
{
	if (!r) {
		err_set(e, ERR_UNAVAILABLE, NULL, "redis unavailable");
		err_log_detail(e, "redis: %s", c->errstr);
		if (c == thread_ctx) {
			redisFree(thread_ctx);
			set_thread_ctx(NULL);
		}
		return NULL;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		err_set(e, ERR_INTERNAL, NULL, "redis command failed");
		err_log_detail(e, "redis: %s", r->str);
		freeReplyObject(r);
		return NULL;
	}
	if (a)
		arena_defer(a, free_reply_cb, r);
	return r;
}

redisReply *redis_cmdv(redisContext *c, struct arena *a, struct err *e, int argc, const char **argv)
{
	return finish(c, a, e, redisCommandArgv(c, argc, argv, NULL));
}

redisReply *redis_cmd(redisContext *c, struct arena *a, struct err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	redisReply *r = redisvCommand(c, fmt, ap);
	va_end(ap);
	return finish(c, a, e, r);
}
