import XCTest
@testable import Registrar

final class BoundedLRUTests: XCTestCase {
    func testEvictsLeastRecentlyUsed() {
        var lru = BoundedLRU<String, Int>(capacity: 3)
        XCTAssertNil(lru.set(1, for: "a"))
        XCTAssertNil(lru.set(2, for: "b"))
        XCTAssertNil(lru.set(3, for: "c"))
        XCTAssertEqual(lru.value(for: "a"), 1)           // a becomes most recent
        let evicted = lru.set(4, for: "d")
        XCTAssertEqual(evicted?.key, "b")
        XCTAssertEqual(evicted?.value, 2)
        XCTAssertEqual(lru.keysByRecency, ["d", "a", "c"])
        XCTAssertEqual(lru.peek("c"), 3)
        XCTAssertEqual(lru.keysByRecency, ["d", "a", "c"])  // peek does not touch
        XCTAssertNil(lru.set(30, for: "c"))               // update in place
        XCTAssertEqual(lru.keysByRecency, ["c", "d", "a"])
        XCTAssertEqual(lru.count, 3)
    }

    /// Random operations checked against a simple reference model.
    func testMatchesReferenceModel() {
        var lru = BoundedLRU<Int, Int>(capacity: 8)
        var model: [(key: Int, value: Int)] = []   // most recent first
        var seed: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }
        for step in 0..<5000 {
            let key = next(16)
            switch next(4) {
            case 0, 1:
                let value = step
                lru.set(value, for: key)
                model.removeAll { $0.key == key }
                model.insert((key, value), at: 0)
                if model.count > 8 { model.removeLast() }
            case 2:
                let got = lru.value(for: key)
                if let index = model.firstIndex(where: { $0.key == key }) {
                    let entry = model.remove(at: index)
                    model.insert(entry, at: 0)
                    XCTAssertEqual(got, entry.value)
                } else {
                    XCTAssertNil(got)
                }
            default:
                let removed = lru.removeValue(for: key)
                let index = model.firstIndex { $0.key == key }
                XCTAssertEqual(removed, index.map { model[$0].value })
                if let index { model.remove(at: index) }
            }
            XCTAssertEqual(lru.keysByRecency, model.map(\.key), "step \(step)")
        }
    }
}
