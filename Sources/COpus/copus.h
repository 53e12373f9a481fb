/* libopus (Debian libopus-dev) for the Codecs module. Swift cannot call the variadic
 * opus_encoder_ctl / opus_decoder_ctl (it does not import them); CCodecShims wraps the few
 * settings Parley needs. */
#include <opus/opus.h>
