import Foundation
import Workflow

/// Serves ``ConversationControl`` from the real workflow engine: lists come from the store,
/// histories from the log, signals and updates go through the engine's typed handles (so a
/// validator's rejection writes nothing), and queries are answered from the live state, or
/// from a replay of the log once a conversation has finished.
public final class WorkflowConversationControl: ConversationControl {
    private let engine: WorkflowEngine<ConversationWorkflow>
    private let store: WorkflowStore
    private let agentName: @Sendable (String) -> String?
    /// Who each conversation is with; a conversation's input never changes, so it is read from
    /// the log once.
    private let inputs = ControlLock<[String: ConversationInput]>([:])

    /// - Parameters:
    ///   - engine: the engine running conversations.
    ///   - store: the store that engine runs on (lists and logs are read from it).
    ///   - agentName: maps an agent definition version (content hash) to the agent's name.
    public init(engine: WorkflowEngine<ConversationWorkflow>, store: WorkflowStore,
                agentName: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.engine = engine
        self.store = store
        self.agentName = agentName
    }

    public func list(_ filter: ConversationFilter) async throws(ControlError) -> [ConversationSummary] {
        let type = filter.type ?? ConversationWorkflow.typeName
        let rows: [WorkflowSummary]
        do throws(WorkflowError) {
            rows = try await store.list(type: type)
        } catch {
            throw ConversationMapping.error(error, id: "*")
        }
        let live = Set(engine.runningIDs)
        var result: [ConversationSummary] = []
        var skipped = 0
        for row in rows {
            if let status = filter.status, ConversationMapping.status(row.status) != status { continue }
            let started = ConversationMapping.date(row.createdAt)
            if let since = filter.since, started < since { continue }
            if let until = filter.until, started >= until { continue }
            var summary = await self.summary(row, live: live.contains(row.id))
            if let wanted = filter.agent, wanted != row.version, wanted != summary.version, wanted != summary.agent {
                continue
            }
            if let caller = filter.caller {
                guard let actual = summary.caller, actual.localizedCaseInsensitiveContains(caller) else { continue }
            }
            if skipped < filter.offset {
                skipped += 1
                continue
            }
            result.append(summary)
            if result.count >= filter.limit { break }
        }
        return result
    }

    public func history(_ id: String) async throws(ControlError) -> ConversationHistory {
        let workflowID = WorkflowID(id)
        let entries: [HistoryEntry<ConversationWorkflow>]
        do throws(WorkflowError) {
            entries = try await engine.history(of: workflowID)
        } catch {
            throw ConversationMapping.error(error, id: id)
        }
        let machine = try await machine(workflowID)
        let redact = ConversationMapping.digitsArePrivate(machine)
        let events = entries.map { entry in
            HistoryEvent(sequence: entry.sequence, run: entry.record.run, time: ConversationMapping.date(entry.time),
                         body: entry.event.map { ConversationMapping.body($0, redactDigits: redact) } ?? .snapshot)
        }
        var timers: [PendingTimerInfo] = []
        var activities: [PendingActivityInfo] = []
        if machine.status == .running {
            timers = machine.timers.sorted { $0.key < $1.key }.map { name, timer in
                PendingTimerInfo(name: name.rawValue, fireAt: ConversationMapping.date(timer.fireAt),
                                 scope: timer.scope?.rawValue)
            }
            activities = machine.activities.sorted { $0.key < $1.key }.map { id, pending in
                PendingActivityInfo(id: id.rawValue, kind: ConversationMapping.activityKind(pending.activity),
                                    scheduledAt: ConversationMapping.date(pending.scheduledAt))
            }
        }
        var outcome: OutcomeInfo?
        if let result = machine.result {
            outcome = ConversationMapping.outcome(result)
        } else if let failure = machine.failure {
            outcome = OutcomeInfo(reason: failure.message, summary: nil, digits: machine.state?.digits ?? "",
                                  turnCount: machine.state?.turns.count ?? 0, durationSeconds: 0, failed: true)
        }
        return ConversationHistory(conversation: summary(id, records: entries.map(\.record), machine: machine),
                                   events: events, timers: timers, activities: activities,
                                   turns: machine.state?.turns.map(ConversationMapping.turn) ?? [], outcome: outcome)
    }

    public func signal(_ id: String, _ signal: SignalPayload) async throws(ControlError) -> SignalReceipt {
        let payload = try signal.validated()
        let workflowID = WorkflowID(id)
        do throws(WorkflowError) {
            try await engine.handle(workflowID).signal(ConversationMapping.signal(payload))
            // Sequence numbers count every record of every run, so the next one tells the size.
            let machine = try await engine.liveMachine(workflowID)
            return SignalReceipt(conversationID: id, eventCount: Int(machine.nextSequence) - 1)
        } catch {
            throw ConversationMapping.error(error, id: id)
        }
    }

