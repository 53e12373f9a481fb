import Foundation
import XCTest

@testable import ParleyTesting

final class FreePortsTests: XCTestCase {
    private let forbidden: ClosedRange<UInt16> = 16384...32767

    func testSIPPortIsFreeForUDPAndTCPWithItsNeighbour() throws {
        let port = try FreePorts.sipPort()
        XCTAssertNotEqual(port, 5060)
        XCTAssertFalse(forbidden.contains(port))
        XCTAssertTrue(FreePorts.range.contains(port))
        XCTAssertTrue(FreePorts.isFree(port), "UDP and TCP bind on \(port)")
        XCTAssertTrue(FreePorts.isFree(port + 1), "TLS neighbour \(port + 1)")
    }

    func testUDPRangeIsConsecutiveEvenAndFree() throws {
        let range = try FreePorts.udpRange(count: 10)
        XCTAssertEqual(range.count, 10)
        XCTAssertEqual(range.lowerBound % 2, 0)
        XCTAssertFalse(range.overlaps(forbidden))
        for port in range { XCTAssertTrue(FreePorts.isFree(port, tcp: false), "UDP \(port)") }
        let next = try FreePorts.udpRange(count: 10)
        XCTAssertFalse(next.overlaps(range), "\(next) overlaps \(range)")
        XCTAssertThrowsError(try FreePorts.udpRange(count: 0))
    }

    /// Results gathered from concurrent callers.
    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var ports = [UInt16]()
        private(set) var failures = [String]()
        func add(_ taken: [UInt16]) { lock.lock(); ports += taken; lock.unlock() }
        func fail(_ error: any Error) { lock.lock(); failures.append(String(describing: error)); lock.unlock() }
    }

    func testConcurrentCallersNeverShareAPort() throws {
        let collected = Collected()
        DispatchQueue.concurrentPerform(iterations: 40) { index in
            do {
                if index % 2 == 0 {
                    let sip = try FreePorts.sipPort()
                    collected.add([sip, sip + 1])
                } else {
                    collected.add(Array(try FreePorts.udpRange(count: 4)))
                }
            } catch {
                collected.fail(error)
            }
        }
        XCTAssertEqual(collected.failures, [])
        XCTAssertEqual(collected.ports.count, 20 * 2 + 20 * 4)
        XCTAssertEqual(Set(collected.ports).count, collected.ports.count, "a port was handed out twice")
    }

    func testABoundPortIsReportedTaken() throws {
        let port = try FreePorts.sipPort()
        let fd = Posix.socket(Posix.datagramSocket)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { Posix.close(fd) }
        XCTAssertTrue(Posix.bind(fd, port: port))
        XCTAssertFalse(FreePorts.isFree(port, tcp: false))
        XCTAssertTrue(FreePorts.isFree(port, udp: false), "TCP is a separate port space")
    }

    func testCursorSkipsTakenPortsAlignsAndWraps() throws {
        let cursor = PortCursor(range: 40000...40020, start: 40001)
        let taken: Set<UInt16> = [40003, 40006]
        // From 40001: aligned to 40002, but 40003 is taken; 40004 and 40005 are free.
        XCTAssertEqual(try cursor.reserve(count: 2, alignment: 2) { !taken.contains($0) }, 40004)
        // The cursor moved past 40004-40005 plus a spare: 40006 is taken, so 40008.
        XCTAssertEqual(try cursor.reserve(count: 2, alignment: 2) { !taken.contains($0) }, 40008)
        // Near the top a run no longer fits, so the search wraps to the bottom.
        let top = PortCursor(range: 40000...40020, start: 40018)
        XCTAssertEqual(try top.reserve(count: 4, alignment: 2) { _ in true }, 40000)
    }

    func testCursorGivesUpWhenEverythingIsTaken() {
        let cursor = PortCursor(range: 40000...40100, start: 40050)
        var probes = 0
        XCTAssertThrowsError(try cursor.reserve(count: 2, alignment: 2) { _ in probes += 1; return false }) { error in
            guard case .noFreePort(_, let count)? = error as? HarnessError else { return XCTFail("\(error)") }
            XCTAssertEqual(count, 2)
        }
        XCTAssertLessThanOrEqual(probes, 101, "the scan is bounded by the range")
    }
}
