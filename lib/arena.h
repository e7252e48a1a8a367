/*
 * arena.h - per-request (or per-job) memory arena with cleanup hooks.
 *
 * An arena hands out memory that lives until arena_free(). Foreign resources (a
 * json_t, a PGresult, a redisReply) are tied to the arena with arena_defer(), so a
 * handler never frees anything by hand: the server frees the whole arena when the
 * request completes (MHD_OPTION_NOTIFY_COMPLETED), a worker after each job.
 * Allocation failure aborts: callers never check for NULL.
 *
 * Thread-safety: an arena belongs to one thread at a time.
 */
#ifndef CONCORD_ARENA_H
#define CONCORD_ARENA_H

#include <stddef.h>

struct arena;
struct json_t;

struct arena *arena_new(void);
void arena_free(struct arena *a);
/* Zeroed memory owned by the arena. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run fn(p) when the arena is freed (last registered runs first). */
void arena_defer(struct arena *a, void (*fn)(void *), void *p);
/* Convenience: the arena takes (steals) one reference of j and returns it. */
struct json_t *arena_json(struct arena *a, struct json_t *j);

/* malloc/realloc/strdup that abort on failure, for code outside arenas. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
