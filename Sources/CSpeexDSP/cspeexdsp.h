/* speexdsp (Debian libspeexdsp-dev) for the Codecs module: the resampler only. */
#include <speex/speex_resampler.h>
