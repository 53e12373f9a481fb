import Control
import Foundation
import XCTest

final class CallRecordTests: XCTestCase {
    private let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    private func record(_ id: String, from: String = "sip:alice@example.com", to: String = "1000",
                        start: TimeInterval, answered: TimeInterval? = 2, length: TimeInterval = 60,
                        disposition: CallDisposition = .answered, trunk: String? = "provider",
                        conversation: String? = nil) -> CallRecord {
        CallRecord(callID: CallID(id), from: from, to: to, direction: .inbound, trunk: trunk,
                   startedAt: t0.addingTimeInterval(start), answeredAt: answered.map { t0.addingTimeInterval(start + $0) },
                   endedAt: t0.addingTimeInterval(start + length), disposition: disposition,
                   hangupCause: "BYE from caller", codecs: ["PCMU", "opus"],
                   quality: .measured(lossPercent: 1, jitterMilliseconds: 4, roundTripMilliseconds: 40, codec: "PCMU"),
                   conversationID: conversation, recordingPath: nil)
    }

    func testInsertQueryByTimeAndFiltersNewestFirst() async throws {
        let directory = try TemporaryDirectory()
        let store = try CallRecordStore(path: directory.path("cdr.sqlite"))
        try await store.insert(record("c-1", start: 0, conversation: "conv-1"))
        try await store.insert(record("c-2", from: "sip:bob@example.com", start: 100, answered: nil, length: 20,
                                      disposition: .noAnswer))
        try await store.insert(record("c-3", to: "2000", start: 200, trunk: nil))
        let stored = try await store.insert(record("c-4", start: 300, disposition: .busy))
        XCTAssertNotNil(stored.id)

        let all = try await store.records()
        XCTAssertEqual(all.map(\.callID), ["c-4", "c-3", "c-2", "c-1"])
        XCTAssertEqual(all.last?.conversationID, "conv-1")
        XCTAssertEqual(all.last?.codecs, ["PCMU", "opus"])
        XCTAssertEqual(all.last?.startedAt, t0)
        XCTAssertEqual(all.last?.billableSeconds, 58)
        XCTAssertEqual(all[2].billableSeconds, 0, "unanswered calls bill nothing")
        XCTAssertEqual(all.last?.quality?.jitterMilliseconds, 4)

        let window = try await store.records(CallRecordQuery(since: t0.addingTimeInterval(100), until: t0.addingTimeInterval(300)))
        XCTAssertEqual(window.map(\.callID), ["c-3", "c-2"], "since is inclusive, until exclusive")
        let bob = try await store.records(CallRecordQuery(from: "BOB"))
        XCTAssertEqual(bob.map(\.callID), ["c-2"])
        let busy = try await store.records(CallRecordQuery(disposition: .busy))
        XCTAssertEqual(busy.map(\.callID), ["c-4"])
        let trunk = try await store.records(CallRecordQuery(trunk: "provider", limit: 2))
        XCTAssertEqual(trunk.map(\.callID), ["c-4", "c-2"])
        let page = try await store.records(CallRecordQuery(limit: 2, offset: 2))
        XCTAssertEqual(page.map(\.callID), ["c-2", "c-1"])
        let conversation = try await store.records(CallRecordQuery(conversationID: "conv-1"))
        XCTAssertEqual(conversation.map(\.callID), ["c-1"])

        // Rewriting a call's record (its recording closed later) replaces it.
        var updated = record("c-1", start: 0, conversation: "conv-1")
        updated.recordingPath = "/recordings/c-1.wav"
        try await store.insert(updated)
        let count = try await store.count()
        XCTAssertEqual(count, 4)
        let reread = try await store.records(CallRecordQuery(callID: "c-1"))
        XCTAssertEqual(reread.first?.recordingPath, "/recordings/c-1.wav")
    }

