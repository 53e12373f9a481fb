@testable import Switch
import XCTest

/// Who a leg Parley placed is once a transfer makes it a call of its own: its id, its address
/// and the user it goes by.
final class PromotedPartyTests: XCTestCase {
    func testAUsersPhoneIsListedAsTheUserAtOurRealm() {
        let party = PromotedParty(originalCallID: "abc@10.0.0.1", user: "1002",
                                  contact: "sip:1002@127.0.0.1:5072;transport=udp", realm: "parley.test", suffix: "7f")
        XCTAssertEqual(party.callID, "abc@10.0.0.1-xfer-7f")
        XCTAssertEqual(party.from, "<sip:1002@parley.test>")
        XCTAssertEqual(party.username, "1002")
    }

    func testATrunkNumberKeepsTheAddressItWasDialledAt() {
        let party = PromotedParty(originalCallID: "c1", user: nil, contact: "sip:15551234@203.0.113.9;transport=udp",
                                  realm: "parley.test", suffix: "1")
        XCTAssertEqual(party.from, "<sip:15551234@203.0.113.9;transport=udp>")
        XCTAssertEqual(party.username, "15551234")
        XCTAssertEqual(Switch.addressURI(party.from), "sip:15551234@203.0.113.9;transport=udp")
    }

    func testAContactWithoutAUserPartHasNoUsername() {
        let party = PromotedParty(originalCallID: "c1", user: "", contact: "<sip:203.0.113.9:5060>", realm: "r", suffix: "1")
        XCTAssertEqual(party.from, "<sip:203.0.113.9:5060>")
        XCTAssertNil(party.username)
    }

    func testTheIdIsDerivedFromTheOriginalAndBounded() {
        let long = String(repeating: "x", count: 500)
        let party = PromotedParty(originalCallID: long, user: "1", contact: "sip:1@h", realm: "r", suffix: "ab")
        XCTAssertEqual(party.callID, String(repeating: "x", count: PromotedParty.maxBaseLength) + "-xfer-ab")
        XCTAssertEqual(PromotedParty(originalCallID: "", user: "1", contact: "sip:1@h", realm: "r", suffix: "9").callID, "call-xfer-9")
        XCTAssertNotEqual(PromotedParty(originalCallID: "c", user: "1", contact: "sip:1@h", realm: "r", suffix: "1").callID,
                          PromotedParty(originalCallID: "c", user: "1", contact: "sip:1@h", realm: "r", suffix: "2").callID)
    }
}
