import Control
import Foundation

/// An in-test switch: a small table of calls and rooms with real state rules (hold needs an
/// answered call, resume a held one), recording every operation it is asked to do.
final class RecordingSwitch: SwitchControl, @unchecked Sendable {
    enum Operation: Equatable {
        case originate(OriginateRequest)
        case hangUp(CallID, HangUpRequest)
        case hold(CallID, LegID?)
        case resume(CallID, LegID?)
        case transfer(CallID, TransferRequest)
        case dtmf(CallID, DTMFRequest)
        case member(MemberAction, MemberID, RoomID)
        case play(PlayRequest, String)
        case startRecording(String)
        case stopRecording(String)
    }

    private let lock = NSLock()
    private var liveCalls: [LiveCall]
    private var liveRooms: [RoomInfo]
    private var log: [Operation] = []
    private var nextCall = 100

    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    init() {
        let answered = LiveCall(
            id: "c-1", state: .answered, direction: .inbound, from: "sip:alice@example.com", to: "1000",
            legs: [
                CallLeg(id: "l-1", remoteURI: "sip:alice@192.0.2.10:5062", state: .answered, codec: "PCMU", srtp: true,
                        quality: MediaQuality(packetsReceived: 1000, packetsSent: 998, packetsLost: 10,
                                              jitterMilliseconds: 4.5, mos: 4.2)),
                CallLeg(id: "l-2", remoteURI: "agent:support", state: .answered, codec: "L16"),
            ],
            room: "r-1", trunk: "provider", startedAt: Self.start, answeredAt: Self.start.addingTimeInterval(2),
            conversationID: "conv-1")
        let ringing = LiveCall(id: "c-2", state: .ringing, direction: .outbound, from: "1000", to: "1001",
                               legs: [CallLeg(id: "l-3", remoteURI: "sip:1001@192.0.2.11", state: .ringing)],
                               startedAt: Self.start.addingTimeInterval(5))
        liveCalls = [answered, ringing]
        liveRooms = [RoomInfo(id: "r-1", kind: .call, sampleRate: 16_000, members: [
            RoomMember(id: "m-1", kind: .leg, displayName: "Alice", callID: "c-1", legID: "l-1", joinedAt: Self.start),
            RoomMember(id: "m-2", kind: .agent, displayName: "agent: support", callID: "c-1", joinedAt: Self.start),
        ], createdAt: Self.start)]
    }

    var operations: [Operation] { lock.withLock { log } }

    /// A call that just arrived.
    func add(_ call: LiveCall) {
        lock.withLock { liveCalls.append(call) }
    }

    private func record(_ operation: Operation) {
        lock.withLock { log.append(operation) }
    }

    private func find(_ id: CallID) throws(ControlError) -> LiveCall {
        guard let call = lock.withLock({ liveCalls.first { $0.id == id } }) else { throw .unknownCall(id) }
        return call
    }

    private func setState(_ id: CallID, _ state: CallState) {
        lock.withLock {
            if let index = liveCalls.firstIndex(where: { $0.id == id }) { liveCalls[index].state = state }
        }
    }

    func calls() async throws(ControlError) -> [LiveCall] {
        lock.withLock { liveCalls }
    }

    func originate(_ request: OriginateRequest) async throws(ControlError) -> CallID {
        if request.to == "nowhere" { throw .unknownTarget(request.to) }
        record(.originate(request))
        return lock.withLock {
            nextCall += 1
            let id = CallID("c-\(nextCall)")
            liveCalls.append(LiveCall(id: id, state: .ringing, direction: .outbound, from: request.callerID ?? "parley",
                                      to: request.to, startedAt: Self.start))
            return id
        }
    }

    func hangUp(_ call: CallID, _ request: HangUpRequest) async throws(ControlError) {
        _ = try find(call)
        record(.hangUp(call, request))
        lock.withLock { liveCalls.removeAll { $0.id == call } }
    }

    func hold(_ call: CallID, leg: LegID?) async throws(ControlError) {
        let found = try find(call)
        if let leg, !found.legs.contains(where: { $0.id == leg }) { throw .unknownLeg(leg, call: call) }
        guard found.state == .answered else { throw .wrongState("call \(call) is \(found.state.rawValue), not answered") }
        record(.hold(call, leg))
        setState(call, .held)
    }

