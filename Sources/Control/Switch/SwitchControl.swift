/// What the telephony side offers the control plane. The composition root adapts the switch
/// (calls, rooms, registrar, trunks) to this protocol; Control never imports the Switch module.
///
/// Every operation throws ``ControlError`` so a refusal keeps its meaning on the wire: an
/// unknown call, leg, room or member is a 404 (``ControlError/unknownCall(_:)``...), an
/// operation the call's state does not allow (hold a ringing call, resume one that is not held)
/// is a 409 (``ControlError/wrongState(_:)``), and input only the switch can judge (an
/// unroutable target) is a 400 or a 404. Requests arrive already checked with their
/// `validated()` methods.
public protocol SwitchControl: Sendable {
    /// The calls in progress, oldest first.
    func calls() async throws(ControlError) -> [LiveCall]
    /// One call; throws ``ControlError/unknownCall(_:)``.
    func call(_ id: CallID) async throws(ControlError) -> LiveCall
    /// Places a call; returns as soon as it has an id (it may still be ringing).
    func originate(_ request: OriginateRequest) async throws(ControlError) -> CallID
    func hangUp(_ call: CallID, _ request: HangUpRequest) async throws(ControlError)
    /// Holds the whole call, or one leg (`leg` non-nil).
    func hold(_ call: CallID, leg: LegID?) async throws(ControlError)
    func resume(_ call: CallID, leg: LegID?) async throws(ControlError)
    func transfer(_ call: CallID, _ request: TransferRequest) async throws(ControlError)
    /// Sends RFC 4733 telephone events on the call.
    func sendDTMF(_ call: CallID, _ request: DTMFRequest) async throws(ControlError)

    func rooms() async throws(ControlError) -> [RoomInfo]
    func room(_ id: RoomID) async throws(ControlError) -> RoomInfo
    /// Mute, unmute, deafen, kick or set the volume of a room member.
    func perform(_ action: MemberAction, on member: MemberID, in room: RoomID) async throws(ControlError)
    func play(_ request: PlayRequest, to target: MediaTarget) async throws(ControlError)
    func startRecording(_ target: MediaTarget) async throws(ControlError) -> RecordingInfo
    func stopRecording(_ target: MediaTarget) async throws(ControlError) -> RecordingInfo

    func registrations() async throws(ControlError) -> [RegistrationInfo]
    func trunks() async throws(ControlError) -> [TrunkInfo]
}

extension SwitchControl {
    /// Finds the call in ``calls()``; adapters with a direct lookup override it.
    public func call(_ id: CallID) async throws(ControlError) -> LiveCall {
        guard let call = try await calls().first(where: { $0.id == id }) else { throw .unknownCall(id) }
        return call
    }

    /// Finds the room in ``rooms()``; adapters with a direct lookup override it.
    public func room(_ id: RoomID) async throws(ControlError) -> RoomInfo {
        guard let room = try await rooms().first(where: { $0.id == id }) else { throw .unknownRoom(id) }
        return room
    }
}
