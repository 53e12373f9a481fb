import Agent
import Foundation
import Workflow

/// A test implementation of the host side: records every call in order and can be told to
/// fail transfers or to be interrupted while speaking.
final class RecordingCallActions: AgentCallActions, @unchecked Sendable {
    enum Action: Equatable {
        case speak(String)
        case transfer(String, TransferMode)
        case hold
        case resume
        case hangUp
        case sendDTMF(String)
        case joinConference(String)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let lock = NSLock()
    private var recorded: [Action] = []
    private var transferFailures: [String] = []
    private var interruptions: [String: String] = [:]
    private var blocking = false

    /// While set, transfers never finish (until the task is cancelled): a transfer in flight
    /// when the process dies.
    var blockTransfers: Bool {
        get { lock.withLock { blocking } }
        set { lock.withLock { blocking = newValue } }
    }

    var actions: [Action] {
        lock.withLock { recorded }
    }

    var spoken: [String] {
        actions.compactMap { if case .speak(let text) = $0 { return text } else { return nil } }
    }

    /// The next transfers fail with these reasons, in order.
    func failNextTransfer(_ reason: String) {
        lock.withLock { transferFailures.append(reason) }
    }

    /// Speaking `sentence` is interrupted after the caller heard `heard`.
    func interrupt(_ sentence: String, heard: String) {
        lock.withLock { interruptions[sentence] = heard }
    }

    private func record(_ action: Action) {
        lock.withLock { recorded.append(action) }
    }

    func speak(_ text: String, utteranceID: String) async -> SpeechOutcome {
        record(.speak(text))
        if let heard = lock.withLock({ interruptions.removeValue(forKey: text) }) { return .interrupted(heard: heard) }
        return .finished
    }

    func transfer(to target: String, mode: TransferMode) async throws {
        record(.transfer(target, mode))
        while blockTransfers {
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        if let reason = lock.withLock({ transferFailures.isEmpty ? nil : transferFailures.removeFirst() }) {
            throw Failure(description: reason)
        }
    }

    func hold() async throws { record(.hold) }
    func resume() async throws { record(.resume) }
    func hangUp() async { record(.hangUp) }
    func sendDTMF(_ digits: String) async throws { record(.sendDTMF(digits)) }
    func joinConference(_ room: String) async throws { record(.joinConference(room)) }

    private var toolReports: [ToolCallReport] = []
    private var workflowNotices: [ConversationNotice] = []

    /// Tool calls reported, in order.
    var reports: [ToolCallReport] { lock.withLock { toolReports } }
    /// Committed workflow steps reported, in order.
    var notices: [ConversationNotice] { lock.withLock { workflowNotices } }

    func report(_ toolCall: ToolCallReport) { lock.withLock { toolReports.append(toolCall) } }
    func report(_ notice: ConversationNotice) { lock.withLock { workflowNotices.append(notice) } }
}
