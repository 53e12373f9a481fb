/* spandsp (Debian libspandsp-dev) for the Codecs module: G.722 and packet loss concealment.
 *
 * The umbrella <spandsp.h> is deliberately not included: it pulls in <tiffio.h> (libtiff-dev)
 * for the fax modules. These headers need only <stdint.h> and spandsp's telephony.h. Whoever
 * needs more of spandsp (dtmf.h, echo.h, ...) adds the individual headers here. */
#include <stdint.h>
#include <spandsp/telephony.h>
#include <spandsp/g722.h>
#include <spandsp/plc.h>
