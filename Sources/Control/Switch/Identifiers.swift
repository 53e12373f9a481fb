/// A name the API uses in paths and bodies. Each kind of thing has its own type so a call id
/// is never passed where a room id is expected; on the wire they are plain JSON strings.
public protocol ControlIdentifier: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    ExpressibleByStringLiteral, CustomStringConvertible where RawValue == String {
    init(_ rawValue: String)
}

extension ControlIdentifier {
    public init(rawValue: String) { self.init(rawValue) }
    public init(stringLiteral value: String) { self.init(value) }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One call: every leg bridged together, from the first INVITE to the last BYE.
public struct CallID: ControlIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// One SIP dialog of a call (the caller's side, the callee's side, a consultation leg).
public struct LegID: ControlIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A room: a two-party call, a conference, a music-on-hold room.
public struct RoomID: ControlIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A member of a room (a call leg, the AI participant, a player or a recorder).
public struct MemberID: ControlIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}
