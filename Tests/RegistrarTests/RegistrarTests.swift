import XCTest
@testable import Registrar

final class RegistrarTests: XCTestCase {
    private let phone = "<sip:1001@10.0.0.5:5060>"

    func testAddRefreshQueryAndRemove() throws {
        let fixture = try RegistrarFixture(self)
        let nat = SourceAddress(host: "203.0.113.9", port: 34567)
        let added = try fixture.registrar.register(
            register(contacts: [phone], expires: "3600", cseq: 1, source: nat, transport: "TCP"), now: epoch)
        XCTAssertEqual(added.reply, Reply(status: 200, phrase: "OK",
                                          headers: [HeaderField(name: "Contact", value: "<sip:1001@10.0.0.5:5060>;expires=3600")]))
        guard case .added(let binding) = added.changes.first, added.changes.count == 1 else { return XCTFail("\(added.changes)") }
        // NAT: the contact is kept as given, the way to reach the phone is where the REGISTER came from.
        XCTAssertEqual(binding.contactURI, "sip:1001@10.0.0.5:5060")
        XCTAssertEqual(binding.received, nat)
        XCTAssertEqual(binding.transport, "tcp")
        XCTAssertEqual(binding.userAgent, "TestPhone/1.0")
        XCTAssertEqual(binding.expiresAt, epoch + 3600)

        let refreshed = try fixture.registrar.register(
            register(contacts: [phone + ";expires=1800"], expires: "3600", cseq: 2), now: epoch + 100)
        guard case .refreshed(let updated) = refreshed.changes.first else { return XCTFail("\(refreshed.changes)") }
        XCTAssertEqual(updated.registeredAt, epoch)
        XCTAssertEqual(updated.updatedAt, epoch + 100)
        XCTAssertEqual(updated.cseq, 2)
        XCTAssertEqual(refreshed.bindings.count, 1)

        let query = try fixture.registrar.register(register(contacts: [], cseq: 3), now: epoch + 150)
        XCTAssertEqual(query.reply.values(of: "contact"), ["<sip:1001@10.0.0.5:5060>;expires=1750"])
        XCTAssertTrue(query.changes.isEmpty)

        let removed = try fixture.registrar.register(register(contacts: [phone], expires: "0", cseq: 4), now: epoch + 200)
        XCTAssertEqual(removed.changes.map(\.binding.contactURI), ["sip:1001@10.0.0.5:5060"])
        guard case .removed = removed.changes[0] else { return XCTFail("\(removed.changes)") }
        XCTAssertEqual(removed.reply.headers, [])
        XCTAssertEqual(fixture.location.contacts(for: "1001@parley", now: epoch + 200), [])
        XCTAssertEqual(fixture.location.bindingCount, 0)
    }

    func testWildcardRemovesEveryBinding() throws {
        let fixture = try RegistrarFixture(self)
        _ = try fixture.registrar.register(register(contacts: ["<sip:a@192.0.2.1>", "<sip:b@192.0.2.2>"], cseq: 1), now: epoch)
        _ = try fixture.registrar.register(register(contacts: ["<sip:c@192.0.2.3>"], callID: "other", cseq: 1), now: epoch)
        XCTAssertEqual(fixture.location.bindingCount, 3)
        assertThrows(RegistrarError.wildcardRequiresZeroExpires) {
            _ = try fixture.registrar.register(register(contacts: ["*"], cseq: 2), now: epoch)
        }
        assertThrows(RegistrarError.wildcardRequiresZeroExpires) {
            _ = try fixture.registrar.register(register(contacts: ["*"], expires: "60", cseq: 2), now: epoch)
        }
        // Same Call-ID as two bindings but CSeq not higher: the whole removal is refused.
        assertThrows(RegistrarError.outOfOrder(callID: "call-1", cseq: 1, stored: 1)) {
            _ = try fixture.registrar.register(register(contacts: ["*"], expires: "0", cseq: 1), now: epoch)
        }
        XCTAssertEqual(fixture.location.bindingCount, 3)
        let result = try fixture.registrar.register(register(contacts: ["*"], expires: "0", cseq: 2), now: epoch + 1)
        XCTAssertEqual(result.changes.count, 3)
        XCTAssertEqual(result.reply.status, 200)
        XCTAssertEqual(fixture.location.bindingCount, 0)
        XCTAssertEqual(fixture.location.aorCount, 0)
    }

