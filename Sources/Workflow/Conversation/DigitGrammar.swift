/// A dial-pattern grammar for collected digits, in the style PBX users know from dialplans:
/// `X` any digit 0-9, `Z` 1-9, `N` 2-9, `[1-5#]` one key from a set (ranges allowed), a literal
/// key (0-9, *, #, A-D), and at the end `.` (one or more further keys) or `!` (zero or more).
/// "XXXX" takes exactly four digits; "1NXX." takes four or more. Matching is a pure function of
/// the keys so far, so the collection step stays deterministic.
public struct DigitGrammar: Sendable, Equatable {
    /// How far a key sequence gets through the grammar.
    public enum Match: Sendable, Equatable {
        /// Cannot match whatever comes next.
        case noMatch
        /// A valid start; more keys are needed.
        case partial
        /// A full match that cannot grow: the collection is done.
        case complete
        /// A full match that could still grow: done on the terminator or the timeout.
        case open
    }

    enum Tail: Sendable, Equatable {
        case none
        case oneOrMore
        case zeroOrMore
    }

    /// Why a pattern is not a grammar.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let pattern: String
        public let reason: String
        public var description: String { "digit pattern '\(pattern)': \(reason)" }
    }

    public static let keys: Set<Character> = Set("0123456789*#ABCD")

    let positions: [Set<Character>]
    let tail: Tail
    public let pattern: String

    public init(_ pattern: String) throws(ParseError) {
        self.pattern = pattern
        var positions: [Set<Character>] = []
        var tail = Tail.none
        let characters = Array(pattern.uppercased())
        guard !characters.isEmpty, characters.count <= 64 else {
            throw ParseError(pattern: pattern, reason: "must be 1 to 64 characters")
        }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            index += 1
            guard tail == .none else {
                throw ParseError(pattern: pattern, reason: "'.' and '!' may only end the pattern")
            }
            switch character {
            case "X": positions.append(Set("0123456789"))
            case "Z": positions.append(Set("123456789"))
            case "N": positions.append(Set("23456789"))
            case ".": tail = .oneOrMore
            case "!": tail = .zeroOrMore
            case "[":
                guard let close = characters[index...].firstIndex(of: "]") else {
                    throw ParseError(pattern: pattern, reason: "'[' without ']'")
                }
                positions.append(try Self.set(Array(characters[index..<close]), pattern))
                index = close + 1
            default:
                guard Self.keys.contains(character) else {
                    throw ParseError(pattern: pattern, reason: "'\(character)' is not a key or pattern letter")
                }
                positions.append([character])
            }
        }
        guard !positions.isEmpty || tail != .none else {
            throw ParseError(pattern: pattern, reason: "matches nothing")
        }
        self.positions = positions
        self.tail = tail
    }

    private static func set(_ body: [Character], _ pattern: String) throws(ParseError) -> Set<Character> {
        var result: Set<Character> = []
        var index = 0
        while index < body.count {
            let low = body[index]
            if index + 2 < body.count, body[index + 1] == "-" {
                let high = body[index + 2]
                guard let lowDigit = low.wholeNumberValue, let highDigit = high.wholeNumberValue, lowDigit <= highDigit else {
                    throw ParseError(pattern: pattern, reason: "bad range \(low)-\(high)")
                }
                for digit in lowDigit...highDigit { result.insert(Character(String(digit))) }
                index += 3
            } else {
                guard keys.contains(low) else {
                    throw ParseError(pattern: pattern, reason: "'\(low)' is not a key")
                }
                result.insert(low)
                index += 1
            }
        }
        guard !result.isEmpty else { throw ParseError(pattern: pattern, reason: "empty set []") }
        return result
    }

    /// How `keys` fares against the grammar.
    public func match(_ keys: String) -> Match {
        let pressed = Array(keys.uppercased())
        for (index, key) in pressed.enumerated() {
            if index < positions.count {
                guard positions[index].contains(key) else { return .noMatch }
            } else {
                guard tail != .none, Self.keys.contains(key) else { return .noMatch }
            }
        }
        if pressed.count < positions.count { return .partial }
        switch tail {
        case .none: return .complete
        case .oneOrMore: return pressed.count > positions.count ? .open : .partial
        case .zeroOrMore: return .open
        }
    }
}
