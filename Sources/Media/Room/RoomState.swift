import Codecs

/// A room member that is not an RTP stream (the AI participant): it hears the mix of the others
/// and says something (or nothing) every tick. Both calls come on the room's media thread, every
/// 20 ms, with frames at ``sampleRate``; they must not block.
public protocol RoomEndpoint: AnyObject, Sendable {
    var sampleRate: Int { get }
    /// What the endpoint hears this tick (everyone but itself). True when that silenced it (a
    /// barge-in): the room then mixes this tick again without the frame it said, so listeners
    /// get silence now rather than one tick later.
    func hear(_ frame: UnsafeBufferPointer<Int16>) -> Bool
    /// Fills what the endpoint says this tick; false when it is silent.
    func speak(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool
}

/// Something a room tells the switch.
public enum RoomEvent: Sendable, Equatable {
    /// A member started or stopped talking (energy-based).
    case talking(room: UInt64, member: UInt64, Bool)
    /// A clip played into the room or to one member ended.
    case playbackFinished(room: UInt64, playback: UInt64)
    /// The room switched between relaying packets (two same-codec members) and mixing.
    case relaying(room: UInt64, Bool)
}

/// One room on its media loop: members (streams and endpoints), clips played into it, an
/// optional recording. Each tick it converts every member's decoded frame to the room's rate,
/// mixes N-1 (``AudioMixer``), converts back and has each stream encode and send its mix. A
/// two-party room whose members use the same codec relays packets instead (no decode, no mix) —
/// until a third member, a player, a recording or a member setting makes mixing necessary.
/// Loop thread only.
final class RoomState: @unchecked Sendable {
    final class Member: @unchecked Sendable {
        enum Kind {
            case stream(StreamState)
            case endpoint(any RoomEndpoint)
        }

        let id: UInt64
        let kind: Kind
        var muted = false
        var deaf = false
        var inputGain: Int32 = 1024
        var outputGain: Int32 = 1024
        var talker = TalkerDetector()
        /// The room hears this instead of the member (the member put the others on hold).
        var inputOverride: ClipPlayer?
        /// The member hears this instead of the room (parked with music).
        var outputOverride: ClipPlayer?
        /// Played to this member only, over what it hears.
        var prompt: ClipPlayer?
        var up: RateBridge
        var down: RateBridge
        /// The member's frame at its own rate (endpoint audio in, stream/endpoint audio out).
        var own: [Int16]
        var heard: [Int16]
        var rate: Int

        init(id: UInt64, kind: Kind, rate: Int, roomRate: Int, roomFrame: Int) {
            self.id = id
            self.kind = kind
            self.rate = rate
            up = RateBridge(from: rate, to: roomRate)
            down = RateBridge(from: roomRate, to: rate)
            own = [Int16](repeating: 0, count: rate / 50)
            heard = [Int16](repeating: 0, count: roomFrame)
        }

        var stream: StreamState? {
            if case .stream(let s) = kind { return s }
            return nil
        }

        var isEndpoint: Bool {
            if case .endpoint = kind { return true }
            return false
        }

        /// Nothing about the member needs the decoded audio (it could be relayed).
        var plain: Bool {
            !muted && !deaf && inputGain == 1024 && outputGain == 1024 && inputOverride == nil && outputOverride == nil
                && prompt == nil
        }

        /// Re-creates the rate bridges when the member's codec rate changed (re-INVITE).
        func retune(roomRate: Int) {
            guard let stream, stream.sampleRate != rate else { return }
            rate = stream.sampleRate
            up = RateBridge(from: rate, to: roomRate)
            down = RateBridge(from: roomRate, to: rate)
            own = [Int16](repeating: 0, count: rate / 50)
        }
    }

    let id: UInt64
    let sampleRate: Int
    let frameSize: Int
    let onEvent: @Sendable (RoomEvent) -> Void
    var allowRelay = true
    private(set) var members: [Member] = []
    private var players: [ClipPlayer] = []
    private var channels: [MixerChannel] = []
    private var mixer: AudioMixer
    var recorder: WAVRecorder?
    private(set) var relaying = false
    private var sharedPayloads: [Int: [UInt8]] = [:]
    private var sharedFrames: [Int: (bridge: RateBridge, frame: [Int16], valid: Bool)] = [:]
    /// Streams on their way here from another loop (``Room/add(_:options:)`` takes two hops, a
    /// setting posted right after it one): the settings for them, applied when they arrive.
    private var arriving: [UInt64: [(Member) -> Void]] = [:]
    /// Streams taken out before they arrived: they must not join when they do.
    private var withdrawn: Set<UInt64> = []

    init(id: UInt64, sampleRate: Int, onEvent: @escaping @Sendable (RoomEvent) -> Void) {
        self.id = id
        self.sampleRate = sampleRate
        frameSize = sampleRate / 50
        self.onEvent = onEvent
        mixer = AudioMixer(frameSize: frameSize)
    }

