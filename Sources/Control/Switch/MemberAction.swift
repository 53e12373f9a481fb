/// `POST /rooms/{room}/members/{member}`: what to do to a member.
public enum MemberAction: Codable, Sendable, Equatable {
    case mute
    case unmute
    case deaf
    case undeaf
    case kick
    /// Gain step from -4 to 4.
    case volume(Int)

    public static let volumeRange = -4...4

    private enum CodingKeys: String, CodingKey { case action, level }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .action) {
        case "mute": self = .mute
        case "unmute": self = .unmute
        case "deaf": self = .deaf
        case "undeaf": self = .undeaf
        case "kick": self = .kick
        case "volume": self = .volume(try container.decode(Int.self, forKey: .level))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .action, in: container,
                                                   debugDescription: "unknown member action \"\(other)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .mute: try container.encode("mute", forKey: .action)
        case .unmute: try container.encode("unmute", forKey: .action)
        case .deaf: try container.encode("deaf", forKey: .action)
        case .undeaf: try container.encode("undeaf", forKey: .action)
        case .kick: try container.encode("kick", forKey: .action)
        case .volume(let level):
            try container.encode("volume", forKey: .action)
            try container.encode(level, forKey: .level)
        }
    }

    public func validated() throws(ControlError) -> MemberAction {
        if case .volume(let level) = self, !Self.volumeRange.contains(level) {
            throw .badRequest("\"level\" must be between -4 and 4")
        }
        return self
    }
}
