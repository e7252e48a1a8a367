/*
 * server.h - start and stop the HTTP server (libmicrohttpd, thread pool).
 */
#ifndef CONCORD_SERVER_H
#define CONCORD_SERVER_H

#include "http.h"

/* Run until SIGTERM/SIGINT: stop accepting, finish in-flight requests, close. */
int server_run(void);
/* Find a route for (method, path); fills r->params. Returns the route, NULL if none;
 * *path_matched tells whether some route matched the path with another method. */
const struct route *router_match(const char *method, const char *path, struct req *r,
        bool *path_matched, char *allow, size_t allow_len);

#endif
