import SDP

/// SDES offer/answer for one audio stream (RFC 4568 §7): chooses a suite from a peer's offer
/// and writes our answer line, or writes our offer and checks the peer's answer.
///
/// Pure: it reads SDP values and a policy, draws fresh keys from the generator it is given and
/// returns values; the caller owns the SDP and the contexts. See ``SRTPPolicy`` for the table
/// of outcomes. Use it for RTP media sections only: any other transport is
/// `.unsupportedProfile`.
public struct SDESNegotiator: Sendable {
    public var policy: SRTPPolicy
    /// Suites we accept in an offer; the strongest one offered wins. Suites the installed
    /// libsrtp2 cannot run are ignored.
    public var acceptedSuites: [SRTPSuite]
    /// Suites we put in our offers, in preference order (tags 1, 2, ...).
    public var offeredSuites: [SRTPSuite]

    public static let defaultOfferedSuites: [SRTPSuite] = [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32]

    public init(
        policy: SRTPPolicy,
        acceptedSuites: [SRTPSuite] = SRTPSuite.allCases,
        offeredSuites: [SRTPSuite] = SDESNegotiator.defaultOfferedSuites
    ) {
        self.policy = policy
        self.acceptedSuites = acceptedSuites
        self.offeredSuites = offeredSuites
    }

    // MARK: - Answering an offer

    /// Answers an offered m= line whose profile is `profile` and whose a=crypto values are
    /// `cryptoValues` (the text after `a=crypto:`, malformed ones included so they can be
    /// reported). Throws an error that maps to 488.
    public func answer(
        profile: String,
        cryptoValues: [String],
        using generator: inout some RandomNumberGenerator
    ) throws(SRTPNegotiationError) -> SDESAnswer {
        let kind = RTPProfileKind(profile)
        switch (kind, policy) {
        case (.other, _):
            throw SRTPNegotiationError(kind: .unsupportedProfile, detail: "SDES cannot key transport '\(profile.prefix(40))'")
        case (.secure, .off):
            throw SRTPNegotiationError(kind: .srtpDisabled, detail: "\(profile) offered but SRTP is off")
        case (.plain, .off):
            return SDESAnswer(profile: profile, crypto: nil, keys: nil, rejected: [])
        case (.plain, .required) where cryptoValues.isEmpty:
            throw SRTPNegotiationError(kind: .srtpRequired, detail: "\(profile) offered without a=crypto but SRTP is required")
        default:
            break
        }

        var rejected: [SDESError] = []
        var best: SDESCrypto?
        for value in cryptoValues {
            do throws(SDESError) {
                let candidate = try SDESCrypto(attributeValue: value)
                guard isAccepted(candidate.suite) else {
                    throw SDESError(.unsupportedSuite, tag: candidate.tag, "\(candidate.suite) is not accepted here")
                }
                // Strictly stronger only: among equals the offerer's first choice stays.
                if best.map({ candidate.suite > $0.suite }) ?? true { best = candidate }
            } catch {
                rejected.append(error)
            }
        }

        guard let chosen = best else {
            if kind == .plain, policy == .optional {
                return SDESAnswer(profile: profile, crypto: nil, keys: nil, rejected: rejected)
            }
            throw SRTPNegotiationError(kind: .noAcceptableCrypto, detail: "none of \(cryptoValues.count) a=crypto lines is usable", rejected: rejected)
        }
        let ours = SRTPMasterKey.random(for: chosen.suite, using: &generator)
        return SDESAnswer(
            profile: profile,
            crypto: SDESCrypto(tag: chosen.tag, key: ours),
            keys: SRTPSessionKeys(local: ours, remote: chosen.key),
            rejected: rejected
        )
    }

    /// ``answer(profile:cryptoValues:using:)`` with keys from the system CSPRNG.
    public func answer(profile: String, cryptoValues: [String]) throws(SRTPNegotiationError) -> SDESAnswer {
        var generator = SystemRandomNumberGenerator()
        return try answer(profile: profile, cryptoValues: cryptoValues, using: &generator)
    }

    /// Answers the SDP module's crypto attributes.
    public func answer(profile: String, offered: [Crypto]) throws(SRTPNegotiationError) -> SDESAnswer {
        try answer(profile: profile, cryptoValues: offered.map(\.attributeValue))
    }

    /// Answers an offered media section, reading every `a=crypto` (malformed ones too).
    public func answer(to offer: MediaDescription) throws(SRTPNegotiationError) -> SDESAnswer {
        try answer(profile: offer.proto, cryptoValues: Self.cryptoValues(of: offer))
    }

    // MARK: - Making an offer

    /// Our offer for the policy: profile and a=crypto lines with fresh keys (tags from 1).
    public func offer(using generator: inout some RandomNumberGenerator) -> SDESOffer {
        guard policy != .off else {
            return SDESOffer(policy: policy, profile: "RTP/AVP", cryptos: [])
        }
        let suites = offeredSuites.filter(\.isSupported)
        let cryptos = suites.enumerated().map { index, suite in
            SDESCrypto(tag: index + 1, key: SRTPMasterKey.random(for: suite, using: &generator))
        }
        let secure = policy == .required
        return SDESOffer(policy: policy, profile: secure ? "RTP/SAVP" : "RTP/AVP", cryptos: cryptos)
    }

    /// ``offer(using:)`` with keys from the system CSPRNG.
    public func offer() -> SDESOffer {
        var generator = SystemRandomNumberGenerator()
        return offer(using: &generator)
    }

    // MARK: - Internals

    private func isAccepted(_ suite: SRTPSuite) -> Bool {
        acceptedSuites.contains(suite) && suite.isSupported
    }

    static func cryptoValues(of media: MediaDescription) -> [String] {
        media.attributes.compactMap { $0.name == "crypto" ? ($0.value ?? "") : nil }
    }
}

/// What we answer to an offered stream: its profile kept, plus our one a=crypto line and the
/// session keys when SRTP was chosen; plain RTP otherwise.
public struct SDESAnswer: Sendable, Equatable {
    /// The m= line profile of the answer: always the offer's (RFC 3264 §6).
    public var profile: String
    /// Our a=crypto line: the chosen offer line's tag and suite, with our fresh key.
    public var crypto: SDESCrypto?
    /// The keys for this stream's contexts; nil means plain RTP.
    public var keys: SRTPSessionKeys?
    /// Offered lines that were skipped and why (logged; not sent).
    public var rejected: [SDESError]

    public init(profile: String, crypto: SDESCrypto?, keys: SRTPSessionKeys?, rejected: [SDESError]) {
        self.profile = profile
        self.crypto = crypto
        self.keys = keys
        self.rejected = rejected
    }

    /// Whether the stream will be SRTP.
    public var isSecure: Bool { keys != nil }

    /// Writes the answer into our media section: the profile, and exactly our a=crypto line
    /// (every other a=crypto removed).
    public func apply(to media: inout MediaDescription) {
        media.proto = profile
        media.crypto = crypto.map { [$0.crypto] } ?? []
    }
}