    func testCSVEscapesCommasQuotesLineBreaksAndFormulas() {
        XCTAssertEqual(CallRecordCSV.escape("plain"), "plain")
        XCTAssertEqual(CallRecordCSV.escape("a,b"), "\"a,b\"")
        XCTAssertEqual(CallRecordCSV.escape("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CallRecordCSV.escape("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(CallRecordCSV.escape("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"")
        XCTAssertEqual(CallRecordCSV.escape("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(CallRecordCSV.escape("+1 555 CALL"), "'+1 555 CALL", "text starting with + is not a formula")
        XCTAssertEqual(CallRecordCSV.escape("+4930123"), "+4930123", "a plain number is harmless")
        XCTAssertEqual(CallRecordCSV.escape("-1.5"), "-1.5", "numbers stay numbers")
        XCTAssertEqual(CallRecordCSV.escape("crlf\r\nhere"), "\"crlf\r\nhere\"")

        var nasty = record("c-1", from: "\"Evil, Inc\" <sip:x@y>", start: 0)
        nasty.hangupCause = "line1\r\nline2"
        let csv = CallRecordCSV.render([nasty])
        let lines = csv.components(separatedBy: "\r\n")
        XCTAssertEqual(lines.first, CallRecordCSV.header.joined(separator: ","))
        XCTAssertTrue(lines[1].hasPrefix("c-1,\"\"\"Evil, Inc\"\" <sip:x@y>\",1000,inbound,provider,"
                                         + "2023-11-14T22:13:20.000Z,2023-11-14T22:13:22.000Z,"), lines[1])
        XCTAssertTrue(csv.contains(",\"line1\r\nline2\","), csv)
        XCTAssertTrue(csv.hasSuffix("\r\n"))
        XCTAssertEqual(CallRecordCSV.fields(of: nasty).count, CallRecordCSV.header.count)
    }

    func testCSVAndJSONOverHTTPWithFilters() async throws {
        let harness = try await ControlHarness.start(for: self)
        try await harness.callRecords.insert(record("c-1", from: "Bob, \"the builder\"", start: 0))
        try await harness.callRecords.insert(record("c-2", start: 100, disposition: .busy))
        let csv = try await harness.request(.GET, "/cdrs?format=csv")
        XCTAssertEqual(csv.status, 200)
        XCTAssertEqual(csv.header("Content-Type"), "text/csv; charset=utf-8")
        XCTAssertEqual(csv.header("Content-Disposition"), "attachment; filename=\"parley-cdrs.csv\"")
        let rows = csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(rows.count, 3)
        XCTAssertTrue(rows[2].hasPrefix("c-1,\"Bob, \"\"the builder\"\"\","), rows[2])
        let json = try await harness.client().get([CallRecord].self, "/cdrs", query: [("disposition", "busy")])
        XCTAssertEqual(json.map(\.callID), ["c-2"])
        let since = try await harness.client().get([CallRecord].self, "/cdrs",
                                                   query: [("since", "2023-11-14T22:14:00Z")])
        XCTAssertEqual(since.map(\.callID), ["c-2"])
        let badFormat = try await harness.request(.GET, "/cdrs?format=xml")
        XCTAssertEqual(badFormat.status, 400)
        let badDisposition = try await harness.request(.GET, "/cdrs?disposition=great")
        XCTAssertEqual(badDisposition.status, 400)
    }

    func testMOSEstimateFallsWithLossDelayAndJitter() {
        let clean = QualityEstimate.mos(lossPercent: 0, jitterMilliseconds: 0, roundTripMilliseconds: 20, codec: "PCMU")
        XCTAssertGreaterThan(clean, 4.3)
        XCTAssertLessThanOrEqual(clean, 4.5)
        let lossy = QualityEstimate.mos(lossPercent: 5, jitterMilliseconds: 0, roundTripMilliseconds: 20, codec: "PCMU")
        let veryLossy = QualityEstimate.mos(lossPercent: 20, jitterMilliseconds: 0, roundTripMilliseconds: 20, codec: "PCMU")
        XCTAssertLessThan(lossy, clean)
        XCTAssertLessThan(veryLossy, lossy)
        let slow = QualityEstimate.mos(lossPercent: 0, jitterMilliseconds: 30, roundTripMilliseconds: 600, codec: "PCMU")
        XCTAssertLessThan(slow, clean)
        XCTAssertLessThan(QualityEstimate.mos(lossPercent: 0, jitterMilliseconds: 0, roundTripMilliseconds: 20, codec: "G722"),
                          clean, "G.722's equipment impairment lowers its narrowband-scale score")
        XCTAssertEqual(QualityEstimate.mos(lossPercent: 100, jitterMilliseconds: 500, roundTripMilliseconds: 2000, codec: nil), 1)
        XCTAssertEqual(QualityEstimate.mos(rFactor: 93.2), 4.41)
        let garbage = QualityEstimate.mos(lossPercent: .nan, jitterMilliseconds: -.infinity, roundTripMilliseconds: .nan,
                                          codec: "weird")
        XCTAssertTrue((1...4.5).contains(garbage))
    }
}
