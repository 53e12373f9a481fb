/* pocketsphinx 5prealpha + sphinxbase (Debian libpocketsphinx-dev) for the Speech module.
 * Configuration goes through cmd_ln_parse_r (an argv array): cmd_ln_init is C-variadic and
 * Swift cannot call it. Grammar mode builds its search from jsgf.h and fsg_model.h; narrowband
 * sessions set the initial cepstral mean through feat.h and cmn.h. */
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/fsg_model.h>
#include <sphinxbase/jsgf.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/cmn.h>