    func resume(_ call: CallID, leg: LegID?) async throws(ControlError) {
        let found = try find(call)
        guard found.state == .held else { throw .wrongState("call \(call) is not on hold") }
        record(.resume(call, leg))
        setState(call, .answered)
    }

    func transfer(_ call: CallID, _ request: TransferRequest) async throws(ControlError) {
        let found = try find(call)
        if case .attended(let other) = request { _ = try find(other) }
        guard found.state == .answered else { throw .wrongState("call \(call) is not answered") }
        record(.transfer(call, request))
    }

    func sendDTMF(_ call: CallID, _ request: DTMFRequest) async throws(ControlError) {
        _ = try find(call)
        record(.dtmf(call, request))
    }

    func rooms() async throws(ControlError) -> [RoomInfo] {
        lock.withLock { liveRooms }
    }

    func perform(_ action: MemberAction, on member: MemberID, in room: RoomID) async throws(ControlError) {
        let found = try await self.room(room)
        guard found.members.contains(where: { $0.id == member }) else { throw .unknownMember(member, room: room) }
        record(.member(action, member, room))
    }

    func play(_ request: PlayRequest, to target: MediaTarget) async throws(ControlError) {
        try await check(target)
        record(.play(request, target.description))
    }

    func startRecording(_ target: MediaTarget) async throws(ControlError) -> RecordingInfo {
        try await check(target)
        record(.startRecording(target.description))
        return RecordingInfo(path: "/var/lib/parley/recordings/\(target.description.replacingOccurrences(of: " ", with: "-")).wav",
                             active: true, startedAt: Self.start)
    }

    func stopRecording(_ target: MediaTarget) async throws(ControlError) -> RecordingInfo {
        try await check(target)
        record(.stopRecording(target.description))
        return RecordingInfo(path: "/var/lib/parley/recordings/x.wav", active: false, startedAt: Self.start)
    }

    private func check(_ target: MediaTarget) async throws(ControlError) {
        switch target {
        case .call(let id): _ = try find(id)
        case .room(let id): _ = try await room(id)
        }
    }

    func registrations() async throws(ControlError) -> [RegistrationInfo] {
        [RegistrationInfo(user: "1000", contacts: [
            RegisteredContact(uri: "sip:1000@192.0.2.20:5060", expiresAt: Self.start.addingTimeInterval(3600),
                              source: "192.0.2.20:5060", transport: "udp", userAgent: "Linphone"),
        ])]
    }

    func trunks() async throws(ControlError) -> [TrunkInfo] {
        [TrunkInfo(name: "provider", state: .registered, registrar: "sip:sip.provider.example",
                   expiresAt: Self.start.addingTimeInterval(3600), activeCalls: 1)]
    }
}

/// An in-test agent catalog: one agent with two versions; validation flags a missing
/// `name:` line and reports the line of every "TODO".
final class FakeAgentCatalog: AgentCatalogControl {
    func agents() async throws(ControlError) -> [AgentSummary] {
        [AgentSummary(name: "support", description: "Front desk", currentVersion: ControlHarness.version,
                      versions: [AgentVersionSummary(version: ControlHarness.version, source: "conf/agents/support.yaml"),
                                 AgentVersionSummary(version: "agent-hash-0")])]
    }

    func validate(_ source: AgentDefinitionText) async throws(ControlError) -> AgentValidationReport {
        var problems: [AgentProblem] = []
        let lines = source.content.split(separator: "\n", omittingEmptySubsequences: false)
        if !lines.contains(where: { $0.hasPrefix("name:") }) {
            problems.append(AgentProblem(message: "missing name", line: 1, path: "name"))
        }
        for (index, line) in lines.enumerated() where line.contains("TODO") {
            problems.append(AgentProblem(message: "unfinished", line: index + 1))
        }
        return AgentValidationReport(valid: problems.isEmpty, name: nil,
                                     version: problems.isEmpty ? "hash-of-\(source.content.utf8.count)" : nil,
                                     problems: problems)
    }
}
