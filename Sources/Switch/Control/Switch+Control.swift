import Foundation
import Media
import RTP
import Registrar
import SIP

/// The switch's public face for the control plane: live calls, hang-up, blind transfer, DTMF,
/// registrations. Every request is carried out on the SIP thread (through `sip.perform`) and
/// answered through a continuation, so these are safe from any thread except the SIP thread
/// itself. A call is named by the Call-ID of its inbound leg, or by the id ``originate(to:connectTo:callerID:ringSeconds:)``
/// returned. Hold and resume are ``hold(callID:leg:)`` and ``resume(callID:leg:)``.
extension Switch {
    /// The calls in progress, oldest first, with each leg's live media counters.
    public func calls() async -> [CallSnapshot] {
        await snapshots(of: nil)
    }

    /// One call, or ``CallControlError/unknownCall(_:)``.
    public func call(_ id: String) async throws(CallControlError) -> CallSnapshot {
        guard let call = await snapshots(of: id).first else { throw .unknownCall(id) }
        return call
    }

    /// Every live call (or only the one named `id`), with its legs' media counters read from
    /// their media threads.
    private func snapshots(of id: String?) async -> [CallSnapshot] {
        let (snapshots, streams) = await onSIPThread { [self] () -> ([CallSnapshot], [MediaStream]) in
            let live = calls.values.filter { $0.phase != .ended && (id == nil || $0.callID == id) }
            let ringing = pendingOriginations().filter { id == nil || $0.id == id }
            let snapshots = live.map(snapshot) + ringing.map(snapshot)
            let streams = live.flatMap { call in [call.stream] + call.legs.map(\.stream) + [call.control.peer?.stream].compactMap { $0 } }
            return (snapshots.sorted { $0.startedAt < $1.startedAt }, streams)
        }
        let statistics = await Self.gatherStatistics(streams, timeout: .milliseconds(500))
        return snapshots.map { call in
            var call = call
            for index in call.legs.indices {
                call.legs[index].quality = statistics[call.legs[index].streamID].map(Self.quality)
            }
            return call
        }
    }

    /// Ends a call: BYE to every answered leg, CANCEL to legs still ringing, and `status` (default
    /// 480) to a caller whose call is still ringing.
    public func hangUp(callID: String, status: Int? = nil) async throws(CallControlError) {
        try await onSIPThread { [self] () -> Result<Void, CallControlError> in
            if let origination = origination(named: callID) {
                endOrigination(origination, status: 487, reason: "cancelled through the API")
                return .success(())
            }
            guard let call = liveCall(callID) else { return .failure(.unknownCall(callID)) }
            // A call its caller transferred away lives on between the callee and the stand-in
            // (its caller's dialog is ending or gone): hanging up ends those two.
            if call.standIn != nil {
                call.logger.info("hanging up on request of the control API", metadata: ["transferred-by-caller": "true"])
                endTransferredBridge(call, reason: "hung up through the API")
                return .success(())
            }
            guard call.phase != .ending else { return .failure(.wrongState("the call is already ending")) }
            call.logger.info("hanging up on request of the control API")
            hangUp(call, reason: "hung up through the API", status: status)
            return .success(())
        }.get()
    }

    /// Blind transfer of the call's caller to `target` (a dialplan number: a user, a trunk
    /// number or a conference): the target rings, and when it answers it replaces the call's
    /// other party (which gets BYE). Returns once the target rings (or, for a conference, once
    /// the caller is in); the outcome is reported as ``SwitchEvent/Kind/transfer(target:stage:)``.
    /// A call answered by the AI agent is transferred as the agent's own tool would.
    public func transfer(callID: String, to target: String) async throws(CallControlError) {
        try await onSIPThread { [self] () -> Result<Void, CallControlError> in
            guard !shuttingDown else { return .failure(.shuttingDown) }
            guard let call = liveCall(callID) else { return .failure(.unknownCall(callID)) }
            if let error = beginTransfer(call, to: target) { return .failure(error) }
            return .success(())
        }.get()
    }

    /// Every registered contact, from the location service (empty without users). Safe from
    /// any thread.
    public func registrations() -> [Binding] {
        pbx?.location.allBindings() ?? []
    }

    // MARK: SIP-thread helpers

    /// Runs `work` on the SIP thread and returns its result.
    func onSIPThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
            sip.perform { done.resume(returning: work()) }
        }
    }

    /// The live call with this API id.
    func liveCall(_ id: String) -> Call? {
        calls.values.first { $0.callID == id && $0.phase != .ended }
    }

    /// The dialog on `side` of `call`: its inbound leg, or the leg it is bridged with.
    func party(of call: Call, side: CallLegSide) -> Party? {
        switch side {
        case .caller: return .inbound(call)
        case .callee:
            if let leg = call.connected { return .outbound(leg) }
            return call.control.peer.map(Party.inbound)
        }
    }

    /// Reads every stream's counters on its media thread; streams that do not answer within
    /// `timeout` (closed meanwhile) are left out.
    static func gatherStatistics(_ streams: [MediaStream], timeout: Duration) async -> [UInt64: MediaStatistics] {
        guard !streams.isEmpty else { return [:] }
        let gatherer = StatisticsGatherer(expected: streams.count)
        return await withCheckedContinuation { (done: CheckedContinuation<[UInt64: MediaStatistics], Never>) in
            gatherer.start(done)
            for stream in streams {
                let id = stream.id
                stream.statistics { gatherer.add(id, $0) }
            }
            Task {
                try? await Task.sleep(for: timeout)
                gatherer.finish()
            }
        }
    }
}

/// Collects statistics replies from media threads and resumes its waiter once: when every
/// stream answered, or at ``finish()``.
final class StatisticsGatherer: @unchecked Sendable {
    private let lock = NSLock()
    private var expected: Int
    private var results: [UInt64: MediaStatistics] = [:]
    private var waiter: CheckedContinuation<[UInt64: MediaStatistics], Never>?
    private var done = false

    init(expected: Int) {
        self.expected = expected
    }

    func start(_ waiter: CheckedContinuation<[UInt64: MediaStatistics], Never>) {
        lock.withLock { self.waiter = waiter }
        resumeIfComplete()
    }

    func add(_ id: UInt64, _ statistics: MediaStatistics?) {
        lock.withLock {
            expected -= 1
            if let statistics { results[id] = statistics }
        }
        resumeIfComplete()
    }

    func finish() {
        lock.withLock { expected = 0 }
        resumeIfComplete()
    }

    private func resumeIfComplete() {
        let ready = lock.withLock { () -> (CheckedContinuation<[UInt64: MediaStatistics], Never>, [UInt64: MediaStatistics])? in
            guard !done, expected <= 0, let waiter else { return nil }
            done = true
            self.waiter = nil
            return (waiter, results)
        }
        if let (waiter, results) = ready { waiter.resume(returning: results) }
    }
}
