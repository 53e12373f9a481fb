import Foundation
import XCTest

@testable import Trunks

/// A random source that always returns the same word: 0 gives the smallest jitter unit (0),
/// `.max` the largest (1).
struct FixedRandom: RandomNumberGenerator, Sendable {
    var value: UInt64
    mutating func next() -> UInt64 { value }

    static let low = FixedRandom(value: 0)
    static let high = FixedRandom(value: .max)
}

/// SplitMix64: a small seeded generator, so randomized tests replay exactly.
struct SeededRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Plays the I/O shell around a ``TrunkRegistration``: a manual clock, the armed timers, the
/// requests sent. It fails the test when the machine cancels a timer it never armed or arms
/// one twice, so every test also checks the timer bookkeeping.
struct TrunkDriver {
    var machine: TrunkRegistration
    var now = Date(timeIntervalSince1970: 1_700_000_000)
    /// Armed timers and when they are due.
    var timers: [TrunkTimerID: Date] = [:]
    /// Every REGISTER and un-REGISTER sent, in order.
    var sent: [TrunkRegisterRequest] = []
    /// The request an answer is expected for (the last one sent).
    var outstanding: TrunkRegisterRequest?
    /// Every state published, in order.
    var states: [TrunkState] = []
    /// The actions of the last event.
    var last: [TrunkAction] = []

    static let primary = "sip:primary.example.net"
    static let secondary = "sip:secondary.example.net"

    init(secondary: Bool = false, random: any RandomNumberGenerator & Sendable = FixedRandom.low,
         configure: (inout TrunkRegistration.Configuration) -> Void = { _ in }) throws {
        var configuration = TrunkRegistration.Configuration(primaryRegistrar: Self.primary,
                                                            secondaryRegistrar: secondary ? Self.secondary : nil)
        configure(&configuration)
        machine = try TrunkRegistration(configuration: configuration, random: random)
    }

    var state: TrunkState { machine.status.state }

    @discardableResult
    mutating func handle(_ event: TrunkEvent, file: StaticString = #filePath, line: UInt = #line) -> [TrunkAction] {
        let actions = machine.handle(event, now: now)
        for action in actions {
            switch action {
            case .sendRegister(let request), .sendUnregister(let request):
                sent.append(request)
                outstanding = request
            case .startTimer(let id, let delay):
                XCTAssertNil(timers[id], "timer \(id) armed twice", file: file, line: line)
                XCTAssertGreaterThanOrEqual(delay, .zero, "negative delay for \(id)", file: file, line: line)
                timers[id] = now.addingTimeInterval(seconds(delay))
            case .cancelTimer(let id):
                XCTAssertNotNil(timers.removeValue(forKey: id), "cancelled \(id), which was not armed", file: file, line: line)
            case .stateChanged(let state):
                states.append(state)
            }
        }
        last = actions
        return actions
    }

    /// Answers the outstanding request.
    @discardableResult
    mutating func respond(_ status: Int, _ phrase: String = "", expires: Int? = nil, retryAfter: Int? = nil,
                          minExpires: Int? = nil, file: StaticString = #filePath, line: UInt = #line) -> [TrunkAction] {
        guard let request = outstanding else {
            XCTFail("no request to answer", file: file, line: line)
            return []
        }
        if status >= 200 { outstanding = nil }
        return handle(.response(RegisterResponse(requestID: request.id, status: status, phrase: phrase, expires: expires,
                                                 retryAfter: retryAfter, minExpires: minExpires)), file: file, line: line)
    }

    /// Moves the clock forward by `interval` seconds, firing due timers in order on the way.
    mutating func advance(by interval: TimeInterval, file: StaticString = #filePath, line: UInt = #line) {
        let target = now.addingTimeInterval(interval)
        for _ in 0..<10_000 {
            guard let (id, due) = timers.filter({ $0.value <= target }).min(by: { $0.value < $1.value }) else { break }
            now = max(now, due)
            timers[id] = nil
            handle(.timerFired(id), file: file, line: line)
        }
        now = target
    }

    /// Fires the armed timer of `kind` now (moving the clock to its due time).
    mutating func fire(_ kind: TrunkTimerKind, file: StaticString = #filePath, line: UInt = #line) {
        guard let (id, due) = timer(kind) else {
            XCTFail("no \(kind) timer armed", file: file, line: line)
            return
        }
        now = max(now, due)
        timers[id] = nil
        handle(.timerFired(id), file: file, line: line)
    }

    /// The armed timer of `kind` and when it is due.
    func timer(_ kind: TrunkTimerKind) -> (TrunkTimerID, Date)? {
        timers.first { $0.key.kind == kind }.map { ($0.key, $0.value) }
    }

    /// Seconds from now until the armed timer of `kind` is due.
    func delay(of kind: TrunkTimerKind) -> TimeInterval? {
        timer(kind).map { $0.1.timeIntervalSince(now) }
    }

    /// The requests sent by the last event.
    var lastSent: [TrunkRegisterRequest] {
        last.compactMap {
            switch $0 {
            case .sendRegister(let request), .sendUnregister(let request): return request
            default: return nil
            }
        }
    }

    func seconds(_ duration: Duration) -> TimeInterval {
        let parts = duration.components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }

    /// Starts and answers 200 granting `expires` seconds.
    mutating func register(expires: Int = 3600) {
        handle(.start)
        respond(200, "OK", expires: expires)
    }
}
