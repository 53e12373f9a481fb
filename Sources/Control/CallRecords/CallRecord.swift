import Foundation

/// One finished call (a call detail record): who, when, how it ended, how it sounded. The
/// switch writes one per call to ``CallRecordStore`` when the call ends.
public struct CallRecord: Codable, Sendable, Equatable {
    /// The store's row id; nil before insertion.
    public var id: Int64?
    public var callID: CallID
    public var from: String
    public var to: String
    public var direction: CallDirection
    public var trunk: String?
    public var startedAt: Date
    public var answeredAt: Date?
    public var endedAt: Date
    public var disposition: CallDisposition
    /// The SIP status or reason that ended the call ("486 Busy Here", "BYE from caller").
    public var hangupCause: String?
    /// Codecs used on the call's legs, in leg order ("PCMU", "opus").
    public var codecs: [String]
    public var quality: CallQuality?
    public var conversationID: String?
    public var recordingPath: String?

    public init(id: Int64? = nil, callID: CallID, from: String, to: String, direction: CallDirection,
                trunk: String? = nil, startedAt: Date, answeredAt: Date? = nil, endedAt: Date,
                disposition: CallDisposition, hangupCause: String? = nil, codecs: [String] = [],
                quality: CallQuality? = nil, conversationID: String? = nil, recordingPath: String? = nil) {
        self.id = id
        self.callID = callID
        self.from = from
        self.to = to
        self.direction = direction
        self.trunk = trunk
        self.startedAt = startedAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.disposition = disposition
        self.hangupCause = hangupCause
        self.codecs = codecs
        self.quality = quality
        self.conversationID = conversationID
        self.recordingPath = recordingPath
    }

    /// Talk time: from answer to end (0 for unanswered calls), in seconds.
    public var billableSeconds: Double {
        guard let answeredAt else { return 0 }
        return max(0, endedAt.timeIntervalSince(answeredAt))
    }

    /// From the first INVITE to the end, in seconds.
    public var totalSeconds: Double {
        max(0, endedAt.timeIntervalSince(startedAt))
    }
}

/// How a call ended, in the usual CDR vocabulary.
public enum CallDisposition: String, Codable, Sendable, Equatable, CaseIterable {
    case answered
    /// Rang out or timed out.
    case noAnswer = "no_answer"
    case busy
    /// Refused by the callee (403, 603) or our own policy.
    case rejected
    /// The caller gave up while it rang (CANCEL).
    case cancelled
    /// Routing, network or media failure.
    case failed
}

/// The call's media quality, summarised over its legs.
public struct CallQuality: Codable, Sendable, Equatable {
    /// Packets lost as a percentage of those expected (0-100).
    public var lossPercent: Double
    /// Mean interarrival jitter in milliseconds.
    public var jitterMilliseconds: Double
    public var roundTripMilliseconds: Double?
    /// Estimated mean opinion score, 1 to 4.5 (see ``QualityEstimate``).
    public var mos: Double

    public init(lossPercent: Double, jitterMilliseconds: Double, roundTripMilliseconds: Double? = nil, mos: Double) {
        self.lossPercent = lossPercent
        self.jitterMilliseconds = jitterMilliseconds
        self.roundTripMilliseconds = roundTripMilliseconds
        self.mos = mos
    }

    /// Summarises measured numbers, estimating the MOS for `codec`.
    public static func measured(lossPercent: Double, jitterMilliseconds: Double, roundTripMilliseconds: Double?,
                                codec: String?) -> CallQuality {
        let mos = QualityEstimate.mos(lossPercent: lossPercent, jitterMilliseconds: jitterMilliseconds,
                                      roundTripMilliseconds: roundTripMilliseconds, codec: codec)
        return CallQuality(lossPercent: lossPercent, jitterMilliseconds: jitterMilliseconds,
                           roundTripMilliseconds: roundTripMilliseconds, mos: mos)
    }
}
