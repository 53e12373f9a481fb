import Dispatch
import Foundation
import XCTest
@testable import Registrar

final class LocationServiceTests: XCTestCase {
    func testExpiryIsHiddenThenPurgedOnTheCallersTick() throws {
        let fixture = try RegistrarFixture(self)
        _ = try fixture.registrar.register(register(contacts: ["<sip:1001@192.0.2.1>;expires=60"], cseq: 1), now: epoch)
        _ = try fixture.registrar.register(register("1002@parley", contacts: ["<sip:1002@192.0.2.2>;expires=600"], cseq: 1),
                                           now: epoch)
        let almost = fixture.location.contacts(for: "1001@parley", now: epoch + 59.5)
        XCTAssertEqual(almost.map { $0.remainingSeconds(at: epoch + 59.5) }, [1])
        XCTAssertEqual(fixture.location.contacts(for: "1001@parley", now: epoch + 60), [])
        XCTAssertEqual(fixture.location.purgeExpired(now: epoch + 30), [])
        XCTAssertEqual(fixture.location.bindingCount, 2)

        let purged = fixture.location.purgeExpired(now: epoch + 61)
        XCTAssertEqual(purged.map(\.contactURI), ["sip:1001@192.0.2.1"])
        XCTAssertEqual(fixture.location.bindingCount, 1)
        XCTAssertEqual(fixture.location.purgeExpired(now: epoch + 62), [])

        // The purge reached the database (read the rows directly: loading would hide expired ones).
        try fixture.location.flush()
        XCTAssertEqual(try fixture.store.loadAll().map(\.aor), ["1002@parley"])
        let restarted = try fixture.reopened(self, now: epoch + 62)
        XCTAssertEqual(restarted.location.allBindings().map(\.aor), ["1002@parley"])
    }

    func testExpiredBindingIsReplacedNotRefreshedByTheNextRegister() throws {
        let fixture = try RegistrarFixture(self)
        _ = try fixture.registrar.register(register(contacts: ["<sip:1001@192.0.2.1>;expires=60"], cseq: 1), now: epoch)
        let again = try fixture.registrar.register(register(contacts: ["<sip:1001@192.0.2.1>"], cseq: 1), now: epoch + 100)
        XCTAssertEqual(again.changes.count, 2)
        guard case .expired = again.changes[0], case .added(let fresh) = again.changes[1] else { return XCTFail("\(again.changes)") }
        XCTAssertEqual(fresh.registeredAt, epoch + 100)
    }

    func testRestartSeesTheSameBindings() throws {
        let fixture = try RegistrarFixture(self)
        let source = SourceAddress(host: "2001:db8::5", port: 5062)
        _ = try fixture.registrar.register(register(contacts: [
            "\"Desk\" <sip:1001@[2001:db8::5]:5062;transport=tls>;q=0.7;+sip.instance=\"<urn:uuid:1>\";reg-id=2",
            "<sip:1001@192.0.2.9>;expires=120",
        ], cseq: 7, source: source, transport: "TLS"), now: epoch)
        _ = try fixture.registrar.register(register("1002@parley", contacts: ["<sip:1002@192.0.2.2>;expires=90"], cseq: 1),
                                           now: epoch)
        let before = sorted(fixture.location.allBindings())
        XCTAssertEqual(before.count, 3)

        let restarted = try fixture.reopened(self, now: epoch + 10)
        XCTAssertEqual(sorted(restarted.location.allBindings()), before)
        let desk = restarted.location.contacts(for: "1001@parley", now: epoch + 10).first { $0.instanceID == "urn:uuid:1" }
        XCTAssertEqual(desk?.q?.thousandths, 700)
        XCTAssertEqual(desk?.regID, 2)
        XCTAssertEqual(desk?.displayName, "Desk")
        XCTAssertEqual(desk?.received, source)
        XCTAssertEqual(desk?.transport, "tls")
        XCTAssertEqual(desk?.cseq, 7)

        // A binding that expired while the process was down is not loaded, and is deleted.
        let later = try restarted.reopened(self, now: epoch + 200)
        XCTAssertEqual(sorted(later.location.allBindings()).map(\.contactURI), ["sip:1001@[2001:db8::5]:5062;transport=tls"])
        try later.location.flush()
        XCTAssertEqual(try later.store.loadAll().map(\.contactURI), ["sip:1001@[2001:db8::5]:5062;transport=tls"])
        let again = try later.reopened(self, now: epoch + 200)
        XCTAssertEqual(again.location.bindingCount, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: again.path + "-wal"), "database is in WAL mode")
        try again.store.close()
    }

    /// 1000 users register, refresh and unregister concurrently, plus 100 writers on one shared AOR;
    /// memory and the database end identical and as expected.
    func testConcurrentRegistersEndConsistent() throws {
        let fixture = try RegistrarFixture(self, policy: RegistrarPolicy(maxContactsPerAOR: 1000))
        let registrar = fixture.registrar
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 1100) { index in
            do {
                if index < 1000 {
                    let aor = "u\(index)@parley"
                    let keep = "<sip:u\(index)@192.0.2.\(index % 250):\(5000 + index)>"
                    let drop = "<sip:u\(index)@198.51.100.\(index % 250):\(6000 + index)>"
                    _ = try registrar.register(register(aor, contacts: [keep, drop], callID: "c\(index)", cseq: 1), now: epoch)
                    _ = try registrar.register(register(aor, contacts: [keep, drop + ";expires=0"], callID: "c\(index)", cseq: 2),
                                               now: epoch + 1)
                } else {
                    let n = index - 1000
                    _ = try registrar.register(register("shared@parley", contacts: ["<sip:s\(n)@203.0.113.1:\(7000 + n)>"],
                                                        callID: "s\(n)", cseq: 1), now: epoch + 2)
                }
            } catch {
                failures.withLock { $0.append("\(index): \(error)") }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        XCTAssertEqual(fixture.location.aorCount, 1001)
        XCTAssertEqual(fixture.location.bindingCount, 1100)
        XCTAssertEqual(fixture.location.contacts(for: "shared@parley", now: epoch + 3).count, 100)
        for index in [0, 1, 499, 999] {
            let bindings = fixture.location.contacts(for: "u\(index)@parley", now: epoch + 3)
            XCTAssertEqual(bindings.map(\.contactURI), ["sip:u\(index)@192.0.2.\(index % 250):\(5000 + index)"])
            XCTAssertEqual(bindings.first?.cseq, 2)
        }
        let inMemory = sorted(fixture.location.allBindings())
        let restarted = try fixture.reopened(self, now: epoch + 3)
        XCTAssertEqual(sorted(restarted.location.allBindings()), inMemory)
        try restarted.store.close()
    }

    func testMemoryOnlyServiceWorksWithoutAStore() throws {
        let location = try LocationService(store: nil, now: epoch, logger: quietLogger)
        let registrar = Registrar(location: location, logger: quietLogger)
        _ = try registrar.register(register(contacts: ["<sip:1001@192.0.2.1>"], cseq: 1), now: epoch)
        XCTAssertEqual(location.bindingCount, 1)
        XCTAssertNoThrow(try location.flush())
    }

    func testOpeningAnUnusablePathIsATypedError() {
        XCTAssertThrowsError(try RegistrationStore(path: "/nonexistent-dir/x/registrar.sqlite", logger: quietLogger)) { error in
            XCTAssertTrue(error is RegistrationStoreError, "\(error)")
        }
    }

    private func sorted(_ bindings: [Binding]) -> [Binding] {
        bindings.sorted { ($0.aor, $0.key) < ($1.aor, $1.key) }
    }
}
