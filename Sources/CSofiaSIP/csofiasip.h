/* Sofia-SIP's headers for the C façade (CSofiaShims) only. Swift never imports this module:
 * Sofia's su_configure.h defines _GNU_SOURCE, which breaks Swift's Glibc module (fd_set). */
#include <sofia-sip/nua.h>
