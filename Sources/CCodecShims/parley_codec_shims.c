/* Non-variadic wrappers over opus_encoder_ctl / opus_decoder_ctl (see the header). */
#include <opus/opus.h>
#include "parley_codec_shims.h"

int parley_opus_encoder_set_bitrate(OpusEncoder *encoder, int32_t bits_per_second) {
    return opus_encoder_ctl(encoder, OPUS_SET_BITRATE(bits_per_second));
}

int parley_opus_encoder_set_complexity(OpusEncoder *encoder, int32_t complexity) {
    return opus_encoder_ctl(encoder, OPUS_SET_COMPLEXITY(complexity));
}

int parley_opus_encoder_set_inband_fec(OpusEncoder *encoder, int32_t enabled) {
    return opus_encoder_ctl(encoder, OPUS_SET_INBAND_FEC(enabled ? 1 : 0));
}

int parley_opus_encoder_set_packet_loss_percent(OpusEncoder *encoder, int32_t percent) {
    return opus_encoder_ctl(encoder, OPUS_SET_PACKET_LOSS_PERC(percent));
}

int parley_opus_encoder_set_dtx(OpusEncoder *encoder, int32_t enabled) {
    return opus_encoder_ctl(encoder, OPUS_SET_DTX(enabled ? 1 : 0));
}

int parley_opus_encoder_set_signal(OpusEncoder *encoder, int32_t signal) {
    int32_t value = OPUS_AUTO;
    if (signal == 1) value = OPUS_SIGNAL_VOICE;
    else if (signal == 2) value = OPUS_SIGNAL_MUSIC;
    return opus_encoder_ctl(encoder, OPUS_SET_SIGNAL(value));
}

int parley_opus_encoder_set_max_bandwidth(OpusEncoder *encoder, int32_t audio_hz) {
    int32_t value = OPUS_BANDWIDTH_FULLBAND;
    if (audio_hz <= 4000) value = OPUS_BANDWIDTH_NARROWBAND;
    else if (audio_hz <= 6000) value = OPUS_BANDWIDTH_MEDIUMBAND;
    else if (audio_hz <= 8000) value = OPUS_BANDWIDTH_WIDEBAND;
    else if (audio_hz <= 12000) value = OPUS_BANDWIDTH_SUPERWIDEBAND;
    return opus_encoder_ctl(encoder, OPUS_SET_MAX_BANDWIDTH(value));
}

int parley_opus_encoder_get_bitrate(OpusEncoder *encoder, int32_t *value) {
    opus_int32 result = 0;
    int status = opus_encoder_ctl(encoder, OPUS_GET_BITRATE(&result));
    *value = result;
    return status;
}

int parley_opus_encoder_get_lookahead(OpusEncoder *encoder, int32_t *value) {
    opus_int32 result = 0;
    int status = opus_encoder_ctl(encoder, OPUS_GET_LOOKAHEAD(&result));
    *value = result;
    return status;
}

int parley_opus_encoder_get_in_dtx(OpusEncoder *encoder, int32_t *value) {
    opus_int32 result = 0;
    int status = opus_encoder_ctl(encoder, OPUS_GET_IN_DTX(&result));
    *value = result;
    return status;
}

int parley_opus_decoder_get_last_packet_duration(OpusDecoder *decoder, int32_t *value) {
    opus_int32 result = 0;
    int status = opus_decoder_ctl(decoder, OPUS_GET_LAST_PACKET_DURATION(&result));
    *value = result;
    return status;
}

int parley_opus_encoder_reset(OpusEncoder *encoder) {
    return opus_encoder_ctl(encoder, OPUS_RESET_STATE);
}

int parley_opus_decoder_reset(OpusDecoder *decoder) {
    return opus_decoder_ctl(decoder, OPUS_RESET_STATE);
}
