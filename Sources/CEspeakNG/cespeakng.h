/* espeak-ng 1.51 (Debian libespeak-ng-dev) for the Speech module: the synthesis API only.
 * espeak-ng is not thread-safe; Speech calls it from one serialized worker thread. */
#include <espeak-ng/speak_lib.h>
