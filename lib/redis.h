/*
 * redis.h - Redis access over hiredis: one connection per thread, opened lazily
 * from REDIS_URL (redis://host:port/db or unix:/path/to/socket) and re-opened after
 * an error, like db.h does for PostgreSQL.
 *
 * Replies from redis_cmd are owned by the arena (freeReplyObject at arena_free).
 */
#ifndef CONCORD_REDIS_H
#define CONCORD_REDIS_H

#include <hiredis/hiredis.h>

#include "arena.h"
#include "err.h"

/* The calling thread's connection; NULL + ERR_UNAVAILABLE if Redis is down. */
redisContext *redis_thread_conn(const char *url, struct err *e);
/* A new private connection (caller frees with redisFree). */
redisContext *redis_connect(const char *url, struct err *e);
void redis_thread_close(void);
/* Run a command given as argv (binary-safe); an error reply or I/O failure -> NULL + e
 * (and the thread connection is dropped so the next call reconnects). */
redisReply *redis_cmdv(
        redisContext *c, struct arena *a, struct err *e, int argc, const char **argv);
/* printf-style command (hiredis %s/%b substitution is binary-safe, never textual). */
redisReply *redis_cmd(redisContext *c, struct arena *a, struct err *e, const char *fmt, ...);

#endif
