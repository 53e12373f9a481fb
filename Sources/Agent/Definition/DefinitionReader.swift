import Foundation
import ParleyConfig
import Workflow

/// One pass over a definition's top-level mapping.
struct DefinitionReader {
    let file: String
    let top: [String: AgentConfigNode]
    let root: AgentConfigNode
    let resource: AgentDefinitionLoader.ResourceLookup
    /// Every file that went into the definition, for its hash.
    var hashedResources: [AgentResource] = []
    var variables: [String: String] = [:]

    init(file: String, top: [String: AgentConfigNode], root: AgentConfigNode,
         resource: @escaping AgentDefinitionLoader.ResourceLookup) {
        self.file = file
        self.top = top
        self.root = root
        self.resource = resource
    }

    mutating func read() throws(ConfigError) -> AgentDefinition {
        guard let nameNode = top["name"] else { throw root.error("'name' is required") }
        let name = try nameNode.nonEmptyString()
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw nameNode.error("'\(name)' may use only letters, digits, '-' and '_'")
        }
        if let node = top["variables"] {
            for (key, value) in try node.entries() {
                guard !AgentDefinition.builtInVariables.contains(key) else {
                    throw value.error("'\(key)' is a built-in variable")
                }
                variables[key] = try value.string()
            }
        }
        let tools = try readTools()
        let resources = try readResources()
        var definition = AgentDefinition(
            name: name,
            description: try top["description"]?.string() ?? "",
            extensionNumber: try readExtension(),
            version: "",
            source: file,
            language: try top["language"]?.nonEmptyString() ?? "en-US",
            voice: try top["voice"]?.nonEmptyString(),
            variables: variables,
            prompts: try readPrompts(),
            tools: tools,
            intents: try readIntents(tools: tools),
            resources: resources,
            jobs: try readJobs(),
            timeouts: try readTimeouts(),
            bargeIn: try readBargeIn(),
            providers: try readProviders(),
            digitsPrivate: try top["digits_private"]?.bool() ?? false,
            digitsEndTurn: try top["digits_end_turn"]?.bool() ?? false,
            addressName: nil,
            globalData: [:])
        if let node = top["address_name"], !node.isNull { definition.addressName = try node.nonEmptyString() }
        if let node = top["global_data"] {
            guard case .object(let members) = try node.json() else { throw node.error("expected a mapping") }
            definition.globalData = members
        }
        return definition
    }

    private func readExtension() throws(ConfigError) -> String? {
        guard let node = top["extension"] else { return nil }
        let text = try node.nonEmptyString()
        guard text.count <= 32, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw node.error("'\(text)' must be 1 to 32 digits")
        }
        return text
    }

    /// A prompt whose placeholders must all be known.
    func template(_ node: AgentConfigNode, extra: Set<String> = []) throws(ConfigError) -> PromptTemplate {
        let text = try node.string()
        let template: PromptTemplate
        do {
            template = try PromptTemplate(text)
        } catch {
            throw node.error(error.reason)
        }
        let known = AgentDefinition.builtInVariables.union(variables.keys).union(extra)
        for name in template.variables where !known.contains(name) {
            throw node.error("unknown variable {{\(name)}} (known: \(known.sorted().joined(separator: ", ")))")
        }
        return template
    }

    private func readPrompts() throws(ConfigError) -> AgentPrompts {
        let map = try top["prompts"]?.mapping(allowed: [
            "system", "greeting", "fallback", "idle", "goodbye", "transfer_failed", "max_duration", "holding",
        ]) ?? [:]
        func prompt(_ key: String, _ fallback: String) throws(ConfigError) -> PromptTemplate {
            guard let node = map[key] else { return PromptTemplate(literal: fallback) }
            return try template(node)
        }
        var greeting: PromptTemplate?
        if let node = map["greeting"], !node.isNull { greeting = try template(node) }
        var holding: PromptTemplate? = PromptTemplate(literal: "One moment, please.")
        if let node = map["holding"] { holding = node.isNull ? nil : try template(node) }
        return AgentPrompts(
            system: try prompt("system", "You are {{agent_name}}, a helpful telephone assistant. Keep answers short."),
            greeting: greeting,
            fallback: try prompt("fallback", "Sorry, I didn't catch that. Could you say it again?"),
            idle: try prompt("idle", "Are you still there?"),
            goodbye: try prompt("goodbye", "Thank you for calling. Goodbye!"),
            transferFailed: try prompt("transfer_failed",
                                       "Sorry, I couldn't connect your call. Is there anything else I can help you with?"),
            maxDuration: try prompt("max_duration", "We have reached the time limit for this call. Thank you, goodbye!"),
            holding: holding)
    }

    private mutating func readResources() throws(ConfigError) -> [AgentResource] {
        guard let node = top["resources"] else { return [] }
        var resources: [AgentResource] = []
        for item in try node.sequence() {
            let loaded = try loadResource(item)
            guard !resources.contains(where: { $0.path == loaded.path }) else {
                throw item.error("'\(loaded.path)' is listed twice")
            }
            resources.append(loaded)
        }
        return resources
    }

    /// Reads a file named relative to the definition, for the definition and its hash.
    mutating func loadResource(_ node: AgentConfigNode) throws(ConfigError) -> AgentResource {
        let path = try node.nonEmptyString().trimmingCharacters(in: .whitespaces)
        guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            throw node.error("'\(path)' must be a path inside the agents folder (relative, no '..')")
        }
        guard let text = resource(path) else { throw node.error("resource file '\(path)' not found") }
        let loaded = AgentResource(path: path, text: AgentDefinitionLoader.normalize(text))
        if !hashedResources.contains(loaded) { hashedResources.append(loaded) }
        return loaded
    }

    private func readTimeouts() throws(ConfigError) -> AgentTimeouts {
        let map = try top["timeouts"]?.mapping(allowed: ["idle", "second_idle", "max_duration", "holding"]) ?? [:]
        let day = Duration.seconds(86_400)
        return AgentTimeouts(
            idle: try map["idle"]?.duration(in: .seconds(1)...day) ?? .seconds(10),
            secondIdle: try map["second_idle"]?.duration(in: .seconds(1)...day),
            maxDuration: try map["max_duration"]?.duration(in: .seconds(10)...day) ?? .seconds(30 * 60),
            holding: try map["holding"]?.duration(in: .milliseconds(300)...(.seconds(10))) ?? .milliseconds(1500))
    }

    private func readBargeIn() throws(ConfigError) -> BargeInSettings {
        let map = try top["barge_in"]?.mapping(allowed: ["enabled", "min_speech_ms", "false_interruption_ms"]) ?? [:]
        return BargeInSettings(
            enabled: try map["enabled"]?.bool() ?? true,
            minSpeech: .milliseconds(try map["min_speech_ms"]?.int(in: 0...5_000) ?? 300),
            falseInterruption: .milliseconds(try map["false_interruption_ms"]?.int(in: 0...10_000) ?? 800))
    }

    private func readJobs() throws(ConfigError) -> AgentJobs {
        let map = try top["jobs"]?.mapping(allowed: ["summary", "webhook"]) ?? [:]
        var jobs = AgentJobs(summary: try map["summary"]?.bool() ?? true, webhook: nil)
        if let node = map["webhook"] {
            let webhook = try node.mapping(allowed: ["url", "method", "headers", "timeout"])
            guard let url = webhook["url"] else { throw node.error("'url' is required") }
            jobs.webhook = WebhookJob(
                url: try url.httpURL(),
                method: try webhook["method"]?.oneOf(["POST", "PUT"]) ?? "POST",
                headers: try headers(webhook["headers"]),
                timeout: try webhook["timeout"]?.duration(in: .milliseconds(100)...(.seconds(120))) ?? .seconds(10))
        }
        return jobs
    }

    func headers(_ node: AgentConfigNode?) throws(ConfigError) -> [String: String] {
        guard let node else { return [:] }
        var headers: [String: String] = [:]
        for (key, value) in try node.entries() {
            guard key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw value.error("'\(key)' is not a header name")
            }
            headers[key] = try value.string()
        }
        return headers
    }
}