    // MARK: membership

    func add(_ member: Member) {
        members.append(member)
        if let stream = member.stream {
            stream.room = self
        }
        for change in arriving.removeValue(forKey: member.id) ?? [] { change(member) }
        rebuildChannels()
    }

    /// A stream is on its way (posted before its move, so before any setting for it).
    func expect(_ memberID: UInt64) {
        withdrawn.remove(memberID)
        if member(memberID) == nil, arriving[memberID] == nil { arriving[memberID] = [] }
    }

    /// The stream arrived: false when it was taken out on its way (it joins nothing).
    func admit(_ memberID: UInt64) -> Bool {
        withdrawn.remove(memberID) == nil
    }

    /// Applies `change` to the member now, or when it arrives if it is on its way; a member that
    /// is neither is ignored (it left).
    func withMember(_ memberID: UInt64, _ change: @escaping (Member) -> Void) {
        if let m = member(memberID) {
            change(m)
        } else if arriving[memberID] != nil {
            arriving[memberID]?.append(change)
        }
    }

    @discardableResult
    func remove(_ memberID: UInt64) -> Member? {
        if arriving.removeValue(forKey: memberID) != nil { withdrawn.insert(memberID) }
        guard let index = members.firstIndex(where: { $0.id == memberID }) else { return nil }
        let member = members.remove(at: index)
        if let stream = member.stream {
            stream.room = nil
            stream.stopRelay()
        }
        rebuildChannels()
        return member
    }

    func member(_ id: UInt64) -> Member? { members.first { $0.id == id } }

    func addPlayer(_ player: ClipPlayer) {
        players.append(player)
        rebuildChannels()
    }

    func removePlayer(_ id: UInt64) {
        players.removeAll { $0.id == id }
        for m in members where m.prompt?.id == id { m.prompt = nil }
        rebuildChannels()
    }

    private func rebuildChannels() {
        let count = members.count + players.count
        if channels.count != count {
            channels = (0..<count).map { _ in MixerChannel(frameSize: frameSize) }
        }
        for i in members.count..<count { channels[i].hears = false }
    }

    /// Ends the room: members go back to their own sources, the recording is closed.
    func close() {
        for m in members {
            m.stream?.room = nil
            m.stream?.stopRelay()
        }
        members.removeAll()
        arriving.removeAll()
        withdrawn.removeAll()
        players.removeAll()
        recorder?.finish()
        recorder = nil
    }

    // MARK: relay

    private func updateRelay() {
        var pair: (StreamState, StreamState)?
        if allowRelay, members.count == 2, players.isEmpty, recorder == nil, members.allSatisfy(\.plain),
           let a = members[0].stream, let b = members[1].stream, let aa = a.audio, let ba = b.audio,
           aa.codec.encoding == ba.codec.encoding, aa.clockRate == ba.clockRate, aa.ptime == ba.ptime,
           aa.codec.encoding != .opus || aa.codec == ba.codec {
            pair = (a, b)
        }
        if let (a, b) = pair {
            if !relaying || a.relayPeer !== b || b.relayPeer !== a {
                a.relayPeer = b
                b.relayPeer = a
                a.markTalkspurt()
                b.markTalkspurt()
                relaying = true
                onEvent(.relaying(room: id, true))
            }
        } else if relaying {
            for m in members { m.stream?.stopRelay() }
            relaying = false
            onEvent(.relaying(room: id, false))
        }
    }

    // MARK: tick

    func tick() {
        updateRelay()
        guard !relaying else { return }
        gatherInputs()
        mixer.mix(&channels)
        // Endpoints hear first: one silenced by what it heard leaves this tick's mix.
        var silenced = false
        for (i, member) in members.enumerated() where member.isEndpoint {
            if deliver(to: member, channel: i), channels[i].contributes {
                channels[i].contributes = false
                silenced = true
            }
        }
        if silenced { mixer.mix(&channels) }
        if let recorder {
            mixer.sharedMix.withUnsafeBufferPointer { recorder.append($0) }
        }
        sharedPayloads.removeAll(keepingCapacity: true)
        for key in sharedFrames.keys { sharedFrames[key]?.valid = false }
        for (i, member) in members.enumerated() where !member.isEndpoint { deliver(to: member, channel: i) }
        for (j, player) in players.enumerated().reversed() where player.finished {
            players.remove(at: j)
            onEvent(.playbackFinished(room: id, playback: player.id))
            rebuildChannels()
        }
    }

