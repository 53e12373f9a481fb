import CSofiaShims
import Foundation
import Logging
import Synchronization

/// Receives the stack's events on the SIP thread, in order.
public protocol SIPStackDelegate: AnyObject {
    func sipStack(_ stack: SIPStack, didReceive event: SIPEvent)
}

public struct SIPStackError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The SIP module's entry point: one Sofia-SIP user agent (nua) running on its own thread.
///
/// It owns the `su_root` loop, turns nua callbacks into ``SIPEvent`` values and runs commands on
/// that thread. It knows nothing about calls, media or the dialplan; the delegate decides. Methods
/// documented "SIP thread" must be called from the delegate callback, a ``schedule(after:_:)``
/// timer or a ``perform(_:)`` block; ``perform(_:)`` and ``shutdown(timeout:)`` are safe anywhere.
public final class SIPStack: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var userAgent: String
        public var allow = "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO, PRACK, REGISTER, REFER, NOTIFY"
        /// RFC 4028 session timers and RFC 3891 Replaces (an INVITE may replace one of our dialogs).
        public var supported = "timer, replaces"
        public var accept = "application/sdp"
        public var sofiaLogLevel = 0
        public init(host: String, port: Int, userAgent: String) {
            self.host = host
            self.port = port
            self.userAgent = userAgent
        }
        var bindURL: String {
            host.contains(":") ? "sip:[\(host)]:\(port)" : "sip:\(host):\(port)"
        }
    }

    public let configuration: Configuration
    public weak var delegate: SIPStackDelegate?
    private let logger: Logger

    // Touched only on the SIP thread once started.
    private var stack: OpaquePointer?
    private var timers: [UInt64: () -> Void] = [:]
    private var nextTimerID: UInt64 = 1
    private var sipThread: pthread_t?

    private let pending = Mutex<[@Sendable () -> Void]>([])
    /// The ps_stack_t address for wakeups from other threads (0 when not running).
    private let wakeTarget = Mutex<UInt>(0)
    private let state = Mutex<(started: Bool, stopped: Bool)>((false, false))
    private let startup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let shutdownDone = DispatchSemaphore(value: 0)
    private var startError: String?

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Binds the SIP port (UDP and TCP) and starts the SIP thread.
    public func start() throws(SIPStackError) {
        let thread = Thread { [self] in self.threadMain() }
        thread.name = "parley-sip"
        thread.start()
        startup.wait()
        if let startError { throw SIPStackError(description: startError) }
        state.withLock { $0.started = true }
    }

    private func threadMain() {
        sipThread = pthread_self()
        let ctx = Unmanaged.passUnretained(self).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: 256)
        let c = configuration
        let created: OpaquePointer? = c.bindURL.withCString { url in
            c.userAgent.withCString { ua in
                c.allow.withCString { allow in
                    c.supported.withCString { supported in
                        c.accept.withCString { accept in
                            var cfg = ps_config_t(bind_url: url, user_agent: ua, allow: allow, supported: supported,
                                                  accept: accept, log_level: Int32(c.sofiaLogLevel))
                            return ps_stack_create(&cfg, sipEventTrampoline, sipDrainTrampoline, sipTimerTrampoline,
                                                   ctx, &errorBuffer, errorBuffer.count)
                        }
                    }
                }
            }
        }
        guard let created else {
            startError = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            startup.signal()
            finished.signal()
            return
        }
        stack = created
        wakeTarget.withLock { $0 = UInt(bitPattern: created) }
        startup.signal()
        drain()
        ps_stack_run(created)
        wakeTarget.withLock { $0 = 0 }
        timers.removeAll()
        ps_stack_destroy(created)
        stack = nil
        finished.signal()
    }

    /// Runs `work` on the SIP thread soon (any thread).
    public func perform(_ work: @escaping @Sendable () -> Void) {
        let wasEmpty = pending.withLock { queue in
            queue.append(work)
            return queue.count == 1
        }
        guard wasEmpty else { return }
        wakeTarget.withLock { target in
            if let stack = OpaquePointer(bitPattern: target) { _ = ps_stack_wakeup(stack) }
        }
    }

    fileprivate func drain() {
        let work = pending.withLock { queue in
            let items = queue
            queue.removeAll(keepingCapacity: true)
            return items
        }
        for item in work { item() }
    }

    fileprivate func deliver(_ raw: UnsafePointer<ps_event_t>) {
        let event = SIPEvent(raw)
        if event.kind == .shutdownResponse, event.status >= 200 { shutdownDone.signal() }
        delegate?.sipStack(self, didReceive: event)
    }

    fileprivate func timerFired(_ id: UInt64) {
        if let work = timers.removeValue(forKey: id) { work() }
    }

    /// True on the SIP thread.
    public var isOnSIPThread: Bool {
        guard let sipThread else { return false }
        return pthread_equal(sipThread, pthread_self()) != 0
    }

    // MARK: SIP-thread commands

    /// Responds on a handle (SIP thread). `headers` is extra header text, "Name: value" lines.
    public func respond(_ handle: SIPHandle, status: Int, contentType: String? = nil, body: String? = nil,
                        headers: [String] = [], toCurrentRequest: Bool = false) {
        guard let stack, let nh = handle.pointer else { return }
        let extra = headers.isEmpty ? nil : headers.joined(separator: "\r\n")
        withOptionalCString(contentType) { ct in
            withOptionalCString(body) { b in
                withOptionalCString(extra) { h in
                    ps_respond(stack, nh, Int32(status), ct, b, h, toCurrentRequest ? 1 : 0)
                }
            }
        }
    }

    /// Sends BYE in the handle's dialog (SIP thread).
    public func bye(_ handle: SIPHandle) {
        guard let nh = handle.pointer else { return }
        ps_bye(nh)
    }

    /// A handle for an outgoing request (SIP thread). `to`/`from` are header values; `proxy` is an
    /// initial Route ("<sip:host:port;lr>") its requests go through first (a phone behind NAT).
    public func makeHandle(to: String, from: String, proxy: String? = nil) -> SIPHandle? {
        guard let stack else { return nil }
        return to.withCString { t in
            from.withCString { f in withOptionalCString(proxy) { p in SIPHandle(ps_handle_create(stack, t, f, p)) } }
        }
    }

    /// Sends INVITE: a new call to `requestURI`, or a re-INVITE in the handle's dialog when nil (SIP thread).
    public func invite(_ handle: SIPHandle, requestURI: String?, sdp: String?, headers: [String] = []) {
        guard let nh = handle.pointer else { return }
        let extra = headers.isEmpty ? nil : headers.joined(separator: "\r\n")
        withOptionalCString(requestURI) { uri in
            withOptionalCString(sdp == nil ? nil : "application/sdp") { ct in
                withOptionalCString(sdp) { body in
                    withOptionalCString(extra) { h in ps_invite(nh, uri, ct, body, h) }
                }
            }
        }
    }

    /// CANCELs the handle's pending INVITE (SIP thread).
    public func cancel(_ handle: SIPHandle) {
        guard let nh = handle.pointer else { return }
        ps_cancel(nh)
    }

    /// REGISTERs with `registrar` (SIP thread); `contact` nil lets Sofia use its own.
    public func register(_ handle: SIPHandle, registrar: String, contact: String?, expires: Int, headers: [String] = []) {
        guard let nh = handle.pointer else { return }
        let extra = headers.isEmpty ? nil : headers.joined(separator: "\r\n")
        registrar.withCString { r in
            withOptionalCString(contact) { c in
                withOptionalCString(extra) { h in ps_register(nh, r, c, UInt32(max(0, expires)), h) }
            }
        }
    }

    /// Removes what the handle registered (SIP thread).
    public func unregister(_ handle: SIPHandle) {
        guard let nh = handle.pointer else { return }
        ps_unregister(nh)
    }

    /// Answers a 401/407 challenge on the handle (SIP thread).
    public func authenticate(_ handle: SIPHandle, realm: String, user: String, password: String) {
        guard let nh = handle.pointer else { return }
        let quotedRealm = realm.replacingOccurrences(of: "\"", with: "")
        "Digest:\"\(quotedRealm)\":\(user):\(password)".withCString { ps_authenticate(nh, $0) }
    }

    /// Sends INFO in the dialog (SIP thread).
    public func info(_ handle: SIPHandle, contentType: String, body: String) {
        guard let nh = handle.pointer else { return }
        contentType.withCString { ct in body.withCString { b in ps_info(nh, ct, b) } }
    }

    /// Sofia's reason phrase for a status code ("Temporarily Unavailable" for 480), or "Unknown".
    public static func reasonPhrase(_ status: Int) -> String {
        ps_status_phrase(Int32(status)).map { String(cString: $0) } ?? "Unknown"
    }

    /// Sends REFER in the dialog (SIP thread).
    public func refer(_ handle: SIPHandle, referTo: String, headers: [String] = []) {
        guard let nh = handle.pointer else { return }
        let extra = headers.isEmpty ? nil : headers.joined(separator: "\r\n")
        referTo.withCString { r in withOptionalCString(extra) { h in ps_refer(nh, r, h) } }
    }

    /// Sends a REFER progress NOTIFY with a message/sipfrag body (SIP thread).
    public func notifyReferProgress(_ handle: SIPHandle, event: String, subscriptionState: String, sipfrag: String) {
        guard let nh = handle.pointer else { return }
        event.withCString { e in
            subscriptionState.withCString { st in
                "message/sipfrag;version=2.0".withCString { ct in sipfrag.withCString { b in ps_notify(nh, e, st, ct, b) } }
            }
        }
    }

    /// The handle of our dialog that a Replaces header (RFC 3891) names, or nil (SIP thread).
    /// `toTag` is matched against the dialog's local tag and `fromTag` against its remote tag (the
    /// recipient's view, as the RFC defines them); a tag of "0" matches a dialog without one.
    public func dialog(callID: String, fromTag: String, toTag: String) -> SIPHandle? {
        guard let stack else { return nil }
        return callID.withCString { c in
            fromTag.withCString { f in toTag.withCString { t in SIPHandle(ps_handle_by_replaces(stack, c, f, t)) } }
        }
    }

    /// Releases a handle once its dialog is over (SIP thread).
    public func destroy(_ handle: SIPHandle) {
        guard let nh = handle.pointer else { return }
        ps_handle_destroy(nh)
    }

    /// Runs `work` on the SIP thread after `milliseconds` (SIP thread; 0 and less mean the next
    /// millisecond: Sofia asserts on a zero-length timer). Returns an id for ``cancelTimer(_:)``.
    @discardableResult
    public func schedule(after milliseconds: Int, _ work: @escaping () -> Void) -> UInt64 {
        guard let stack else { return 0 }
        let id = nextTimerID
        nextTimerID += 1
        guard ps_timer_start(stack, id, UInt32(clamping: max(1, milliseconds))) == 0 else {
            logger.error("cannot start a SIP timer")
            return 0
        }
        timers[id] = work
        return id
    }

    /// Cancels a timer (SIP thread). Unknown or fired ids are ignored.
    public func cancelTimer(_ id: UInt64) {
        guard let stack, timers.removeValue(forKey: id) != nil else { return }
        ps_timer_cancel(stack, id)
    }

    /// Shuts nua down (waits for its transactions up to `timeout`) and stops the thread. Any thread but the SIP thread.
    public func shutdown(timeout: Duration = .seconds(3)) {
        let proceed = state.withLock { s -> Bool in
            guard s.started, !s.stopped else { return false }
            s.stopped = true
            return true
        }
        guard proceed else { return }
        perform { [self] in if let stack { ps_stack_shutdown(stack) } }
        let ms = Int(timeout.components.seconds * 1000) + Int(timeout.components.attoseconds / 1_000_000_000_000_000)
        if shutdownDone.wait(timeout: .now() + .milliseconds(ms)) == .timedOut {
            logger.warning("SIP shutdown timed out; stopping anyway")
        }
        perform { [self] in if let stack { ps_stack_break(stack) } }
        _ = finished.wait(timeout: .now() + .seconds(5))
    }
}

private func withOptionalCString<R>(_ s: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let s else { return body(nil) }
    return s.withCString { body($0) }
}

private let sipEventTrampoline: ps_event_cb = { ctx, event in
    guard let ctx, let event else { return }
    Unmanaged<SIPStack>.fromOpaque(ctx).takeUnretainedValue().deliver(event)
}

private let sipDrainTrampoline: ps_drain_cb = { ctx in
    guard let ctx else { return }
    Unmanaged<SIPStack>.fromOpaque(ctx).takeUnretainedValue().drain()
}

private let sipTimerTrampoline: ps_timer_cb = { ctx, id in
    guard let ctx else { return }
    Unmanaged<SIPStack>.fromOpaque(ctx).takeUnretainedValue().timerFired(id)
}
