# Parley: `make run` starts the switch on conf/, `make test` runs every test.
# Both first install any missing Debian package (apt-get; sudo when not root), then build.

SWIFT ?= swift
CONFIG ?= conf/parley.yaml

# Build: Sofia-SIP (SIP stack), SQLite (storage), pkg-config, Opus, speexdsp (resampler), spandsp (G.722), libsrtp2,
# espeak-ng (TTS), pocketsphinx + its en-us model (STT), webrtc-audio-processing (VAD).
BUILD_DEBS := libsofia-sip-ua-dev libsqlite3-dev pkg-config libopus-dev libspeexdsp-dev libspandsp-dev libsrtp2-dev \
	libespeak-ng-dev libpocketsphinx-dev pocketsphinx-en-us libwebrtc-audio-processing-dev
# Tests and sounds: SIPp, baresip, Kamailio (real SIP peers), sox and espeak-ng (audio files), chromium (web page test).
TEST_DEBS := sip-tester baresip kamailio sox espeak-ng chromium
DEBS := $(BUILD_DEBS) $(TEST_DEBS)

.PHONY: all deps build build-release run test bench sounds check-config clean

all: build

deps:
	@missing=""; \
	for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	  case "$$missing" in *kamailio*) \
	    if command -v systemctl >/dev/null 2>&1; then $$SUDO systemctl disable --now kamailio >/dev/null 2>&1 || true; fi;; \
	  esac; \
	fi

build: deps
	$(SWIFT) build

build-release: deps
	$(SWIFT) build -c release --product parley

run: build-release
	.build/release/parley --config $(CONFIG)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing

check-config: build
	.build/debug/parley check-config --config $(CONFIG)

# Regenerates sounds/ (committed) from scripts/make-sounds.sh.
sounds: deps
	scripts/make-sounds.sh

bench: build-release
	scripts/bench-sipp.sh

clean:
	rm -rf .build
