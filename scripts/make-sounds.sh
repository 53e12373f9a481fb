#!/usr/bin/env bash
# Regenerates Parley's prompts, hold music and test tones under sounds/ (or the directory given
# as the first argument) with sox and espeak-ng only. Deterministic: running it twice writes
# byte-identical files (sox -R seeds its generators, -D disables dither, espeak-ng is stable).
#
#   scripts/make-sounds.sh            # writes <repo>/sounds
#   scripts/make-sounds.sh /tmp/out   # writes elsewhere (used to check determinism)
#
# Every output is a canonical WAV: 16-bit signed PCM, mono, 8000 or 16000 Hz.
# Needs the Debian packages sox and espeak-ng.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-"$here/../sounds"}
mkdir -p "$out/music" "$out/en" "$out/tones"
out=$(cd "$out" && pwd)

for tool in sox soxi espeak-ng; do
	command -v "$tool" >/dev/null || { echo "make-sounds: $tool is not installed" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/parley-sounds.XXXXXX")
trap 'rm -rf "$work"' EXIT

# sox with repeatable random numbers, no dither, and quiet.
SOX=(sox -R -D -V1)
MASTER_RATE=16000
FLOAT=(-r "$MASTER_RATE" -c 1 -e floating-point -b 32)

# Writes 16-bit mono WAVs at 8 and 16 kHz from one float master: final <in> <out-prefix>
final() {
	local in=$1 prefix=$2 rate
	for rate in 8000 16000; do
		"${SOX[@]}" "$in" -r "$rate" -c 1 -e signed-integer -b 16 "${prefix}-$((rate / 1000))k.wav" rate -v
	done
}

# --- hold music ---------------------------------------------------------------------------------
# Four bars of I-vi-IV-V in C major, 5 s each (20 s): a plucked arpeggio over a soft sine pad,
# a little reverb, faded at both ends so the loop point is silent (no click when it repeats).
# Notes are semitones from A4 (sox's %N notation): %-9 is C4, %3 is C5.
make_hold_music() {
	local note_len=0.3125  # 16 notes per 5 s bar
	local -a bars=(
		"-9 -2 3 7 10 7 3 -2"    # C:  C4 G4 C5 E5 G5 E5 C5 G4
		"-12 -5 0 3 7 3 0 -5"    # Am: A3 E4 A4 C5 E5 C5 A4 E4
		"-16 -9 -4 0 3 0 -4 -9"  # F:  F3 C4 F4 A4 C5 A4 F4 C4
		"-14 -7 -2 2 5 2 -2 -7"  # G:  G3 D4 G4 B4 D5 B4 G4 D4
	)
	local -a pads=(
		"-21 -17 -14"  # C3 E3 G3
		"-24 -21 -17"  # A2 C3 E3
		"-28 -24 -21"  # F2 A2 C3
		"-26 -22 -19"  # G2 B2 D3
	)
	local -a notes=() pad_files=()
	local bar n i=0 a b c
	for bar in 0 1 2 3; do
		for n in ${bars[$bar]} ${bars[$bar]}; do
			i=$((i + 1))
			local f; f=$(printf '%s/note%03d.wav' "$work" "$i")
			"${SOX[@]}" -n "${FLOAT[@]}" "$f" synth "$note_len" pluck "%$n" fade t 0.005 "$note_len" 0.04
			notes+=("$f")
		done
		read -r a b c <<<"${pads[$bar]}"
		local p="$work/pad$bar.wav"
		"${SOX[@]}" -n "${FLOAT[@]}" "$p" synth 5 sine "%$a" synth 5 sine mix "%$b" synth 5 sine mix "%$c" \
			gain -n -12 fade h 0.6 5 0.6
		pad_files+=("$p")
	done
	"${SOX[@]}" "${notes[@]}" "$work/arp.wav"
	"${SOX[@]}" "${pad_files[@]}" "$work/pad.wav"
	"${SOX[@]}" -m -v 1.0 "$work/arp.wav" -v 0.6 "$work/pad.wav" "$work/hold.wav" \
		lowpass 2500 reverb 35 50 60 trim 0 20 fade t 0.3 20 1.2 norm -6
	final "$work/hold.wav" "$out/music/hold"
}

# --- spoken prompts -----------------------------------------------------------------------------
# espeak-ng (American English voice, unhurried), 0.2 s of lead-in silence, 0.4 s tail,
# normalised to a -3 dBFS peak.
speak() {
	local text=$1 prefix=$2
	espeak-ng -v en-us -s 150 -p 45 -w "$work/tts.wav" "$text"
	"${SOX[@]}" "$work/tts.wav" "${FLOAT[@]}" "$work/tts16.wav" rate -v "$MASTER_RATE" pad 0.2 0.4 norm -3
	final "$work/tts16.wav" "$prefix"
}

# --- test tone ----------------------------------------------------------------------------------
# 5 s of 440 Hz at -6 dBFS. 5 s holds exactly 2200 cycles, so it starts and ends at zero.
make_tone() {
	"${SOX[@]}" -n -r 8000 -c 1 -e signed-integer -b 16 "$out/tones/440-8k.wav" synth 5 sine 440 gain -6
}

make_hold_music
speak "Welcome to Parley." "$out/en/welcome"
speak "Goodbye." "$out/en/goodbye"
speak "You are in the echo test. Speak, and you will hear yourself." "$out/en/echo"
speak "Please enter the conference PIN, then press the pound key." "$out/en/conf-pin"
speak "That PIN is not valid." "$out/en/conf-bad-pin"
speak "You are muted." "$out/en/conf-muted"
speak "You are unmuted." "$out/en/conf-unmuted"
make_tone

# --- README -------------------------------------------------------------------------------------
describe() {  # describe <relative path> <content>
	local f=$out/$1
	printf '| `%s` | %s | %s Hz | %.2f s | %s |\n' "$1" "$2" "$(soxi -r "$f")" "$(soxi -D "$f")" "$(wc -c <"$f" | tr -d ' ')"
}
{
	cat <<'EOF'
# sounds/

Prompts, hold music and test tones that Parley plays. **Generated** by `scripts/make-sounds.sh`
(sox + espeak-ng, deterministic: rerunning it rewrites identical bytes); do not edit by hand.
Every file is a canonical WAV: 16-bit signed PCM, mono, 44-byte header.

| file | content | rate | length | bytes |
|---|---|---|---|---|
EOF
	for r in 8k 16k; do describe "music/hold-$r.wav" "hold music: soft plucked arpeggio over a sine pad, I-vi-IV-V in C, 5 s per chord, reverb, faded ends so it loops without a click, -6 dBFS peak"; done
	for r in 8k 16k; do describe "en/welcome-$r.wav" "\"Welcome to Parley.\" (espeak-ng en-us)"; done
	for r in 8k 16k; do describe "en/goodbye-$r.wav" "\"Goodbye.\" (espeak-ng en-us)"; done
	for r in 8k 16k; do describe "en/echo-$r.wav" "\"You are in the echo test. Speak, and you will hear yourself.\" (espeak-ng en-us)"; done
	for r in 8k 16k; do describe "en/conf-pin-$r.wav" "\"Please enter the conference PIN, then press the pound key.\" (espeak-ng en-us)"; done
	for r in 8k 16k; do describe "en/conf-bad-pin-$r.wav" "\"That PIN is not valid.\" (espeak-ng en-us)"; done
	for r in 8k 16k; do describe "en/conf-muted-$r.wav" "\"You are muted.\" (espeak-ng en-us)"; done
	for r in 8k 16k; do describe "en/conf-unmuted-$r.wav" "\"You are unmuted.\" (espeak-ng en-us)"; done
	describe "tones/440-8k.wav" "440 Hz sine, -6 dBFS, exactly 2200 cycles"
	cat <<'EOF'

## How they are made
* **hold music:** each arpeggio note is `sox -n synth 0.3125 pluck %N` (N = semitones from A4) with a
  5 ms fade-in and 40 ms fade-out; each 5 s pad is three sine partials of the chord an octave down
  (`synth sine ... synth sine mix ...`, -12 dB, 0.6 s half-sine fades). The notes and pads are
  concatenated, mixed (`sox -m`), softened with `lowpass 2500`, given `reverb 35 50 60`, trimmed
  to 20 s, faded in 0.3 s and out 1.2 s, and peak-normalised to -6 dBFS. Rendered at 16 kHz in
  float, then written at 8 and 16 kHz.
* **prompts:** `espeak-ng -v en-us -s 150 -p 45 -w`, resampled with `rate -v`, padded 0.2 s before
  and 0.4 s after, peak-normalised to -3 dBFS.
* **tone:** `sox -n -r 8000 -b 16 synth 5 sine 440 gain -6`.
* sox runs with `-R` (repeatable random numbers) and `-D` (no dither), so output is reproducible.
EOF
} >"$out/README.md"

echo "make-sounds: wrote $(find "$out" -name '*.wav' | wc -l) files ($(du -sh "$out" | cut -f1)) to $out"
