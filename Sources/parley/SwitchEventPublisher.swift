import Control
import Foundation
import Logging
import Switch

/// Where the switch's events go: the live event bus (with the call and conversation ids),
/// the metrics, and one call detail record per finished call. ``handle(_:)`` is the switch's
/// ``Switch/onEvent``: it runs on the SIP thread or a media thread, so it only publishes (never
/// blocks) and queues records for one writer task.
final class SwitchEventPublisher: Sendable {
    let bus: ControlEventBus
    let metrics: ParleyMetrics
    let records: CallRecordStore
    private let logger: Logger
    private let queue: AsyncStream<CallRecord>.Continuation
    private let writer: Task<Void, Never>

    init(bus: ControlEventBus, metrics: ParleyMetrics, records: CallRecordStore, logger: Logger) {
        self.bus = bus
        self.metrics = metrics
        self.records = records
        self.logger = logger
        let (stream, continuation) = AsyncStream<CallRecord>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        queue = continuation
        writer = Task { [logger] in
            for await record in stream {
                do {
                    try await records.insert(record)
                } catch {
                    logger.error("call record not written", metadata: ["call": "\(record.callID)", "error": "\(error)"])
                }
            }
        }
    }

    func handle(_ event: SwitchEvent) {
        let call = event.callID.map(CallID.init)
        let published: ControlEvent?
        switch event.kind {
        case .callIncoming(let from, let to, let trunk, _):
            metrics.activeCalls.increment(by: 1)
            metrics.callsTotal.increment(by: 1)
            published = .callIncoming(from: from, to: to, trunk: trunk)
        case .callAnswered:
            published = .callAnswered
        case .callEnded(let report):
            ended(report)
            published = .callEnded(disposition: report.disposition.rawValue, reason: report.cause)
        case .dtmf(let digit):
            published = .dtmf(digit: String(digit))
        case .hold(_, let stage):
            published = .holdProgress(Self.holdStage(stage))
        case .transfer(let target, let stage):
            published = .transferProgress(stage: Self.transferStage(stage), target: target)
        case .registration(let user, let contact, let change, let bindings):
            metrics.registrations.set(Double(bindings))
            published = .registrationChanged(user: user, contact: contact, change: Self.registrationChange(change))
        case .agent(let activity):
            published = agent(activity)
        }
        guard let published else { return }
        bus.publish(published, call: call, conversation: event.conversationID, at: event.time)
    }

    /// Waits (up to `timeout`) for the records already queued to be written.
    func flush(timeout: Duration = .seconds(5)) async {
        queue.finish()
        let writer = writer
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await writer.value }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func ended(_ report: CallEndReport) {
        metrics.activeCalls.decrement(by: 1)
        metrics.callsEnded(disposition: report.disposition.rawValue).increment(by: 1)
        var quality: CallQuality?
        if let media = report.quality {
            metrics.rtpPacketsReceived.increment(by: Int64(max(0, media.packetsReceived)))
            metrics.rtpPacketsSent.increment(by: Int64(max(0, media.packetsSent)))
            metrics.rtpPacketsLost.increment(by: Int64(max(0, media.packetsLost)))
            if media.packetsReceived > 0 {
                metrics.rtpJitter.record(media.jitterMilliseconds)
                quality = CallQuality.measured(lossPercent: media.lossPercent, jitterMilliseconds: media.jitterMilliseconds,
                                               roundTripMilliseconds: media.roundTripMilliseconds, codec: report.codecs.first)
            }
        }
        let record = CallRecord(
            callID: CallID(report.callID), from: report.from, to: report.to,
            direction: SwitchControlAdapter.direction(report.direction), trunk: report.trunk,
            startedAt: report.startedAt, answeredAt: report.answeredAt, endedAt: report.endedAt,
            disposition: CallDisposition(rawValue: report.disposition.rawValue) ?? .failed, hangupCause: report.cause,
            codecs: report.codecs, quality: quality, conversationID: report.conversationID,
            recordingPath: report.recordingPath)
        if case .dropped = queue.yield(record) {
            logger.warning("call record queue full; dropped the oldest", metadata: ["call": "\(report.callID)"])
        }
    }

    private func agent(_ activity: SwitchEvent.AgentActivity) -> ControlEvent? {
        switch activity {
        case .transcript(let text, let isFinal): return .transcript(text: text, isFinal: isFinal)
        case .speaking(let text): return .agentSpeaking(text: text)
        case .interrupted(let heard): return .agentInterrupted(heard: heard)
        case .turnLatency(let seconds):
            metrics.agentTurnLatency.recordNanoseconds(Int64(seconds * 1e9))
            return nil
        case .sttLatency(let seconds):
            metrics.sttLatency.recordNanoseconds(Int64(seconds * 1e9))
            return nil
        case .ttsLatency(let seconds):
            metrics.ttsLatency.recordNanoseconds(Int64(seconds * 1e9))
            return nil
        case .toolCallStarted(let name, let id, let arguments):
            return .toolCallStarted(tool: name, toolCallID: id, arguments: arguments.isEmpty ? nil : arguments)
        case .toolCallFinished(let name, let id, let ok, let detail):
            return .toolCallFinished(tool: name, toolCallID: id, ok: ok, result: detail.isEmpty ? nil : detail)
        case .workflow(let kind, let detail, let firesAt):
            return .workflowEvent(kind: kind, detail: detail.isEmpty ? nil : detail, firesAt: firesAt)
        }
    }

    private static func holdStage(_ stage: SwitchEvent.HoldStage) -> ControlEvent.HoldStage {
        switch stage {
        case .holding: .holding
        case .held: .held
        case .resuming: .resuming
        case .resumed: .resumed
        case .failed: .failed
        }
    }

    private static func transferStage(_ stage: SwitchEvent.TransferStage) -> ControlEvent.TransferStage {
        switch stage {
        case .requested: .requested
        case .trying: .trying
        case .completed: .completed
        case .failed: .failed
        }
    }

    private static func registrationChange(_ change: SwitchEvent.RegistrationChange) -> ControlEvent.RegistrationChange {
        switch change {
        case .registered: .registered
        case .refreshed: .refreshed
        case .unregistered: .unregistered
        case .expired: .expired
        }
    }
}
