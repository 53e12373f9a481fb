import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// commands go in on fd 3, answers come out on fd 4, each message JSON ended by a NUL byte), so
/// a test can watch a live page change while it publishes events. No WebSocket, no extra
/// packages. The process is ours: it is killed by its pid when the session closes.
final class ChromiumSession: @unchecked Sendable {
    enum Failure: Error, CustomStringConvertible {
        case spawn(Int32)
        case closed
        case protocolError(String)
        var description: String {
            switch self {
            case .spawn(let code): "cannot start chromium (posix_spawn \(code))"
            case .closed: "chromium closed the pipe"
            case .protocolError(let detail): "DevTools error: \(detail)"
            }
        }
    }

    let pid: pid_t
    private let commands: Int32
    private let answers: Int32
    private let lock = NSLock()
    private var nextID = 1
    private var waiting: [Int: CheckedContinuation<[String: Any], any Error>] = [:]
    private var finished = false

    init(executable: String, profile: String) throws {
        var toChrome: [Int32] = [0, 0]
        var fromChrome: [Int32] = [0, 0]
        guard pipe(&toChrome) == 0, pipe(&fromChrome) == 0 else { throw Failure.spawn(errno) }
        // Only the dup2'd copies (fds 3 and 4) reach chromium; the originals close on exec.
        for fd in toChrome + fromChrome { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChrome[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromChrome[1], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--no-first-run", "--remote-debugging-pipe", "--user-data-dir=\(profile)", "about:blank"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, nil, &argv, environ)
        Glibc.close(toChrome[0])
        Glibc.close(fromChrome[1])
        guard status == 0 else {
            Glibc.close(toChrome[1])
            Glibc.close(fromChrome[0])
            throw Failure.spawn(status)
        }
        pid = child
        commands = toChrome[1]
        answers = fromChrome[0]
        let reader = Thread { [self] in readLoop() }
        reader.start()
    }

    /// Sends one command and waits for its answer (`result`), failing on a protocol error.
    func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil) async throws -> [String: Any] {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[String: Any], any Error>) in
            lock.lock()
            guard !finished else {
                lock.unlock()
                continuation.resume(throwing: Failure.closed)
                return
            }
            let id = nextID
            nextID += 1
            waiting[id] = continuation
            lock.unlock()
            var message: [String: Any] = ["id": id, "method": method, "params": params]
            if let session { message["sessionId"] = session }
            guard var data = try? JSONSerialization.data(withJSONObject: message) else {
                fail(id, Failure.protocolError("cannot encode \(method)"))
                return
            }
            data.append(0)
            let written = data.withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
            if written != data.count { fail(id, Failure.closed) }
        }
    }

    /// Opens `url` in a new tab and returns the session to talk to it.
    func open(_ url: String) async throws -> String {
        let target = try await send("Target.createTarget", ["url": url])
        guard let targetID = target["targetId"] as? String else { throw Failure.protocolError("no targetId") }
        let attached = try await send("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw Failure.protocolError("no sessionId") }
        return session
    }

    /// Evaluates a JavaScript expression in the page and returns its value (strings, numbers, booleans).
    func evaluate(_ expression: String, session: String) async throws -> Any? {
        let answer = try await send("Runtime.evaluate", ["expression": expression, "returnByValue": true],
                                    session: session)
        return (answer["result"] as? [String: Any])?["value"]
    }

    /// Polls `expression` until it is true, at most `attempts` times 50 ms apart (liveness only).
    func waitUntil(_ expression: String, session: String, attempts: Int = 400) async throws -> Bool {
        for _ in 0..<attempts {
            if try await evaluate(expression, session: session) as? Bool == true { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Asks the browser to quit, then makes sure the process is gone and reaped.
    func close() async {
        _ = try? await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await self.send("Browser.close") }
            group.addTask { try await Task.sleep(for: .seconds(5)) }
            try await group.next()
            group.cancelAll()
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        Glibc.close(commands)
    }

    private func fail(_ id: Int, _ error: any Error) {
        lock.lock()
        let continuation = waiting.removeValue(forKey: id)
        lock.unlock()
        continuation?.resume(throwing: error)
    }

    private func readLoop() {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(answers, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            pending.append(contentsOf: chunk[0..<count])
            while let end = pending.firstIndex(of: 0) {
                let message = Array(pending[..<end])
                pending.removeSubrange(...end)
                deliver(message)
            }
        }
        Glibc.close(answers)
        lock.lock()
        finished = true
        let all = waiting
        waiting.removeAll()
        lock.unlock()
        for continuation in all.values { continuation.resume(throwing: Failure.closed) }
    }

    private func deliver(_ bytes: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let id = object["id"] as? Int else { return }  // events have no id
        lock.lock()
        let continuation = waiting.removeValue(forKey: id)
        lock.unlock()
        if let error = object["error"] as? [String: Any] {
            continuation?.resume(throwing: Failure.protocolError("\(error["message"] ?? error)"))
        } else {
            continuation?.resume(returning: object["result"] as? [String: Any] ?? [:])
        }
    }
}
