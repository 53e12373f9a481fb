import Workflow

/// Turns a brain's tool call (a name and JSON arguments) into a typed ``AgentToolCall`` using
/// the agent's tool definitions. The model chooses only among what the file allows: transfer
/// targets come from the file, DTMF keys are checked, HTTP arguments are checked against the
/// tool's schema.
public enum ToolCallResolver {
    /// Why a call was refused.
    public struct Rejection: Error, Equatable, Sendable, CustomStringConvertible {
        public let tool: String
        public let reason: String
        public var description: String { "tool '\(tool)': \(reason)" }
    }

    /// - Parameter variables: the call's placeholder values, for an attended transfer's
    ///   announcement.
    public static func resolve(_ call: BrainToolCall, in definition: AgentDefinition,
                               variables: [String: String] = [:]) throws(Rejection) -> ToolInvocation {
        guard let tool = definition.tool(named: call.name) else {
            throw Rejection(tool: call.name, reason: "no such tool")
        }
        guard let arguments = call.arguments.objectValue else {
            throw Rejection(tool: call.name, reason: "arguments must be a JSON object")
        }
        let resolved: AgentToolCall
        switch tool.kind {
        case .transfer(let transfer):
            var mode = transfer.mode
            if case .attended(let announce) = mode, let template = try? PromptTemplate(announce) {
                mode = .attended(announce: template.render(variables))
            }
            resolved = .transfer(target: try target(transfer, arguments, call.name), mode: mode)
        case .hold: resolved = .hold
        case .resume: resolved = .resume
        case .hangUp: resolved = .hangUp
        case .sendDTMF(let fixed):
            let keys = fixed ?? arguments["digits"]?.stringValue?.uppercased() ?? ""
            guard !keys.isEmpty, keys.count <= 64,
                  keys.allSatisfy({ DigitGrammar.keys.contains($0) || $0 == "," }) else {
                throw Rejection(tool: call.name, reason: "'digits' must be keys 0-9, *, #, A-D")
            }
            resolved = .sendDTMF(keys)
        case .collectDigits(let spec): resolved = .collectDigits(spec)
        case .joinConference(let room): resolved = .joinConference(room: room)
        case .http(let http):
            if let problem = SchemaCheck.problem(with: call.arguments, against: http.parameters) {
                throw Rejection(tool: call.name, reason: problem)
            }
            resolved = .http(name: tool.name, arguments: call.arguments.description)
        }
        return ToolInvocation(name: tool.name, call: resolved)
    }

    private static func target(_ transfer: TransferTool, _ arguments: [String: JSONValue],
                               _ name: String) throws(Rejection) -> String {
        if let fixed = transfer.target { return fixed }
        guard let choice = arguments["target"]?.stringValue else {
            throw Rejection(tool: name, reason: "'target' must be one of \(transfer.targets.keys.sorted())")
        }
        guard let target = transfer.targets[choice] else {
            throw Rejection(tool: name, reason: "'\(choice)' is not one of \(transfer.targets.keys.sorted())")
        }
        return target
    }

    /// The JSON Schema (function parameters) a model sees for a tool.
    public static func parameters(of tool: AgentToolDefinition) -> JSONValue {
        let empty = JSONValue.object(["type": .string("object"), "properties": .object([:])])
        switch tool.kind {
        case .transfer(let transfer) where transfer.target == nil:
            return .object([
                "type": .string("object"),
                "properties": .object(["target": .object([
                    "type": .string("string"),
                    "enum": .array(transfer.targets.keys.sorted().map(JSONValue.string)),
                    "description": .string("Where to transfer the caller."),
                ])]),
                "required": .array([.string("target")]),
            ])
        case .sendDTMF(nil):
            return .object([
                "type": .string("object"),
                "properties": .object(["digits": .object([
                    "type": .string("string"), "description": .string("Keys to press: 0-9, *, #."),
                ])]),
                "required": .array([.string("digits")]),
            ])
        case .http(let http):
            return http.parameters
        default:
            return empty
        }
    }
}

/// The JSON Schema checks tool arguments get: an object, required properties present, each
/// property of its declared type (and among `enum` values when listed).
enum SchemaCheck {
    static func problem(with value: JSONValue, against schema: JSONValue) -> String? {
        guard let members = value.objectValue else { return "arguments must be a JSON object" }
        let properties = schema["properties"]?.objectValue ?? [:]
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            return "missing required argument '\(name)'"
        }
        for (name, argument) in members {
            guard let property = properties[name] else { continue }
            if let type = property["type"]?.stringValue, !matches(argument, type) {
                return "argument '\(name)' must be \(type), got \(argument.typeName)"
            }
            if let allowed = property["enum"]?.arrayValue, !allowed.contains(argument) {
                return "argument '\(name)' must be one of \(allowed.map(\.description).joined(separator: ", "))"
            }
        }
        return nil
    }

    private static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("array", .array), ("object", .object), ("null", .null),
             ("number", .number):
            return true
        case ("integer", .number(let number)):
            return number.rounded() == number
        default:
            return false
        }
    }
}
