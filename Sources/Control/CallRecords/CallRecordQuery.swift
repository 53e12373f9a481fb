import Foundation

/// Which call records to return (`GET /cdrs`, `parley control cdr export`). Every set field
/// narrows the result; records come newest first.
public struct CallRecordQuery: Sendable, Equatable {
    /// Started at or after.
    public var since: Date?
    /// Started before.
    public var until: Date?
    /// Substring of the caller.
    public var from: String?
    /// Substring of the callee.
    public var to: String?
    public var trunk: String?
    public var disposition: CallDisposition?
    public var direction: CallDirection?
    public var conversationID: String?
    public var callID: CallID?
    public var limit: Int
    public var offset: Int

    public static let maximumLimit = 100_000

    public init(since: Date? = nil, until: Date? = nil, from: String? = nil, to: String? = nil, trunk: String? = nil,
                disposition: CallDisposition? = nil, direction: CallDirection? = nil, conversationID: String? = nil,
                callID: CallID? = nil, limit: Int = 1_000, offset: Int = 0) {
        self.since = since
        self.until = until
        self.from = from
        self.to = to
        self.trunk = trunk
        self.disposition = disposition
        self.direction = direction
        self.conversationID = conversationID
        self.callID = callID
        self.limit = min(max(limit, 0), Self.maximumLimit)
        self.offset = max(offset, 0)
    }
}
