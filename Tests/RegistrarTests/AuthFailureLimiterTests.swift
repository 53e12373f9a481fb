import XCTest
@testable import Registrar

final class AuthFailureLimiterTests: XCTestCase {
    private let scanner = SourceAddress(host: "198.51.100.7", port: 5070)

    func testBlocksAfterThresholdAndUnblocksAfterBlockDuration() {
        var limiter = AuthFailureLimiter(configuration: .init(threshold: 3, window: 60, blockDuration: 300))
        XCTAssertEqual(limiter.check(scanner, now: epoch), LimiterDecision(verdict: .allow, reason: .clean))
        XCTAssertEqual(limiter.recordFailure(from: scanner, now: epoch).reason, .counting(failures: 1, threshold: 3))
        XCTAssertEqual(limiter.recordFailure(from: scanner, now: epoch + 10).reason, .counting(failures: 2, threshold: 3))
        XCTAssertEqual(limiter.check(scanner, now: epoch + 11),
                       LimiterDecision(verdict: .allow, reason: .counting(failures: 2, threshold: 3)))
        let blocked = limiter.recordFailure(from: scanner, now: epoch + 20)
        XCTAssertEqual(blocked, LimiterDecision(verdict: .forbid, reason: .blockedNow(failures: 3, until: epoch + 320)))
        XCTAssertEqual(blocked.reply?.status, 403)
        XCTAssertEqual(limiter.blockedSources, 1)
        XCTAssertEqual(limiter.trackedSources, 0)

        let during = limiter.check(scanner, now: epoch + 319)
        XCTAssertEqual(during, LimiterDecision(verdict: .forbid, reason: .blocked(until: epoch + 320)))
        // Other ports of the same host are blocked too when keyed by host.
        XCTAssertEqual(limiter.check(SourceAddress(host: scanner.host, port: 1), now: epoch + 100).verdict, .forbid)
        // Other hosts are not.
        XCTAssertEqual(limiter.check(SourceAddress(host: "198.51.100.8", port: 5070), now: epoch + 100).verdict, .allow)

        XCTAssertEqual(limiter.check(scanner, now: epoch + 320), LimiterDecision(verdict: .allow, reason: .blockExpired))
        XCTAssertEqual(limiter.check(scanner, now: epoch + 321), LimiterDecision(verdict: .allow, reason: .clean))
        XCTAssertEqual(limiter.blockedSources, 0)
    }

    func testFailuresOutsideTheWindowDoNotAccumulate() {
        var limiter = AuthFailureLimiter(configuration: .init(threshold: 3, window: 60, blockDuration: 300))
        for minute in 0..<10 {
            let now = epoch + Double(minute) * 61
            XCTAssertEqual(limiter.recordFailure(from: scanner, now: now).verdict, .allow, "minute \(minute)")
            XCTAssertEqual(limiter.recordFailure(from: scanner, now: now + 1).verdict, .allow, "minute \(minute)")
        }
        XCTAssertEqual(limiter.check(scanner, now: epoch + 10 * 61 + 59).reason, .clean)
    }

    func testSuccessResetsTheCount() {
        var limiter = AuthFailureLimiter(configuration: .init(threshold: 2))
        _ = limiter.recordFailure(from: scanner, now: epoch)
        limiter.recordSuccess(from: scanner)
        XCTAssertEqual(limiter.recordFailure(from: scanner, now: epoch + 1).reason, .counting(failures: 1, threshold: 2))
    }

    func testDropVerdictHostAndPortKeyAndExemptHosts() {
        var limiter = AuthFailureLimiter(configuration: .init(
            threshold: 1, blockDuration: 60, key: .hostAndPort, blockedVerdict: .drop, exemptHosts: ["203.0.113.1"]))
        let decision = limiter.recordFailure(from: scanner, now: epoch)
        XCTAssertEqual(decision.verdict, .drop)
        XCTAssertNil(decision.reply)
        XCTAssertEqual(limiter.check(scanner, now: epoch + 1).verdict, .drop)
        XCTAssertEqual(limiter.check(SourceAddress(host: scanner.host, port: 5071), now: epoch + 1).verdict, .allow)
        let trunk = SourceAddress(host: "203.0.113.1", port: 5060)
        XCTAssertEqual(limiter.recordFailure(from: trunk, now: epoch), LimiterDecision(verdict: .allow, reason: .exempt))
        XCTAssertEqual(limiter.check(trunk, now: epoch).reason, .exempt)
    }

    func testMemoryStaysBoundedUnderAFloodAndBlocksSurvive() {
        var limiter = AuthFailureLimiter(configuration: .init(threshold: 2, blockDuration: 600, capacity: 100))
        _ = limiter.recordFailure(from: scanner, now: epoch)
        _ = limiter.recordFailure(from: scanner, now: epoch)
        for index in 0..<10_000 {
            let source = SourceAddress(host: "10.\(index / 65536).\((index / 256) % 256).\(index % 256)", port: 5060)
            _ = limiter.recordFailure(from: source, now: epoch + 1)
        }
        XCTAssertLessThanOrEqual(limiter.trackedSources, 100)
        XCTAssertEqual(limiter.blockedSources, 1)
        XCTAssertEqual(limiter.check(scanner, now: epoch + 2).verdict, .forbid)
    }
}
