import Foundation
import Synchronization

/// The switch's handle on one room: the one place audio meets. A two-party call is a room of two,
/// a conference a room of N, and the AI participant joins as a ``RoomEndpoint``. The room lives on
/// one media loop; streams that join move there (sockets, codecs and SRTP intact). Every member
/// hears the N-1 mix at the room's rate (8, 16 or 48 kHz), converted to its own codec.
///
/// Thread-safe: each call is forwarded to the room's loop and applied in order (a setting for a
/// stream still moving here waits for it).
public final class Room: Sendable {
    public let id: UInt64
    public let sampleRate: Int
    let loop: MediaLoop
    private let nextPlayback: Atomic<UInt64>
    private let closed = Atomic<Bool>(false)

    init(id: UInt64, sampleRate: Int, loop: MediaLoop) {
        self.id = id
        self.sampleRate = sampleRate
        self.loop = loop
        nextPlayback = Atomic(id << 20)
    }

    /// Settings a member joins with.
    public struct MemberOptions: Sendable, Equatable {
        public var muted: Bool
        public var deaf: Bool
        public init(muted: Bool = false, deaf: Bool = false) {
            self.muted = muted
            self.deaf = deaf
        }
    }

    /// Adds a stream (moving it to this room's loop, out of any other room). Its member id is the
    /// stream's id. From then on the room decides what the stream sends.
    public func add(_ stream: MediaStream, options: MemberOptions = MemberOptions()) {
        let roomID = id
        let rate = sampleRate
        // A stream from another loop arrives two hops later than a setting posted after this
        // call: the room holds such settings (and a removal) for it until it is here.
        let streamID = stream.id
        post { $0.expect(streamID) }
        stream.move(to: loop) { loop, state in
            guard let room = loop.room(roomID) else { return }
            if let previous = state.room, previous !== room { previous.remove(state.id) }
            guard state.room !== room, room.admit(state.id) else { return }
            let member = RoomState.Member(id: state.id, kind: .stream(state), rate: state.sampleRate, roomRate: rate,
                                          roomFrame: rate / 50)
            member.muted = options.muted
            member.deaf = options.deaf
            room.add(member)
        }
    }

    /// Adds an endpoint (the AI participant); returns its member id.
    @discardableResult
    public func add(endpoint: any RoomEndpoint, options: MemberOptions = MemberOptions()) -> UInt64 {
        let memberID = nextPlayback.add(1, ordering: .relaxed).oldValue
        let rate = sampleRate
        post { room in
            let member = RoomState.Member(id: memberID, kind: .endpoint(endpoint), rate: endpoint.sampleRate, roomRate: rate,
                                          roomFrame: rate / 50)
            member.muted = options.muted
            member.deaf = options.deaf
            room.add(member)
        }
        return memberID
    }

    /// Takes a member out (a stream stays open and goes back to its own source: silence).
    public func remove(member: UInt64) {
        post { $0.remove(member) }
    }

    public func setMuted(_ member: UInt64, _ muted: Bool) {
        post { $0.withMember(member) { $0.muted = muted } }
    }

    public func setDeaf(_ member: UInt64, _ deaf: Bool) {
        post { $0.withMember(member) { $0.deaf = deaf } }
    }

    /// Volume steps -4...4 (≈ 3 dB each) for what the member says (`input`) and hears (`output`).
    public func setVolume(_ member: UInt64, input: Int? = nil, output: Int? = nil) {
        post { room in
            room.withMember(member) { m in
                if let input { m.inputGain = AudioMixer.gain(forVolumeStep: input) }
                if let output { m.outputGain = AudioMixer.gain(forVolumeStep: output) }
            }
        }
    }

    /// The member put the others on hold: they hear `music` (at the room's rate) instead of it;
    /// nil resumes.
    public func setHolding(_ member: UInt64, music: SoundClip?) {
        let id = nextPlayback.add(1, ordering: .relaxed).oldValue
        post { room in
            room.withMember(member) { $0.inputOverride = music.map { ClipPlayer(id: id, clip: $0, loop: true) } }
        }
    }

    /// Parks the member: it hears `music` instead of the room, and the room does not hear it; nil
    /// brings it back.
    public func setParked(_ member: UInt64, music: SoundClip?) {
        let id = nextPlayback.add(1, ordering: .relaxed).oldValue
        post { room in
            room.withMember(member) { m in
                m.outputOverride = music.map { ClipPlayer(id: id, clip: $0, loop: true) }
                m.muted = music != nil
            }
        }
    }

    /// Plays a clip (at the room's rate) into the room; returns its playback id, reported in
    /// ``RoomEvent/playbackFinished(room:playback:)``.
    @discardableResult
    public func play(_ clip: SoundClip, loop: Bool = false) -> UInt64 {
        let id = nextPlayback.add(1, ordering: .relaxed).oldValue
        post { $0.addPlayer(ClipPlayer(id: id, clip: clip, loop: loop)) }
        return id
    }

    /// Plays a clip (at the room's rate) to one member only, over what it hears.
    @discardableResult
    public func play(_ clip: SoundClip, to member: UInt64) -> UInt64 {
        let id = nextPlayback.add(1, ordering: .relaxed).oldValue
        post { $0.withMember(member) { $0.prompt = ClipPlayer(id: id, clip: clip, loop: false) } }
        return id
    }

    public func stopPlayback(_ playback: UInt64) {
        post { $0.removePlayer(playback) }
    }

    /// Records the room's full mix to a WAV file at the room's rate.
    public func startRecording(path: String) throws(MediaError) {
        let recorder = try WAVRecorder(path: path, sampleRate: sampleRate)
        post { room in
            room.recorder?.finish()
            room.recorder = recorder
        }
    }

    /// Stops the recording; `completion` gets the seconds recorded once the file is closed.
    public func stopRecording(completion: (@Sendable (Double) -> Void)? = nil) {
        post { room in
            room.recorder?.finish(completion: completion)
            room.recorder = nil
        }
    }

    /// Whether a two-party same-codec room may relay packets without decoding (default true).
    public func setRelayAllowed(_ allowed: Bool) {
        post { $0.allowRelay = allowed }
    }

    /// Members (ids) and whether the room is relaying, read on the loop.
    public func snapshot(_ reply: @escaping @Sendable (_ members: [UInt64], _ relaying: Bool) -> Void) {
        post { reply($0.members.map(\.id), $0.relaying) }
    }

    /// Ends the room; streams still in it stay open (go back to silence), a recording is closed.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let id = id
        loop.post { $0.removeRoom(id) }
    }

    private func post(_ work: @escaping @Sendable (RoomState) -> Void) {
        let id = id
        loop.post { loop in
            if let room = loop.room(id) { work(room) }
        }
    }
}