    func testIntervalTooBriefAndMaxExpiresClamp() throws {
        let fixture = try RegistrarFixture(self, policy: RegistrarPolicy(minExpires: 60, maxExpires: 3600))
        for (contact, header) in [(phone + ";expires=30", "3600"), (phone, "10")] {
            do {
                _ = try fixture.registrar.register(register(contacts: [contact], expires: header, cseq: 1), now: epoch)
                XCTFail("accepted \(contact) with Expires \(header)")
            } catch {
                XCTAssertEqual(error.reply, Reply(status: 423, phrase: "Interval Too Brief",
                                                  headers: [HeaderField(name: "Min-Expires", value: "60")]))
            }
        }
        XCTAssertEqual(fixture.location.bindingCount, 0)
        let clamped = try fixture.registrar.register(register(contacts: [phone], expires: "7200", cseq: 2), now: epoch)
        XCTAssertEqual(clamped.bindings.first?.expiresAt, epoch + 3600)
        // A malformed Expires reads as the default (RFC 3261 §20.19).
        let policy = RegistrarPolicy(minExpires: 60, maxExpires: 7200, defaultExpires: 600)
        let other = try RegistrarFixture(self, policy: policy)
        let fallback = try other.registrar.register(register(contacts: [phone], expires: "soon", cseq: 1), now: epoch)
        XCTAssertEqual(fallback.bindings.first?.expiresAt, epoch + 600)
    }

    func testCSeqOrderingPerCallID() throws {
        let fixture = try RegistrarFixture(self)
        _ = try fixture.registrar.register(register(contacts: [phone], cseq: 5), now: epoch)
        for cseq: UInt32 in [5, 4] {
            do {
                _ = try fixture.registrar.register(register(contacts: [phone + ";expires=0"], cseq: cseq), now: epoch + 1)
                XCTFail("CSeq \(cseq) accepted")
            } catch {
                XCTAssertEqual(error, .outOfOrder(callID: "call-1", cseq: cseq, stored: 5))
                XCTAssertEqual(error.reply.status, 500)
            }
        }
        XCTAssertEqual(fixture.location.bindingCount, 1)
        // A request that adds one contact but is out of order for another changes nothing at all.
        assertThrows(RegistrarError.outOfOrder(callID: "call-1", cseq: 3, stored: 5)) {
            _ = try fixture.registrar.register(register(contacts: ["<sip:new@192.0.2.50>", phone], cseq: 3), now: epoch + 2)
        }
        XCTAssertEqual(fixture.location.contacts(for: "1001@parley", now: epoch + 2).map(\.contactURI), ["sip:1001@10.0.0.5:5060"])
        // A different Call-ID (phone rebooted) may use any CSeq.
        let reboot = try fixture.registrar.register(register(contacts: [phone], callID: "call-2", cseq: 1), now: epoch + 3)
        guard case .refreshed(let binding) = reboot.changes.first else { return XCTFail("\(reboot.changes)") }
        XCTAssertEqual(binding.callID, "call-2")
    }

