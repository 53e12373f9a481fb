/// The caller's audio between ``begin()`` and ``end()``, bounded, as a plain value (sans-I/O):
/// ``OpenAITranscriber`` keeps one behind its lock and the media thread appends 20 ms frames.
///
/// Audio past ``capacity`` samples is dropped and counted (the utterance keeps its first
/// ``capacity`` samples); a frame outside an utterance starts one, as ``RecognizerSession`` does.
struct UtteranceCollector: Sendable {
    /// One finished utterance, numbered from 1 in the order it ended.
    struct Utterance: Sendable, Equatable {
        var number: Int
        var samples: [Int16]
    }

    /// Largest utterance kept, in samples.
    let capacity: Int
    /// Largest frame accepted, in samples (100 ms).
    let maximumFrame: Int
    private(set) var current: [Int16]?
    private(set) var lastNumber = 0
    private(set) var framesAccepted = 0
    private(set) var framesDropped = 0

    init(sampleRate: Int, maximumDuration: Duration) {
        let seconds = max(0, maximumDuration / .seconds(1))
        capacity = max(1, Int(seconds * Double(sampleRate)))
        maximumFrame = max(1, sampleRate / 10)
    }

    var isInUtterance: Bool { current != nil }

    /// Opens an utterance; while one is open this changes nothing (its audio is kept).
    mutating func begin() {
        if current == nil { current = [] }
    }

    /// Appends a frame; false when it was dropped (empty, longer than 100 ms, or past the cap).
    mutating func accept(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
        guard !frame.isEmpty, frame.count <= maximumFrame else {
            framesDropped += 1
            return false
        }
        begin()
        guard var samples = current, samples.count + frame.count <= capacity else {
            framesDropped += 1
            return false
        }
        current = nil  // keeps the array uniquely referenced while it grows
        if samples.capacity == 0 { samples.reserveCapacity(min(capacity, maximumFrame * 50)) }
        samples.append(contentsOf: frame)
        current = samples
        framesAccepted += 1
        return true
    }

    /// Closes the open utterance and returns it; nil when none was open.
    mutating func end() -> Utterance? {
        guard let samples = current else { return nil }
        current = nil
        lastNumber += 1
        return Utterance(number: lastNumber, samples: samples)
    }
}
