/* WebRTC's voice activity detector from libwebrtc-audio-processing (Debian 0.3).
 *
 * The library exports the WebRtcVad_* C functions but Debian installs no header for them, so
 * the five this project calls are declared here. Signatures are those of the library's
 * common_audio/vad/include/webrtc_vad.h at the version Debian ships (checked against the
 * exported symbols' code: Create takes no argument and returns the instance).
 *
 * Rates: 8000, 16000, 32000 or 48000 Hz; frames of 10, 20 or 30 ms. */
#ifndef PARLEY_CWEBRTCVAD_H
#define PARLEY_CWEBRTCVAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct WebRtcVadInst VadInst;

/* Allocates an instance; NULL when out of memory. Call WebRtcVad_Init before use. */
VadInst *WebRtcVad_Create(void);
/* Frees an instance from WebRtcVad_Create. */
void WebRtcVad_Free(VadInst *handle);
/* Initializes (or resets) an instance; 0 on success, -1 on error. */
int WebRtcVad_Init(VadInst *handle);
/* Sets the aggressiveness, 0 (least) to 3 (most); 0 on success, -1 on error. */
int WebRtcVad_set_mode(VadInst *handle, int mode);
/* Classifies one frame: 1 speech, 0 non-speech, -1 error (bad rate or frame length). */
int WebRtcVad_Process(VadInst *handle, int fs, const int16_t *audio_frame, size_t frame_length);
/* 0 when the rate and frame length are a valid pair, -1 otherwise. */
int WebRtcVad_ValidRateAndFrameLength(int rate, size_t frame_length);

#ifdef __cplusplus
}
#endif

#endif