    func testContactLimitReplacesOldestOrRejects() throws {
        let fixture = try RegistrarFixture(self, policy: RegistrarPolicy(maxContactsPerAOR: 2))
        for (index, host) in ["192.0.2.1", "192.0.2.2"].enumerated() {
            _ = try fixture.registrar.register(register(contacts: ["<sip:1001@\(host)>"], callID: host, cseq: 1),
                                               now: epoch + Double(index))
        }
        // Refresh the first so the second becomes the oldest.
        _ = try fixture.registrar.register(register(contacts: ["<sip:1001@192.0.2.1>"], callID: "192.0.2.1", cseq: 2),
                                           now: epoch + 10)
        let third = try fixture.registrar.register(register(contacts: ["<sip:1001@192.0.2.3>"], callID: "c3", cseq: 1),
                                                   now: epoch + 20)
        XCTAssertEqual(third.changes.count, 2)
        guard case .replaced(let victim) = third.changes.last else { return XCTFail("\(third.changes)") }
        XCTAssertEqual(victim.contactURI, "sip:1001@192.0.2.2")
        XCTAssertEqual(Set(third.bindings.map(\.contactURI)), ["sip:1001@192.0.2.1", "sip:1001@192.0.2.3"])
        // The user's own limit overrides the policy.
        assertThrows(RegistrarError.tooManyContacts(limit: 1)) {
            _ = try fixture.registrar.register(register(contacts: ["<sip:x@192.0.2.8>", "<sip:y@192.0.2.9>"], callID: "c4",
                                                        cseq: 1, maxContacts: 1), now: epoch + 30)
        }

        let strict = try RegistrarFixture(self, policy: RegistrarPolicy(maxContactsPerAOR: 1, whenFull: .reject))
        _ = try strict.registrar.register(register(contacts: ["<sip:1001@192.0.2.1>"], cseq: 1), now: epoch)
        do {
            _ = try strict.registrar.register(register(contacts: ["<sip:1001@192.0.2.2>"], callID: "c2", cseq: 1), now: epoch)
            XCTFail("second contact accepted")
        } catch {
            XCTAssertEqual(error, .tooManyContacts(limit: 1))
            XCTAssertEqual(error.reply.status, 403)
        }
        // Refreshing the existing one is still fine.
        XCTAssertNoThrow(try strict.registrar.register(register(contacts: ["<sip:1001@192.0.2.1>"], cseq: 2), now: epoch))
    }

    func testInstanceIDKeepsOneBindingPerDevice() throws {
        let fixture = try RegistrarFixture(self)
        let instance = ";+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";reg-id=1"
        _ = try fixture.registrar.register(register(contacts: ["<sip:1001@192.0.2.1:5060;ob>" + instance], cseq: 1), now: epoch)
        let moved = try fixture.registrar.register(
            register(contacts: ["<sip:1001@198.51.100.4:6000;ob>" + instance], cseq: 2), now: epoch + 5)
        XCTAssertEqual(moved.bindings.map(\.contactURI), ["sip:1001@198.51.100.4:6000;ob"])
        XCTAssertEqual(moved.reply.values(of: "Contact"), [
            "<sip:1001@198.51.100.4:6000;ob>;expires=3600;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";reg-id=1",
        ])
    }

    func testBindingsAreOrderedByQ() throws {
        let fixture = try RegistrarFixture(self)
        _ = try fixture.registrar.register(register(contacts: [
            "<sip:low@192.0.2.1>;q=0.1", "<sip:none@192.0.2.2>", "<sip:mid@192.0.2.3>;q=0.5",
        ], cseq: 1), now: epoch)
        XCTAssertEqual(fixture.location.contacts(for: "1001@parley", now: epoch).map(\.contactURI),
                       ["sip:none@192.0.2.2", "sip:mid@192.0.2.3", "sip:low@192.0.2.1"])
    }

    func testBadRequestsAreRefusedWith400() throws {
        let fixture = try RegistrarFixture(self)
        let cases: [([String], RegistrarError)] = [
            (["<sip:a@b>;q=2"], .invalidQValue("2")),
            (["<tel:+15551234>"], .unsupportedContactURI("tel:+15551234", .unsupportedScheme("tel"))),
            (["<sip:a@b"], .malformedContact(.unterminatedAngleBracket)),
        ]
        for (contacts, expected) in cases {
            do {
                _ = try fixture.registrar.register(register(contacts: contacts, cseq: 1), now: epoch)
                XCTFail("accepted \(contacts)")
            } catch {
                XCTAssertEqual(error, expected)
                XCTAssertEqual(error.reply.status, 400)
            }
        }
        assertThrows(RegistrarError.invalidAOR("")) {
            _ = try fixture.registrar.register(register("", contacts: [phone], cseq: 1), now: epoch)
        }
    }
}
