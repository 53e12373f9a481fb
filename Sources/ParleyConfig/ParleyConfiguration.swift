import Foundation

/// Parley's whole configuration, loaded from `conf/parley.yaml` (or `--config PATH`).
///
/// The ParleyConfig module owns reading and validating configuration files, including users,
/// trunks, the dialplan and the lookups that route a dialled number or an incoming DID
/// (``route(for:)``, ``inboundRoute(trunk:did:)``), and nothing else: it knows no sockets, SIP or
/// media. Relative paths in a file are resolved against the file's folder.
public struct ParleyConfiguration: Sendable, Equatable {
    public struct SIP: Sendable, Equatable {
        public var listen: String = "127.0.0.1"
        public var port: Int = 5060
        public var userAgent: String = "Parley"
        /// Sofia's own log level (0 = silent .. 9).
        public var stackLogLevel: Int = 0
        /// The digest realm users authenticate in (RFC 3261 §22.1); defaults to `listen`. Users'
        /// `ha1` values are only valid for the realm they were computed with.
        public var realm: String = "127.0.0.1"
        /// The domain of our users' addresses of record (`sip:1001@DOMAIN`); defaults to `listen`.
        public var domain: String = "127.0.0.1"
    }

    /// SDES-SRTP policy for a call leg: `required`, `optional` (SRTP when offered; best-effort
    /// offers) or `off`.
    public enum SRTPPolicy: String, Sendable, Equatable, CaseIterable {
        case required, optional, off
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

        /// `srtp` as a typed policy.
        public var srtpPolicy: SRTPPolicy { SRTPPolicy(rawValue: srtp) ?? .optional }
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
    /// Where the agent definitions (`*.yaml`) live: `agents.directory`, default `agents/` beside the file.
    public var agentsDirectory: URL
    public var logLevel: String = "info"
    /// The `echo` and `playback` extensions (what ``extensionFor(_:)`` finds). Every dialplan
    /// entry, including `user` and `trunk` ones, is in ``dialplanRules``; use ``route(for:)``.
    public var dialplan: [Extension] = []
    /// Every `dialplan` entry in file order.
    public var dialplanRules: [DialplanRule] = []
    /// How calls arriving on trunks find an extension, in file order.
    public var inbound: [InboundRule] = []
    /// Users who register and call: explicit ones in file order, then the demo users they do not replace.
    public var users: [User] = []
    /// Whether `demo_users: true` was set (see ``User/demoPassword(for:)``).
    public var demoUsers: Bool = false
    public var trunks: [Trunk] = []
    public var security = Security()
    /// The control API (`control:`).
    public var control = Control()
    /// The file this came from.
    public var source: String

    public init(dataDirectory: URL, soundsDirectory: URL, source: String) {
        self.dataDirectory = dataDirectory
        self.soundsDirectory = soundsDirectory
        self.agentsDirectory = soundsDirectory.deletingLastPathComponent().appendingPathComponent("conf/agents")
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

    /// The user with this extension, if any.
    public func user(_ number: String) -> User? {
        users.first { $0.number == number }
    }

    public func trunk(named name: String) -> Trunk? {
        trunks.first { $0.name == name }
    }

    /// Whether any user's password is a published demo password; loading refuses this unless
    /// SIP and RTP listen on loopback only.
    public var usesDemoPasswords: Bool {
        users.contains { $0.usesDemoPassword }
    }
}
