import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A client for baresip's ctrl_tcp module: one TCP connection to 127.0.0.1, netstring-framed JSON.
///
/// A reader thread collects every message; commands wait for the response carrying their token,
/// and event waits consume events in arrival order. Every wait is bounded.
final class BaresipControl: @unchecked Sendable {
    let port: UInt16
    private let condition = NSCondition()
    private var fd: Int32 = -1
    private var closing = false
    private var disconnected = false
    private var messages: [BaresipMessage] = []
    private var consumed: Set<Int> = []
    private var nextToken = 0
    private let readerDone = DispatchSemaphore(value: 0)
    private var readerStarted = false

    init(port: UInt16) {
        self.port = port
    }

    deinit { close() }

    /// Connects, retrying until `timeout` (baresip opens its control port shortly after start).
    /// `stillAlive` is polled so a peer that died is reported at once instead of after the timeout.
    func connect(timeout: TimeInterval, stillAlive: () -> Bool) throws(HarnessError) {
        let deadline = Date().addingTimeInterval(timeout)
        var lastErrno: Int32 = 0
        while Date() < deadline, stillAlive() {
            if let socket = BaresipControl.openSocket(port: port, errno: &lastErrno) {
                condition.lock()
                fd = socket
                readerStarted = true
                condition.unlock()
                let thread = Thread { [self] in readLoop(socket) }
                thread.name = "baresip-ctrl-\(port)"
                thread.start()
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw HarnessError.control(port: port, reason: "cannot connect: \(String(cString: strerror(lastErrno)))")
    }

    /// Sends a command and waits for its response.
    func send(_ command: String, params: String, timeout: TimeInterval) throws(HarnessError) -> BaresipMessage {
        condition.lock()
        nextToken += 1
        let token = "t\(nextToken)"
        let socket = fd
        let broken = disconnected || closing || socket < 0
        condition.unlock()
        guard !broken else { throw HarnessError.control(port: port, reason: "not connected") }

        let frame = Netstring.encode(BaresipMessage.command(command, params: params, token: token))
        try BaresipControl.writeAll(frame, to: socket, port: port)

        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let index = messages.firstIndex(where: { $0.isResponse && $0.token == token }) {
                consumed.insert(index)
                return messages[index]
            }
            if disconnected { throw HarnessError.control(port: port, reason: "connection closed during \(command)") }
            guard condition.wait(until: deadline) else {
                throw HarnessError.timedOut(what: "response to \(command)", seconds: timeout, output: "")
            }
        }
    }

    /// The first not yet consumed event of `type`, waiting up to `timeout`; it is then consumed,
    /// so each event satisfies one wait.
    func waitForEvent(_ type: String, timeout: TimeInterval) -> BaresipMessage? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let index = messages.indices.first(where: {
                !consumed.contains($0) && messages[$0].isEvent && messages[$0].type == type
            }) {
                consumed.insert(index)
                return messages[index]
            }
            if disconnected || !condition.wait(until: deadline) { return nil }
        }
    }

    /// Every message received so far, in order.
    var allMessages: [BaresipMessage] {
        condition.lock()
        defer { condition.unlock() }
        return messages
    }

    /// Stops the reader (within about 0.2 s) and closes the socket. Idempotent.
    func close() {
        condition.lock()
        let wasClosing = closing
        closing = true
        let started = readerStarted
        condition.unlock()
        guard !wasClosing else { return }
        if started { _ = readerDone.wait(timeout: .now() + 5) }
        condition.lock()
        if fd >= 0 { Posix.close(fd) }
        fd = -1
        disconnected = true
        condition.broadcast()
        condition.unlock()
    }

    private func readLoop(_ socket: Int32) {
        defer {
            condition.lock()
            disconnected = true
            condition.broadcast()
            condition.unlock()
            readerDone.signal()
        }
        var decoder = Netstring.Decoder()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            condition.lock()
            let stop = closing
            condition.unlock()
            if stop { return }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 200)
            if ready < 0 && errno != EINTR { return }
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }  // closed by baresip (it quit) or a socket error
            decoder.append(buffer[0..<count])
            do {
                while let payload = try decoder.next() {
                    guard let message = BaresipMessage(json: payload) else { continue }
                    condition.lock()
                    messages.append(message)
                    condition.broadcast()
                    condition.unlock()
                }
            } catch {
                return  // framing lost: treat as a broken connection
            }
        }
    }

    private static func openSocket(port: UInt16, errno lastErrno: inout Int32) -> Int32? {
        let socket = Posix.socket(Posix.streamSocket)
        guard socket >= 0 else {
            lastErrno = errno
            return nil
        }
        guard Posix.connect(socket, port: port) else {
            lastErrno = errno
            Posix.close(socket)
            return nil
        }
        return socket
    }

    private static func writeAll(_ bytes: [UInt8], to socket: Int32, port: UInt16) throws(HarnessError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Posix.send(socket, UnsafeRawBufferPointer(rebasing: raw[offset...]))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw HarnessError.control(port: port, reason: "send failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
