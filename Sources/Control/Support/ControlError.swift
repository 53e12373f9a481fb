/// Everything the control plane refuses or fails with: an HTTP status, a stable machine-readable
/// code and a message for people. It becomes the JSON body
/// `{"error": {"code": "unknown_call", "message": "no call c-9"}}` with that status.
///
/// The telephony adapter throws these from ``SwitchControl`` so each refusal keeps its meaning
/// on the wire: an unknown call is a 404, a call in the wrong state a 409, bad input a 400.
public struct ControlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, snake_case name for the kind of error; clients branch on it.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
        CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }
        public var description: String { rawValue }

        public static let badRequest: Code = "bad_request"
        public static let badJSON: Code = "bad_json"
        public static let unauthorized: Code = "unauthorized"
        public static let unknownRoute: Code = "unknown_route"
        public static let methodNotAllowed: Code = "method_not_allowed"
        public static let unknownCall: Code = "unknown_call"
        public static let unknownLeg: Code = "unknown_leg"
        public static let unknownRoom: Code = "unknown_room"
        public static let unknownMember: Code = "unknown_member"
        public static let unknownConversation: Code = "unknown_conversation"
        public static let unknownAgent: Code = "unknown_agent"
        public static let unknownTarget: Code = "unknown_target"
        public static let wrongState: Code = "wrong_state"
        public static let conversationNotRunning: Code = "conversation_not_running"
        public static let updateRejected: Code = "update_rejected"
        public static let updateFailed: Code = "update_failed"
        public static let payloadTooLarge: Code = "payload_too_large"
        public static let unavailable: Code = "unavailable"
        public static let notImplemented: Code = "not_implemented"
        public static let internalError: Code = "internal_error"
    }

    /// The HTTP status code the error is answered with.
    public var statusCode: Int
    public var code: Code
    public var message: String

    public init(statusCode: Int, code: Code, message: String) {
        self.statusCode = statusCode
        self.code = code
        self.message = message
    }

    public var description: String { "\(statusCode) \(code): \(message)" }

    // MARK: The common cases

    public static func badRequest(_ message: String) -> ControlError {
        ControlError(statusCode: 400, code: .badRequest, message: message)
    }

    public static func badJSON(_ message: String) -> ControlError {
        ControlError(statusCode: 400, code: .badJSON, message: message)
    }

    public static func unknownCall(_ id: CallID) -> ControlError {
        ControlError(statusCode: 404, code: .unknownCall, message: "no call \(id)")
    }

    public static func unknownLeg(_ leg: LegID, call: CallID) -> ControlError {
        ControlError(statusCode: 404, code: .unknownLeg, message: "call \(call) has no leg \(leg)")
    }

    public static func unknownRoom(_ id: RoomID) -> ControlError {
        ControlError(statusCode: 404, code: .unknownRoom, message: "no room \(id)")
    }

    public static func unknownMember(_ member: MemberID, room: RoomID) -> ControlError {
        ControlError(statusCode: 404, code: .unknownMember, message: "room \(room) has no member \(member)")
    }

    public static func unknownConversation(_ id: String) -> ControlError {
        ControlError(statusCode: 404, code: .unknownConversation, message: "no conversation \(id)")
    }

    public static func unknownTarget(_ target: String) -> ControlError {
        ControlError(statusCode: 404, code: .unknownTarget, message: "nothing answers to \"\(target)\"")
    }

    /// The thing exists but cannot do that now (hold a call that is not answered, resume a call
    /// that is not held, signal a finished conversation).
    public static func wrongState(_ message: String) -> ControlError {
        ControlError(statusCode: 409, code: .wrongState, message: message)
    }

    public static func unavailable(_ message: String) -> ControlError {
        ControlError(statusCode: 503, code: .unavailable, message: message)
    }

    public static func notImplemented(_ message: String) -> ControlError {
        ControlError(statusCode: 501, code: .notImplemented, message: message)
    }

    public static func internalError(_ message: String) -> ControlError {
        ControlError(statusCode: 500, code: .internalError, message: message)
    }
}

/// The JSON body every error is sent with.
public struct ControlErrorBody: Codable, Sendable, Equatable {
    public var error: Detail

    public struct Detail: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
    }

    public init(_ error: ControlError) {
        self.error = Detail(code: error.code.rawValue, message: error.message)
    }
}
