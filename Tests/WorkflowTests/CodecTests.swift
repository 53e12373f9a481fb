import Workflow
import XCTest

final class CodecTests: XCTestCase {
    func testVarintBytesMatchLEB128() {
        var writer = WireWriter()
        writer.write(varint: 300)
        XCTAssertEqual(writer.bytes, [0xAC, 0x02])
        var signed = WireWriter()
        signed.write(signed: -1)
        signed.write(signed: 1)
        XCTAssertEqual(signed.bytes, [0x01, 0x02], "zig-zag: -1 -> 1, 1 -> 2")
    }

    func testRoundTripsKeepEveryValue() throws {
        let failure = ActivityFailure(type: "HTTP429", message: "slow", nonRetryable: false,
                                      nextRetryDelay: .milliseconds(1500), attempts: 2)
        XCTAssertEqual(try ActivityFailure(wireBytes: failure.wireBytes()), failure)
        let policy = RetryPolicy(initialInterval: .milliseconds(250), backoffCoefficient: 3,
                                 maximumInterval: .seconds(9), maximumAttempts: 4, nonRetryableErrorTypes: ["A", "B"])
        XCTAssertEqual(try RetryPolicy(wireBytes: policy.wireBytes()), policy)
        let values: [Int64] = [0, 1, -1, .max, .min, 1 << 40]
        XCTAssertEqual(try [Int64](wireBytes: values.wireBytes()), values)
        let text = "héllo ✓"
        XCTAssertEqual(try String(wireBytes: text.wireBytes()), text)
        let dictionary = ["b": 2, "a": 1]
        XCTAssertEqual(try [String: Int](wireBytes: dictionary.wireBytes()), dictionary)
        XCTAssertEqual(dictionary.wireBytes(), ["a": 1, "b": 2].wireBytes(), "key order must not matter")
        let optional: Double?? = .some(nil)
        XCTAssertEqual(try Double??(wireBytes: optional.wireBytes()), optional)
    }

    func testConversationStateRoundTrips() throws {
        var state = ConversationState(input: ConversationInput(caller: "alice", callee: "agent"),
                                      startedAt: .seconds(10))
        state.turns = [Turn(speaker: .user, text: "hi", at: .seconds(11)),
                       Turn(speaker: .agent, text: "hello", at: .seconds(12), interrupted: true)]
        state.digits = "12#"
        state.idleDeadline = .seconds(22)
        state.pendingReply = "reply-1"
        state.pendingAsk = UpdateID(7)
        state.endReason = .idle
        state.summary = "short"
        XCTAssertEqual(try ConversationState(wireBytes: state.wireBytes()), state)
    }

    func testTruncatedAndTrailingInputAreTypedErrors() {
        XCTAssertThrowsError(try String(wireBytes: [0x05, 0x61])) { error in
            XCTAssertEqual((error as? WireError)?.reason, .outOfRange(5))
        }
        XCTAssertThrowsError(try Int64(wireBytes: [0x80, 0x80])) { error in
            XCTAssertEqual((error as? WireError)?.reason, .truncated)
        }
        XCTAssertThrowsError(try Int64(wireBytes: [0x02, 0x00])) { error in
            XCTAssertEqual((error as? WireError)?.reason, .trailingBytes(1))
        }
        XCTAssertThrowsError(try Int64(wireBytes: Array(repeating: 0xFF, count: 11))) { error in
            XCTAssertEqual((error as? WireError)?.reason, .malformedVarint)
        }
        XCTAssertThrowsError(try String(wireBytes: [0x02, 0xC3, 0x28])) { error in
            XCTAssertEqual((error as? WireError)?.reason, .invalidUTF8)
        }
    }

    /// Random and mutated bytes never trap: every decode either succeeds or throws WireError.
    func testRandomBytesNeverTrap() {
        var random = DeterministicRandom(workflowID: "fuzz", sequence: 1)
        let seed = ConversationState(input: ConversationInput(caller: "a", callee: "b"), startedAt: .seconds(1))
            .wireBytes()
        var decoded = 0
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(random.next() % 48)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            } else {
                bytes = seed
                let index = Int(random.next() % UInt64(bytes.count))
                bytes[index] = UInt8(truncatingIfNeeded: random.next())
            }
            if (try? ConversationState(wireBytes: bytes)) != nil { decoded += 1 }
            _ = try? ConversationSignal(wireBytes: bytes)
            _ = try? ConversationActivity(wireBytes: bytes)
            for kind in EventKind.allCases where kind != .snapshot {
                _ = try? WorkflowEvent<ConversationWorkflow>(kind: kind, payload: bytes)
            }
        }
        XCTAssertLessThan(decoded, 3000, "mutations must be detected at least sometimes")
    }

    func testDeterministicRandomDependsOnlyOnIdAndSequence() {
        var first = DeterministicRandom(workflowID: "call-1", sequence: 5)
        var second = DeterministicRandom(workflowID: "call-1", sequence: 5)
        var other = DeterministicRandom(workflowID: "call-1", sequence: 6)
        let a = (0..<4).map { _ in first.next() }
        XCTAssertEqual(a, (0..<4).map { _ in second.next() })
        XCTAssertNotEqual(a, (0..<4).map { _ in other.next() })
    }
}
