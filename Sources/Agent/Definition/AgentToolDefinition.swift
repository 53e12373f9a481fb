import Workflow

/// A tool the agent may call, as its definition file declares it. Built-in call actions act
/// on the call through the host; HTTP tools call a web service with the model's arguments and
/// the agent's `global_data`.
public struct AgentToolDefinition: Sendable, Equatable {
    public var name: String
    /// What the tool does, for the language model.
    public var description: String
    public var kind: AgentToolKind

    public init(name: String, description: String, kind: AgentToolKind) {
        self.name = name
        self.description = description
        self.kind = kind
    }
}

public enum AgentToolKind: Sendable, Equatable {
    case transfer(TransferTool)
    case hold
    case resume
    case hangUp
    /// Sends fixed `digits`, or the model's `digits` argument when nil.
    case sendDTMF(digits: String?)
    case collectDigits(DigitCollectionSpec)
    case joinConference(room: String)
    case http(HTTPTool)

    /// The type name used in definition files.
    public var typeName: String {
        switch self {
        case .transfer: "transfer"
        case .hold: "hold"
        case .resume: "resume"
        case .hangUp: "hang_up"
        case .sendDTMF: "send_dtmf"
        case .collectDigits: "collect_digits"
        case .joinConference: "join_conference"
        case .http: "http"
        }
    }
}

/// Where a transfer goes: one fixed dialplan target, or one of several named ones the model
/// picks by name (never a target the file does not list).
public struct TransferTool: Sendable, Equatable {
    public var target: String?
    /// Choice name → dialplan target.
    public var targets: [String: String]
    public var mode: TransferMode

    public init(target: String?, targets: [String: String] = [:], mode: TransferMode = .blind) {
        self.target = target
        self.targets = targets
        self.mode = mode
    }
}

/// An HTTP tool: the model fills `parameters` (a JSON Schema object); the runner sends the
/// arguments merged with `global_data` (which wins) as JSON, or as query items for GET.
public struct HTTPTool: Sendable, Equatable {
    public var url: String
    public var method: String
    public var parameters: JSONValue
    public var headers: [String: String]
    public var timeout: Duration

    public init(url: String, method: String = "POST", parameters: JSONValue = .object(["type": .string("object")]),
                headers: [String: String] = [:], timeout: Duration = .seconds(10)) {
        self.url = url
        self.method = method
        self.parameters = parameters
        self.headers = headers
        self.timeout = timeout
    }
}
