import Foundation

/// Parley's whole configuration, loaded from `conf/parley.yaml` (or `--config PATH`).
///
/// The ParleyConfig module owns reading and validating configuration files and nothing else: it
/// knows no sockets, SIP or media. Relative paths in a file are resolved against the file's folder.
public struct ParleyConfiguration: Sendable, Equatable {
    public struct SIP: Sendable, Equatable {
        public var listen: String = "127.0.0.1"
        public var port: Int = 5060
        public var userAgent: String = "Parley"
        /// Sofia's own log level (0 = silent .. 9).
        public var stackLogLevel: Int = 0
    }

    public struct RTP: Sendable, Equatable {
        public var address: String = "127.0.0.1"
        public var portMin: Int = 16384
        public var portMax: Int = 32767
        /// Codec preference, first is preferred when we offer.
        public var codecs: [String] = ["opus", "G722", "PCMU", "PCMA"]
        public var ptime: Int = 20
        /// Frames the simple jitter buffer holds before playout.
        public var jitterBufferFrames: Int = 3
        /// Media event-loop threads; 0 = one per core.
        public var threads: Int = 0
        /// SCHED_RR priority for media threads (needs root or CAP_SYS_NICE).
        public var realtime: Bool = false
        /// SDES-SRTP policy: "required", "optional" (answer SRTP when offered, offer best-effort) or "off".
        public var srtp: String = "optional"
        /// Seconds without RTP while both sides should send before hanging up; 0 = never.
        public var mediaTimeoutSeconds: Int = 60
    }

    public enum Action: Sendable, Equatable {
        /// Echo the caller's audio back (FreeSWITCH's 9196).
        case echo
        /// Play a sound from `sounds/` (base name, e.g. "music/hold"); optionally loop and hang up at its end.
        case playback(sound: String, loop: Bool, hangupAtEnd: Bool)
    }

    public struct Extension: Sendable, Equatable {
        public var number: String
        public var action: Action
        /// Milliseconds of 183 early media (playing) before the 200; 0 answers at once.
        public var earlyMediaMilliseconds: Int
        /// Where in the file it was defined, for later messages.
        public var line: Int?
    }

    public var sip = SIP()
    public var rtp = RTP()
    public var dataDirectory: URL
    public var soundsDirectory: URL
    public var logLevel: String = "info"
    public var dialplan: [Extension] = []
    /// The file this came from.
    public var source: String

    public init(dataDirectory: URL, soundsDirectory: URL, source: String) {
        self.dataDirectory = dataDirectory
        self.soundsDirectory = soundsDirectory
        self.source = source
    }

    /// The sound file for a base name at a sample rate: `<sounds>/<name>-8k.wav` for 8 kHz,
    /// `-16k.wav` for 16 kHz and above (wider rates are resampled from it).
    public func soundFile(_ name: String, sampleRate: Int) -> URL {
        soundsDirectory.appendingPathComponent("\(name)-\(sampleRate >= 16000 ? 16 : 8)k.wav")
    }

    public func extensionFor(_ number: String) -> Extension? {
        dialplan.first { $0.number == number }
    }
}
