/* Non-variadic wrappers for the libopus control calls the Codecs module needs.
 *
 * opus_encoder_ctl / opus_decoder_ctl are C-variadic, which Swift cannot call. This header
 * declares the Opus states as incomplete structs (they are opaque in libopus too) so it does not
 * include <opus.h>: importing it gives Swift nothing variadic. Every function returns the libopus
 * status code (OPUS_OK == 0, negative on error). */
#ifndef PARLEY_CODEC_SHIMS_H
#define PARLEY_CODEC_SHIMS_H

#include <stdint.h>

struct OpusEncoder;
struct OpusDecoder;

/* Encoder settings (OPUS_SET_*). */
int parley_opus_encoder_set_bitrate(struct OpusEncoder *encoder, int32_t bits_per_second);
int parley_opus_encoder_set_complexity(struct OpusEncoder *encoder, int32_t complexity);
int parley_opus_encoder_set_inband_fec(struct OpusEncoder *encoder, int32_t enabled);
int parley_opus_encoder_set_packet_loss_percent(struct OpusEncoder *encoder, int32_t percent);
int parley_opus_encoder_set_dtx(struct OpusEncoder *encoder, int32_t enabled);
/* signal: 0 auto, 1 voice, 2 music. */
int parley_opus_encoder_set_signal(struct OpusEncoder *encoder, int32_t signal);
/* bandwidth in Hz of audio kept: 4000 narrow, 6000 medium, 8000 wide, 12000 super-wide,
 * 20000 full band (the OPUS_BANDWIDTH_* constants are chosen here, not in Swift). */
int parley_opus_encoder_set_max_bandwidth(struct OpusEncoder *encoder, int32_t audio_hz);

/* Encoder queries (OPUS_GET_*); the value is written to *value. */
int parley_opus_encoder_get_bitrate(struct OpusEncoder *encoder, int32_t *value);
int parley_opus_encoder_get_lookahead(struct OpusEncoder *encoder, int32_t *value);
int parley_opus_encoder_get_in_dtx(struct OpusEncoder *encoder, int32_t *value);

/* Decoder controls. */
int parley_opus_decoder_get_last_packet_duration(struct OpusDecoder *decoder, int32_t *value);
int parley_opus_encoder_reset(struct OpusEncoder *encoder);
int parley_opus_decoder_reset(struct OpusDecoder *decoder);

#endif
