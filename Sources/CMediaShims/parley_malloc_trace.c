/* parley_malloc_trace.c: see include/parley_malloc_trace.h. */
#include <mcheck.h>
#include "parley_malloc_trace.h"

void pn_malloc_trace_start(void) { mtrace(); }

void pn_malloc_trace_stop(void) { muntrace(); }
