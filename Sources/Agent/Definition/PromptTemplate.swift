/// A prompt with `{{variable}}` placeholders. Parsed once at load time, so an unknown or
/// malformed placeholder is a load error with the prompt's line, never a surprise on a call.
public struct PromptTemplate: Sendable, Equatable, CustomStringConvertible {
    enum Part: Sendable, Equatable {
        case text(String)
        case variable(String)
    }

    /// Why a template could not be parsed.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public let source: String
    let parts: [Part]

    public init(_ source: String) throws(ParseError) {
        self.source = source
        var parts: [Part] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                throw ParseError(reason: "'{{' without a closing '}}'")
            }
            let name = afterOpen[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ParseError(reason: "'{{\(afterOpen[..<close.lowerBound])}}' is not a variable name")
            }
            parts.append(.variable(name))
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// A template with no placeholders.
    public init(literal: String) {
        source = literal
        parts = literal.isEmpty ? [] : [.text(literal)]
    }

    /// The variable names used, in order of first use.
    public var variables: [String] {
        var seen: [String] = []
        for case .variable(let name) in parts where !seen.contains(name) { seen.append(name) }
        return seen
    }

    /// The text with each placeholder replaced; unknown names render as empty text.
    public func render(_ values: [String: String]) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .variable(let name): out += values[name] ?? ""
            }
        }
        return out
    }

    public var description: String { source }
}
