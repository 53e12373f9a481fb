import ParleyConfig
import Workflow

/// `tools:` and `intents:`.
extension DefinitionReader {
    private static let commonToolKeys: Set<String> = ["name", "type", "description"]
    private static let toolKeys: [String: Set<String>] = [
        "transfer": ["target", "targets", "mode", "announce"],
        "hold": [], "resume": [], "hang_up": [],
        "send_dtmf": ["digits"],
        "collect_digits": ["count", "grammar", "terminator", "timeout"],
        "join_conference": ["room"],
        "http": ["url", "method", "parameters", "headers", "timeout"],
    ]

    func readTools() throws(ConfigError) -> [AgentToolDefinition] {
        guard let node = top["tools"] else { return [] }
        var tools: [AgentToolDefinition] = []
        for item in try node.sequence() {
            let tool = try readTool(item)
            guard !tools.contains(where: { $0.name == tool.name }) else {
                throw item.error("tool '\(tool.name)' is defined twice")
            }
            tools.append(tool)
        }
        return tools
    }

    private func readTool(_ item: AgentConfigNode) throws(ConfigError) -> AgentToolDefinition {
        let allKeys = Self.toolKeys.values.reduce(Self.commonToolKeys) { $0.union($1) }
        let loose = try item.mapping(allowed: allKeys)
        guard let typeNode = loose["type"] else {
            throw item.error("'type' is required (one of: \(Self.toolKeys.keys.sorted().joined(separator: ", ")))")
        }
        let type = try typeNode.oneOf(Self.toolKeys.keys.sorted())
        let map = try item.mapping(allowed: Self.commonToolKeys.union(Self.toolKeys[type] ?? []))
        guard let nameNode = map["name"] else { throw item.error("'name' is required") }
        let name = try nameNode.nonEmptyString()
        guard name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw nameNode.error("'\(name)' may use only letters, digits, '_' and '-' (at most 64)")
        }
        let description = try map["description"]?.string() ?? ""
        let kind: AgentToolKind
        switch type {
        case "transfer": kind = .transfer(try transferTool(item, map))
        case "hold": kind = .hold
        case "resume": kind = .resume
        case "hang_up": kind = .hangUp
        case "send_dtmf":
            var digits: String?
            if let node = map["digits"] { digits = try dtmfKeys(node) }
            kind = .sendDTMF(digits: digits)
        case "collect_digits": kind = .collectDigits(try collection(item, map))
        case "join_conference":
            guard let room = map["room"] else { throw item.error("'room' is required") }
            kind = .joinConference(room: try room.nonEmptyString())
        default: kind = .http(try httpTool(item, map))
        }
        return AgentToolDefinition(name: name, description: description, kind: kind)
    }

    private func transferTool(_ item: AgentConfigNode, _ map: [String: AgentConfigNode]) throws(ConfigError) -> TransferTool {
        var tool = TransferTool(target: nil)
        switch (map["target"], map["targets"]) {
        case (.some(let target), nil):
            tool.target = try dialTarget(target)
        case (nil, .some(let targets)):
            for (choice, value) in try targets.entries() { tool.targets[choice] = try dialTarget(value) }
            guard !tool.targets.isEmpty else { throw targets.error("name at least one target") }
        case (.some(let target), .some):
            throw target.error("give target or targets, not both")
        case (nil, nil):
            throw item.error("'target' (or 'targets') is required")
        }
        let mode = try map["mode"]?.oneOf(["blind", "attended"]) ?? "blind"
        if mode == "attended" {
            guard let announce = map["announce"] else { throw item.error("an attended transfer needs 'announce'") }
            tool.mode = .attended(announce: try template(announce).source)
        } else if let announce = map["announce"] {
            throw announce.error("'announce' applies to attended transfers only")
        }
        return tool
    }

    private func dialTarget(_ node: AgentConfigNode) throws(ConfigError) -> String {
        let target = try node.nonEmptyString()
        guard !target.contains(where: \.isWhitespace), target.count <= 128 else {
            throw node.error("'\(target)' is not a dialplan target (an extension or sip: URI without spaces)")
        }
        return target
    }

    private func dtmfKeys(_ node: AgentConfigNode) throws(ConfigError) -> String {
        let keys = try node.nonEmptyString().uppercased()
        guard keys.count <= 64, keys.allSatisfy({ DigitGrammar.keys.contains($0) || $0 == "," }) else {
            throw node.error("'\(keys)' may contain only 0-9, *, #, A-D (and ',' for a pause)")
        }
        return keys
    }

    private func collection(_ item: AgentConfigNode, _ map: [String: AgentConfigNode]) throws(ConfigError) -> DigitCollectionSpec {
        let mode: DigitCollectionMode
        switch (map["count"], map["grammar"]) {
        case (.some(let count), nil):
            mode = .count(try count.int(in: 1...64))
        case (nil, .some(let grammar)):
            let pattern = try grammar.nonEmptyString()
            do {
                _ = try DigitGrammar(pattern)
            } catch {
                throw grammar.error(error.reason)
            }
            mode = .grammar(pattern)
        case (.some(let count), .some):
            throw count.error("give count or grammar, not both")
        case (nil, nil):
            throw item.error("'count' or 'grammar' is required")
        }
        var terminator: String? = "#"
        if let node = map["terminator"] {
            if node.isNull {
                terminator = nil
            } else {
                let key = try node.nonEmptyString()
                guard key.count == 1, let character = key.first, DigitGrammar.keys.contains(character) else {
                    throw node.error("'\(key)' is not a single key (0-9, *, #, A-D)")
                }
                terminator = key
            }
        }
        return DigitCollectionSpec(mode: mode, terminator: terminator,
                                   timeout: try map["timeout"]?.duration(in: .seconds(1)...(.seconds(300))) ?? .seconds(10))
    }

    private func httpTool(_ item: AgentConfigNode, _ map: [String: AgentConfigNode]) throws(ConfigError) -> HTTPTool {
        guard let url = map["url"] else { throw item.error("'url' is required") }
        var parameters = JSONValue.object(["type": .string("object"), "properties": .object([:])])
        if let node = map["parameters"] {
            parameters = try node.json()
            try checkSchema(parameters, node)
        }
        return HTTPTool(
            url: try url.httpURL(),
            method: try map["method"]?.oneOf(["GET", "POST", "PUT", "PATCH", "DELETE"]) ?? "POST",
            parameters: parameters,
            headers: try headers(map["headers"]),
            timeout: try map["timeout"]?.duration(in: .milliseconds(100)...(.seconds(120))) ?? .seconds(10))
    }

    /// The JSON Schema subset tool parameters need: an object with typed properties.
    private func checkSchema(_ schema: JSONValue, _ node: AgentConfigNode) throws(ConfigError) {
        guard let members = schema.objectValue else { throw node.error("parameters must be a JSON Schema object") }
        guard members["type"]?.stringValue == "object" else { throw node.error("parameters need 'type: object'") }
        let properties = members["properties"]?.objectValue ?? [:]
        if let raw = members["properties"], raw.objectValue == nil {
            throw node.error("'properties' must be a mapping")
        }
        let types: Set<String> = ["string", "number", "integer", "boolean", "array", "object"]
        for (name, property) in properties {
            guard let type = property["type"]?.stringValue, types.contains(type) else {
                throw node.error("property '\(name)' needs a type (one of: \(types.sorted().joined(separator: ", ")))")
            }
        }
        if let required = members["required"] {
            guard let names = required.arrayValue?.compactMap(\.stringValue), names.count == required.arrayValue?.count else {
                throw node.error("'required' must be a list of property names")
            }
            for name in names where properties[name] == nil {
                throw node.error("required property '\(name)' is not among the properties")
            }
        }
    }

    func readIntents(tools: [AgentToolDefinition]) throws(ConfigError) -> [AgentIntent] {
        guard let node = top["intents"] else { return [] }
        var intents: [AgentIntent] = []
        for item in try node.sequence() {
            let map = try item.mapping(allowed: [
                "name", "examples", "keywords", "digits", "reply", "tool", "tools", "arguments", "result_reply",
            ])
            guard let nameNode = map["name"] else { throw item.error("'name' is required") }
            var intent = AgentIntent(name: try nameNode.nonEmptyString())
            guard !intents.contains(where: { $0.name == intent.name }) else {
                throw nameNode.error("intent '\(intent.name)' is defined twice")
            }
            intent.examples = try map["examples"]?.stringList() ?? []
            intent.keywords = try map["keywords"]?.stringList() ?? []
            if let digits = map["digits"] {
                for key in try digits.sequence() { intent.digits.append(try dtmfKeys(key)) }
            }
            guard !intent.examples.isEmpty || !intent.keywords.isEmpty || !intent.digits.isEmpty else {
                throw item.error("an intent needs examples, keywords or digits")
            }
            if let reply = map["reply"] { intent.reply = try template(reply) }
            var toolNodes: [AgentConfigNode] = []
            switch (map["tool"], map["tools"]) {
            case (.some(let one), .some):
                throw one.error("give tool or tools, not both")
            case (.some(let one), nil):
                toolNodes = [one]
            case (nil, .some(let list)):
                toolNodes = try list.sequence()
                guard !toolNodes.isEmpty else { throw list.error("name at least one tool") }
            case (nil, nil):
                break
            }
            for toolNode in toolNodes {
                let name = try toolNode.nonEmptyString()
                guard tools.contains(where: { $0.name == name }) else {
                    throw toolNode.error("no tool named '\(name)' (defined: \(tools.map(\.name).joined(separator: ", ")))")
                }
                intent.tools.append(name)
            }
            if let arguments = map["arguments"] {
                guard !intent.tools.isEmpty else { throw arguments.error("arguments need a tool") }
                let value = try arguments.json()
                guard value.objectValue != nil else { throw arguments.error("arguments must be a mapping") }
                for name in intent.tools {
                    guard case .transfer(let transfer)? = tools.first(where: { $0.name == name })?.kind,
                          transfer.target == nil, let choice = value["target"]?.stringValue else { continue }
                    guard transfer.targets[choice] != nil else {
                        throw arguments.error("'\(choice)' is not one of the targets of '\(name)'")
                    }
                }
                intent.arguments = value
            }
            if let resultReply = map["result_reply"] {
                guard !intent.tools.isEmpty else { throw resultReply.error("result_reply needs a tool") }
                intent.resultReply = try template(resultReply, extra: ["result"])
            }
            guard intent.reply != nil || !intent.tools.isEmpty else { throw item.error("an intent needs a reply or a tool") }
            intents.append(intent)
        }
        return intents
    }
}
