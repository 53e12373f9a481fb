/*
 * parley_malloc_trace.h: glibc's malloc trace (mtrace) for tests and benchmarks that check a hot
 * path allocates nothing. Every malloc, realloc, memalign and free between start and stop is
 * logged to the file named by $MALLOC_TRACE, but only in a process started with
 * LD_PRELOAD=libc_malloc_debug.so.0 (glibc 2.34 and later keep the hooks there); elsewhere both
 * calls do nothing. Production code never calls them.
 */
#ifndef PARLEY_MALLOC_TRACE_H
#define PARLEY_MALLOC_TRACE_H

void pn_malloc_trace_start(void);
void pn_malloc_trace_stop(void);

#endif