    public func update(_ id: String, _ update: UpdatePayload) async throws(ControlError) -> UpdateResultPayload {
        let handle = engine.handle(WorkflowID(id))
        do throws(WorkflowError) {
            switch update {
            case .say(let text):
                return .said(turn: try await handle.update(Conversation.Say.self, text))
            case .transfer(let target):
                return .transferring(target: try await handle.update(Conversation.Transfer.self, target))
            case .ask(let question):
                return .answered(text: try await handle.update(Conversation.Ask.self, question))
            }
        } catch {
            throw ConversationMapping.error(error, id: id)
        }
    }

    public func query(_ id: String, _ query: QueryName) async throws(ControlError) -> QueryResult {
        let state: ConversationState
        let workflowID = WorkflowID(id)
        // A running conversation answers from its live state (a workflow query); one that
        // ended here or elsewhere from a replay of its log.
        if engine.runningIDs.contains(workflowID), let live = try? await engine.handle(workflowID).state() {
            state = live
        } else {
            guard let replayed = try await machine(workflowID).state else {
                throw .conversationNotRunning(id, status: "not started")
            }
            state = replayed
        }
        switch query {
        case .turns: return .turns(state.turns.map(ConversationMapping.turn))
        case .digits: return .digits(state.digits)
        case .status: return .status(phase: ConversationMapping.phase(state.phase),
                                     endReason: state.endReason?.description)
        case .state: return .state(ConversationMapping.state(state))
        case .pendingAction:
            guard let active = state.activeTool, active.call.isCallAction else { return .pendingAction(nil) }
            return .pendingAction(ConversationMapping.toolCall(active))
        }
    }

    // MARK: Helpers

    /// The live machine while the conversation runs here, else a replay of its stored log
    /// (which also tells whether it exists at all).
    private func machine(_ id: WorkflowID) async throws(ControlError) -> WorkflowMachine<ConversationWorkflow> {
        do throws(WorkflowError) {
            if engine.runningIDs.contains(id) {
                do throws(WorkflowError) {
                    return try await engine.liveMachine(id)
                } catch {
                    // Finished between the two reads: fall through to the replay.
                    guard case .notRunning = error else { throw error }
                }
            }
            return try await engine.replayStored(id)
        } catch {
            throw ConversationMapping.error(error, id: id.rawValue)
        }
    }

    /// One conversation's summary from its own records and machine, without listing the store.
    private func summary(_ id: String, records: [LogRecord], machine: WorkflowMachine<ConversationWorkflow>)
    -> ConversationSummary {
        let input = machine.state?.input
        let started = records.first.map { ConversationMapping.date($0.time) } ?? Date(timeIntervalSince1970: 0)
        // A finished workflow's last record is the event that finished it.
        let finished = machine.status == .running ? nil : records.last.map { ConversationMapping.date($0.time) }
        let version = input?.agent?.version ?? machine.definition.version
        let agent = input?.agent?.name ?? agentName(version)
        return ConversationSummary(
            id: id, type: ConversationWorkflow.typeName, version: version, agent: agent,
            status: ConversationMapping.status(machine.status), phase: machine.state.map { ConversationMapping.phase($0.phase) },
            caller: input?.caller, callee: input?.callee, startedAt: started, finishedAt: finished,
            eventCount: records.count, run: machine.run)
    }

    private func summary(_ row: WorkflowSummary, live: Bool) async -> ConversationSummary {
        let id = row.id.rawValue
        let input = await input(of: row.id)
        // Conversations answered by an agent carry its name and version in their input.
        let version = input?.agent?.version ?? row.version
        let agent = input?.agent?.name ?? agentName(version)
        var phase: String?
        if row.status == .running, live,
           let status = try? await engine.handle(row.id).query(Conversation.Status.self, ()) {
            phase = ConversationMapping.phase(status.0)
        } else if row.status != .running {
            phase = "ended"
        }
        return ConversationSummary(
            id: id, type: row.type, version: version, agent: agent, status: ConversationMapping.status(row.status),
            phase: phase, caller: input?.caller, callee: input?.callee,
            startedAt: ConversationMapping.date(row.createdAt), finishedAt: row.finishedAt.map(ConversationMapping.date),
            eventCount: row.eventCount, run: row.run)
    }

    private func input(of id: WorkflowID) async -> ConversationInput? {
        if let cached = inputs.withLock({ $0[id.rawValue] }) { return cached }
        guard let records = try? await store.records(of: id),
              let first = records.first(where: { $0.kind == .started }),
              case .started(let input)? = try? WorkflowEvent<ConversationWorkflow>(kind: .started,
                                                                                   payload: first.payload)
        else { return nil }
        inputs.withLock { $0[id.rawValue] = input }
        return input
    }
}
