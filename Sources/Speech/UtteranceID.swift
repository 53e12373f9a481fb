/// Names one thing the agent says (a sentence or a whole reply), chosen by the host.
public struct UtteranceID: Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var rawValue: UInt64

    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public init(integerLiteral value: UInt64) {
        rawValue = value
    }

    public var description: String { "utterance-\(rawValue)" }
}
