import Logging
import Workflow

/// Runs the conversation's activities for agent calls: brain replies (tool calls resolved
/// against the pinned definition), HTTP tools, the summary and the webhook. Every failure is
/// an ``ActivityFailure`` the workflow's retry policy understands.
public struct AgentActivities: Sendable {
    let definitions: any AgentDefinitionSource
    let brains: any AgentBrainProvider
    let tools: HTTPToolRunner?
    let logger: Logger
    /// Told when an HTTP tool's first attempt starts and when each attempt ends.
    let onToolCall: (@Sendable (WorkflowID, ToolCallReport) -> Void)?

    public init(definitions: any AgentDefinitionSource, brains: any AgentBrainProvider, tools: HTTPToolRunner?,
                logger: Logger = Logger(label: "parley.agent"),
                onToolCall: (@Sendable (WorkflowID, ToolCallReport) -> Void)? = nil) {
        self.definitions = definitions
        self.brains = brains
        self.tools = tools
        self.logger = logger
        self.onToolCall = onToolCall
    }

    /// The engine's activity handler.
    public var handler: ActivityHandler<ConversationWorkflow> {
        { activity, context in try await self.run(activity, context) }
    }

    public func run(_ activity: ConversationActivity, _ context: ActivityContext) async throws -> ConversationActivityOutput {
        switch activity {
        case .reply, .summarize:
            // Conversations without an agent pin (tests, tools) get the echo stand-in.
            return try await EchoConversationActivities.run(activity, context)
        case .agentReply(let call, let turns):
            let definition = try definition(call.version)
            let request = BrainRequest(definition: definition, turns: turns, call: call)
            let response = try await brainCall { () async throws -> BrainResponse in
                try await brains.brain(for: definition).respond(to: request)
            }
            var calls: [ToolInvocation] = []
            for call in response.toolCalls {
                do {
                    calls.append(try ToolCallResolver.resolve(call, in: definition, variables: request.variables))
                } catch {
                    logger.warning("tool call refused", metadata: [
                        "conversation": "\(context.workflowID)", "error": "\(error)",
                    ])
                }
            }
            return .agentReply(text: response.text, calls: calls)
        case .tool(let call, let invocation, let privateDigits):
            let definition = try definition(call.version)
            guard case .http(let name, let arguments) = invocation.call,
                  case .http(let tool)? = definition.tool(named: name)?.kind else {
                throw ActivityFailure(type: "UnknownTool", message: invocation.name, nonRetryable: true)
            }
            guard let tools else { throw ActivityFailure(type: "Misconfigured", message: "no HTTP client", nonRetryable: true) }
            if context.attempt == 1 { onToolCall?(context.workflowID, .started(invocation)) }
            do {
                let text = try await brainCall { () async throws -> String in
                    try await tools.run(tool, arguments: arguments, globalData: definition.globalData,
                                        privateDigits: privateDigits, conversationID: context.workflowID.rawValue)
                }
                onToolCall?(context.workflowID, .finished(invocation, ok: true, detail: ToolCallReport.shortened(text)))
                return .toolOutput(text)
            } catch {
                // A retryable failure is followed by another attempt and another report.
                onToolCall?(context.workflowID, .finished(invocation, ok: false,
                                                          detail: ToolCallReport.shortened("attempt \(context.attempt): \(error)")))
                throw error
            }
        case .agentSummary(let call, let turns):
            let definition = try definition(call.version)
            guard definition.jobs.summary else { return .summary("") }
            let request = BrainRequest(definition: definition, turns: turns, call: call)
            let summary = try await brainCall { () async throws -> String in
                try await brains.brain(for: definition).summarize(request)
            }
            return .summary(summary)
        case .webhook(let call, let report):
            let definition = try definition(call.version)
            guard let webhook = definition.jobs.webhook else { return .delivered(status: 0) }
            guard let tools else { throw ActivityFailure(type: "Misconfigured", message: "no HTTP client", nonRetryable: true) }
            let body = HTTPToolRunner.report(report, context: call, definition: definition,
                                             conversationID: context.workflowID.rawValue)
            let status = try await brainCall { () async throws -> Int in
                try await tools.deliver(body, to: webhook, conversationID: context.workflowID.rawValue)
            }
            return .delivered(status: status)
        }
    }

    private func definition(_ version: String) throws -> AgentDefinition {
        do {
            guard let definition = try definitions.definition(version: version) else {
                throw ActivityFailure(type: "UnknownAgentVersion", message: version, nonRetryable: true)
            }
            return definition
        } catch let error as AgentCatalogError {
            throw ActivityFailure(type: "AgentCatalog", message: error.description)
        }
    }

    /// Runs provider work, turning ``BrainError`` into the failure the retry policy reads.
    private func brainCall<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let error as BrainError {
            throw error.activityFailure
        }
    }
}
