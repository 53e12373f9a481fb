import CMediaShims
import Foundation

/// Streams and rooms on a loop: watching, moving between loops (loop thread only).
extension MediaLoop {

    /// Watches a stream: a slot (its epoll token), a place in the tick order, its RTP socket in
    /// the tick poll (or the loop's own epoll while it relays) and its RTCP socket in the loop's.
    func add(_ stream: StreamState) {
        stream.loop = self
        stream.scratch = scratch
        streams[stream.id] = stream
        let slot = freeSlots.popLast() ?? slots.count
        if slot == slots.count {
            slots.append(nil)
            readable.append(false)
        }
        slots[slot] = Unmanaged.passUnretained(stream)
        readable[slot] = false
        stream.slot = slot
        order.append(Unmanaged.passUnretained(stream))
        streamCount.add(1, ordering: .relaxed)
        // A socket that already holds packets is reported at once by EPOLL_CTL_ADD, edge-triggered too.
        stream.watchedImmediately = stream.relaying
        if pn_epoll_add_edge(stream.relaying ? epfd : tickEpfd, stream.fd, UInt64(slot)) != 0 {
            logger.error("cannot watch RTP socket", metadata: ["port": "\(stream.localPort)"])
        }
        if stream.rtcpFD >= 0, pn_epoll_add_edge(epfd, stream.rtcpFD, UInt64(slot) | Self.rtcpFlag) != 0 {
            logger.error("cannot watch RTCP socket", metadata: ["port": "\(stream.localPort + 1)"])
        }
    }

    /// A stream started or stopped relaying: its RTP socket moves between the tick poll and the
    /// loop's own epoll (relayed packets go out as soon as they arrive).
    func relayingChanged(_ stream: StreamState) {
        guard stream.slot >= 0, stream.loop === self, stream.watchedImmediately != stream.relaying else { return }
        _ = pn_epoll_del(stream.watchedImmediately ? epfd : tickEpfd, stream.fd)
        stream.watchedImmediately = stream.relaying
        if pn_epoll_add_edge(stream.relaying ? epfd : tickEpfd, stream.fd, UInt64(stream.slot)) != 0 {
            logger.error("cannot watch RTP socket", metadata: ["port": "\(stream.localPort)"])
        }
    }

    /// Takes a stream out of the slot table, tick order and epoll (not out of `streams`).
    private func unwatch(_ stream: StreamState) {
        streamCount.subtract(1, ordering: .relaxed)
        _ = pn_epoll_del(stream.watchedImmediately ? epfd : tickEpfd, stream.fd)
        if stream.rtcpFD >= 0 { _ = pn_epoll_del(epfd, stream.rtcpFD) }
        if stream.slot >= 0, stream.slot < slots.count {
            slots[stream.slot] = nil
            readable[stream.slot] = false
            freeSlots.append(stream.slot)
            let slot = UInt64(stream.slot)
            backlog.removeAll { $0 & ~Self.rtcpFlag == slot }
        }
        stream.slot = -1
        if let index = order.firstIndex(where: { $0.toOpaque() == Unmanaged.passUnretained(stream).toOpaque() }) {
            order.remove(at: index)
        }
    }

    @discardableResult
    func remove(_ id: UInt64) -> StreamState? {
        guard let stream = streams[id] else { return nil }
        unwatch(stream)
        streams.removeValue(forKey: id)
        if let room = stream.room { room.remove(id) }
        stream.relayPeer?.stopRelay()
        stream.closeSocket()
        return stream
    }

    func stream(_ id: UInt64) -> StreamState? { streams[id] }

    // MARK: rooms and moving streams between loops

    func addRoom(_ room: RoomState) { rooms[room.id] = room }

    @discardableResult
    func removeRoom(_ id: UInt64) -> RoomState? {
        guard let room = rooms.removeValue(forKey: id) else { return nil }
        room.close()
        return room
    }

    func room(_ id: UInt64) -> RoomState? { rooms[id] }

    /// Runs `work` on the stream now, or when it arrives if it is moving here; drops it otherwise
    /// (the stream was closed).
    func withStream(_ id: UInt64, _ work: @escaping @Sendable (MediaLoop, StreamState) -> Void) {
        if let stream = streams[id] {
            work(self, stream)
        } else if expected.withLock({ $0.contains(id) }) {
            waiting[id, default: []].append(work)
        }
    }

    /// Announces (any thread) that stream `id` will arrive from another loop.
    func expectArrival(_ id: UInt64) { _ = expected.withLock { $0.insert(id) } }

    /// Takes a stream off this loop without closing its sockets (it moves to another loop).
    func detach(_ id: UInt64) -> StreamState? {
        guard let stream = streams[id] else { return nil }
        unwatch(stream)
        streams.removeValue(forKey: id)
        if let room = stream.room { room.remove(id) }
        stream.relayPeer?.stopRelay()
        stream.stopRelay()
        return stream
    }

    /// A stream arriving from another loop: watched from now on, then its waiting work runs.
    func arrive(_ stream: StreamState) {
        add(stream)
        _ = expected.withLock { $0.remove(stream.id) }
        for work in waiting.removeValue(forKey: stream.id) ?? [] { work(self, stream) }
    }
}
