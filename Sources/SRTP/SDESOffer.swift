import SDP

/// What we offered for one stream, kept until the answer arrives: the a=crypto lines, each with
/// the key we will send with if the answer picks its tag.
public struct SDESOffer: Sendable, Equatable {
    public var policy: SRTPPolicy
    /// RTP/SAVP for `required`, RTP/AVP otherwise.
    public var profile: String
    /// Our lines, tags 1, 2, ... in preference order; empty when the policy is `off`.
    public var cryptos: [SDESCrypto]

    public init(policy: SRTPPolicy, profile: String, cryptos: [SDESCrypto]) {
        self.policy = policy
        self.profile = profile
        self.cryptos = cryptos
    }

    /// Writes the offer into our media section: the profile (keeping an AVPF/SAVPF feedback
    /// variant) and our a=crypto lines, replacing any there were.
    public func apply(to media: inout MediaDescription) {
        media.proto = RTPProfileKind.proto(media.proto, secure: RTPProfileKind(profile) == .secure)
        media.crypto = cryptos.map(\.crypto)
    }

    /// Checks the peer's answer (its m= line profile and a=crypto values) and returns the
    /// session keys, or nil for plain RTP. RFC 4568 §7.1.2: an accepting answer carries exactly
    /// one line, with the tag and suite of one of ours and the answerer's own key.
    public func accept(profile answered: String, cryptoValues: [String]) throws(SRTPNegotiationError) -> SRTPSessionKeys? {
        let kind = RTPProfileKind(answered)
        guard kind != .other else {
            throw SRTPNegotiationError(kind: .unsupportedProfile, detail: "answer uses transport '\(answered.prefix(40))'")
        }
        // Without lines of ours to match, any a=crypto in the answer is ignored.
        guard !cryptos.isEmpty else { return nil }
        guard let value = cryptoValues.first else {
            if policy == .required || kind == .secure {
                throw SRTPNegotiationError(kind: .srtpRequired, detail: "answer \(answered) has no a=crypto but SRTP was \(policy == .required ? "required" : "agreed")")
            }
            return nil
        }
        guard cryptoValues.count == 1 else {
            throw SRTPNegotiationError(kind: .invalidAnswer, detail: "answer has \(cryptoValues.count) a=crypto lines, expected one")
        }
        let theirs: SDESCrypto
        do throws(SDESError) {
            theirs = try SDESCrypto(attributeValue: value)
        } catch {
            throw SRTPNegotiationError(kind: .invalidAnswer, detail: "answer's a=crypto is unusable", rejected: [error])
        }
        guard let ours = cryptos.first(where: { $0.tag == theirs.tag }) else {
            throw SRTPNegotiationError(kind: .invalidAnswer, detail: "answer's tag \(theirs.tag) is not one we offered")
        }
        guard ours.suite == theirs.suite else {
            throw SRTPNegotiationError(kind: .invalidAnswer, detail: "answer pairs tag \(theirs.tag) with \(theirs.suite), we offered \(ours.suite)")
        }
        return SRTPSessionKeys(local: ours.key, remote: theirs.key)
    }

    /// Checks the peer's answering media section.
    public func accept(_ answer: MediaDescription) throws(SRTPNegotiationError) -> SRTPSessionKeys? {
        try accept(profile: answer.proto, cryptoValues: SDESNegotiator.cryptoValues(of: answer))
    }
}