    private func gatherInputs() {
        for (i, member) in members.enumerated() {
            member.retune(roomRate: sampleRate)
            if var clip = member.inputOverride {
                _ = channels[i].input.withUnsafeMutableBufferPointer { clip.fill($0) }
                member.inputOverride = clip
                channels[i].contributes = true
                channels[i].inputGain = 1024
                continue
            }
            switch member.kind {
            case .stream(let stream):
                if stream.decodedValid {
                    stream.decoded.withUnsafeBufferPointer { member.up.push($0) }
                }
            case .endpoint(let endpoint):
                let spoke = member.own.withUnsafeMutableBufferPointer { endpoint.speak(into: $0) }
                if spoke { member.own.withUnsafeBufferPointer { member.up.push($0) } }
            }
            let has = member.up.pop(into: &channels[i].input)
            let change = has ? channels[i].input.withUnsafeBufferPointer { member.talker.feed($0) } : member.talker.feedSilence()
            if let change { onEvent(.talking(room: id, member: member.id, change == .started)) }
            channels[i].contributes = has && !member.muted && member.talker.talking
            channels[i].inputGain = member.inputGain
        }
        for j in players.indices {
            let c = members.count + j
            _ = channels[c].input.withUnsafeMutableBufferPointer { players[j].fill($0) }
            channels[c].contributes = true
        }
    }

    /// Sends (or hands) the member its mix; true when an endpoint was silenced by it.
    @discardableResult
    private func deliver(to member: Member, channel i: Int) -> Bool {
        channels[i].hears = !member.deaf
        channels[i].outputGain = member.outputGain
        if member.deaf && member.outputOverride == nil && member.prompt == nil {
            member.stream?.markTalkspurt()
            return false
        }
        // What the member hears at the room's rate.
        if var clip = member.outputOverride {
            _ = member.heard.withUnsafeMutableBufferPointer { clip.fill($0) }
            member.outputOverride = clip
        } else if member.deaf {
            for k in member.heard.indices { member.heard[k] = 0 }
        } else if channels[i].usesSharedMix, member.prompt == nil, let stream = member.stream, shareable(stream) {
            sendShared(to: stream, member: member)
            return false
        } else {
            let source = channels[i].usesSharedMix ? mixer.sharedMix : channels[i].output
            member.heard.withUnsafeMutableBufferPointer { dst in
                source.withUnsafeBufferPointer { src in
                    for k in 0..<min(dst.count, src.count) { dst[k] = src[k] }
                }
            }
        }
        if var prompt = member.prompt {
            _ = member.heard.withUnsafeMutableBufferPointer { prompt.mix(into: $0) }
            member.prompt = prompt.finished ? nil : prompt
            if prompt.finished { onEvent(.playbackFinished(room: id, playback: prompt.id)) }
        }
        member.heard.withUnsafeBufferPointer { member.down.push($0) }
        switch member.kind {
        case .stream(let stream):
            guard stream.canSend else { return false }
            while member.down.fifo.count >= stream.frameSize, stream.frameSize > 0 {
                if member.own.count != stream.frameSize { member.own = [Int16](repeating: 0, count: stream.frameSize) }
                guard member.down.pop(into: &member.own) else { break }
                member.own.withUnsafeBufferPointer { stream.sendFrame($0) }
            }
            return false
        case .endpoint(let endpoint):
            if member.own.count != endpoint.sampleRate / 50 { member.own = [Int16](repeating: 0, count: endpoint.sampleRate / 50) }
            guard member.down.pop(into: &member.own) else { return false }
            return member.own.withUnsafeBufferPointer { endpoint.hear($0) }
        }
    }

    /// G.711 is stateless: listeners who hear exactly the shared mix at the same rate get one
    /// encoding between them.
    private func shareable(_ stream: StreamState) -> Bool {
        guard let audio = stream.audio, stream.canSend, stream.frameSize == stream.sampleRate / 50 else { return false }
        return audio.codec.encoding == .pcmu || audio.codec.encoding == .pcma
    }

    private func sendShared(to stream: StreamState, member: Member) {
        guard let audio = stream.audio else { return }
        let rate = stream.sampleRate
        let key = rate << 8 | (audio.codec.encoding == .pcmu ? 0 : 1)
        if let payload = sharedPayloads[key] {
            stream.sendPayload(payload)
            return
        }
        // The shared mix at this rate, converted once per tick.
        if sharedFrames[rate] == nil {
            sharedFrames[rate] = (RateBridge(from: sampleRate, to: rate), [Int16](repeating: 0, count: rate / 50), false)
        }
        guard var entry = sharedFrames[rate] else { return }
        sharedFrames[rate] = nil
        if !entry.valid {
            mixer.sharedMix.withUnsafeBufferPointer { entry.bridge.push($0) }
            entry.valid = entry.bridge.pop(into: &entry.frame)
        }
        var payload: [UInt8] = []
        payload.reserveCapacity(entry.frame.count)
        if entry.valid, entry.frame.withUnsafeBufferPointer({ stream.encodeOnly($0, into: &payload) }) {
            sharedPayloads[key] = payload
            stream.sendPayload(payload)
        }
        sharedFrames[rate] = entry
    }
}
