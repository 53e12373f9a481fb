/// How a transfer hands the caller over.
public enum TransferMode: Sendable, Equatable, WireCodable {
    /// Hand the call over at once.
    case blind
    /// Call the target first, speak `announce` to them, then connect the caller.
    case attended(announce: String)

    public func encode(to writer: inout WireWriter) {
        switch self {
        case .blind:
            writer.write(byte: 0)
        case .attended(let announce):
            writer.write(byte: 1)
            writer.write(string: announce)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.readByte("TransferMode") {
        case 0: self = .blind
        case 1: self = .attended(announce: try reader.readString("TransferMode.announce"))
        case let tag: throw reader.unknownTag(UInt64(tag), "TransferMode")
        }
    }
}

/// When a digit collection is complete.
public enum DigitCollectionMode: Sendable, Equatable, WireCodable {
    /// Exactly this many digits (or fewer, ended by the terminator).
    case count(Int)
    /// Digits matching a ``DigitGrammar`` pattern ("XXXX", "1[2-5]X.").
    case grammar(String)

    public func encode(to writer: inout WireWriter) {
        switch self {
        case .count(let count):
            writer.write(byte: 0)
            count.encode(to: &writer)
        case .grammar(let pattern):
            writer.write(byte: 1)
            writer.write(string: pattern)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.readByte("DigitCollectionMode") {
        case 0: self = .count(try reader.read())
        case 1: self = .grammar(try reader.readString("DigitCollectionMode.grammar"))
        case let tag: throw reader.unknownTag(UInt64(tag), "DigitCollectionMode")
        }
    }
}

/// A collect-digits step: what ends it and how long the caller has.
public struct DigitCollectionSpec: Sendable, Equatable, WireCodable {
    public var mode: DigitCollectionMode
    /// A key that ends the entry early ("#"); never part of the digits.
    public var terminator: String?
    public var timeout: Duration

    public init(mode: DigitCollectionMode, terminator: String? = "#", timeout: Duration = .seconds(10)) {
        self.mode = mode
        self.terminator = terminator
        self.timeout = timeout
    }

    public func encode(to writer: inout WireWriter) {
        mode.encode(to: &writer)
        terminator.encode(to: &writer)
        timeout.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        mode = try reader.read()
        terminator = try reader.read()
        timeout = try reader.read()
    }
}

/// Something the agent decided to do, besides talking. Call actions (transfer, hold, resume,
/// send DTMF, join a conference) become ``ConversationEffect/action(_:)`` for the host;
/// `hangUp` ends the conversation; `collectDigits` is a workflow step; `http` runs as an
/// activity.
public enum AgentToolCall: Sendable, Equatable, WireCodable {
    case transfer(target: String, mode: TransferMode)
    case hold
    case resume
    case hangUp
    case sendDTMF(String)
    case collectDigits(DigitCollectionSpec)
    case joinConference(room: String)
    /// An HTTP tool by its definition name; `arguments` is the model's JSON object text.
    case http(name: String, arguments: String)

    /// Whether the host carries it out (and answers with a `.toolResult` signal).
    public var isCallAction: Bool {
        switch self {
        case .transfer, .hold, .resume, .sendDTMF, .joinConference: true
        case .hangUp, .collectDigits, .http: false
        }
    }

    public func encode(to writer: inout WireWriter) {
        switch self {
        case .transfer(let target, let mode):
            writer.write(byte: 0)
            writer.write(string: target)
            mode.encode(to: &writer)
        case .hold: writer.write(byte: 1)
        case .resume: writer.write(byte: 2)
        case .hangUp: writer.write(byte: 3)
        case .sendDTMF(let digits):
            writer.write(byte: 4)
            writer.write(string: digits)
        case .collectDigits(let spec):
            writer.write(byte: 5)
            spec.encode(to: &writer)
        case .joinConference(let room):
            writer.write(byte: 6)
            writer.write(string: room)
        case .http(let name, let arguments):
            writer.write(byte: 7)
            writer.write(string: name)
            writer.write(string: arguments)
        }
    }

    public init(from reader: inout WireReader) throws(WireError) {
        switch try reader.readByte("AgentToolCall") {
        case 0: self = .transfer(target: try reader.readString(), mode: try reader.read())
        case 1: self = .hold
        case 2: self = .resume
        case 3: self = .hangUp
        case 4: self = .sendDTMF(try reader.readString())
        case 5: self = .collectDigits(try reader.read())
        case 6: self = .joinConference(room: try reader.readString())
        case 7: self = .http(name: try reader.readString(), arguments: try reader.readString())
        case let tag: throw reader.unknownTag(UInt64(tag), "AgentToolCall")
        }
    }
}

/// One tool call in a reply: the id the conversation gave it (results refer to it), the name
/// of the tool in the agent definition (what the model called), and what it does.
public struct ToolInvocation: Sendable, Equatable, WireCodable {
    public var id: String
    public var name: String
    public var call: AgentToolCall

    public init(id: String = "", name: String, call: AgentToolCall) {
        self.id = id
        self.name = name
        self.call = call
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(string: id)
        writer.write(string: name)
        call.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        id = try reader.readString("ToolInvocation.id")
        name = try reader.readString("ToolInvocation.name")
        call = try reader.read()
    }
}

/// What a tool call came to, as the transcript (and the model) sees it.
public struct ToolResult: Sendable, Equatable, WireCodable {
    /// The ``ToolInvocation/id`` it answers.
    public var id: String
    public var name: String
    public var ok: Bool
    public var detail: String

    public init(id: String, name: String, ok: Bool, detail: String) {
        self.id = id
        self.name = name
        self.ok = ok
        self.detail = detail
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(string: id)
        writer.write(string: name)
        writer.write(bool: ok)
        writer.write(string: detail)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        id = try reader.readString("ToolResult.id")
        name = try reader.readString("ToolResult.name")
        ok = try reader.readBool("ToolResult.ok")
        detail = try reader.readString("ToolResult.detail")
    }
}
