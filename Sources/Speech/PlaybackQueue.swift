/// The agent's utterances waiting to be played, with their audio as it arrives from synthesis.
///
/// Utterances play strictly in order and gaplessly; an utterance whose audio has not arrived yet
/// holds the ones behind it (the frame is padded with silence meanwhile).
struct PlaybackQueue {
    struct Entry {
        var id: UtteranceID
        var text: String
        var samples: [Int16] = []
        var marks: [WordMark] = []
        var played = 0
        var synthesisFinished = false
        var job: SynthesisJob?

        var progress: SpokenProgress {
            SpokenProgress(text: text, marks: marks, playedSamples: played,
                           totalSamples: synthesisFinished ? samples.count : nil)
        }
    }

    /// What a fill did, for the channel's events (in the order it happened).
    struct FillReport {
        enum Change: Equatable {
            case started(UtteranceID)
            case finished(UtteranceID)
        }

        var written = 0
        var changes: [Change] = []
    }

    private(set) var entries: [Entry] = []
    let maximumBufferedSamples: Int

    init(maximumBufferedSamples: Int) {
        self.maximumBufferedSamples = maximumBufferedSamples
    }

    var isEmpty: Bool { entries.isEmpty }
    var first: Entry? { entries.first }

    /// Samples buffered and not yet played, over all entries.
    var bufferedSamples: Int { entries.reduce(0) { $0 + $1.samples.count - $1.played } }

    mutating func enqueue(_ id: UtteranceID, text: String) {
        entries.append(Entry(id: id, text: text))
    }

    mutating func attach(_ job: SynthesisJob, to id: UtteranceID) -> Bool {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return false }
        entries[index].job = job
        return true
    }

    /// Adds synthesized audio; returns the samples dropped (unknown utterance or over the bound).
    mutating func append(_ samples: [Int16], marks: [WordMark], to id: UtteranceID) -> Int {
        guard let index = entries.firstIndex(where: { $0.id == id }), !entries[index].synthesisFinished else {
            return samples.count
        }
        entries[index].marks.append(contentsOf: marks)
        let room = max(0, maximumBufferedSamples - bufferedSamples)
        entries[index].samples.append(contentsOf: samples.prefix(room))
        return samples.count - min(room, samples.count)
    }

    mutating func finishSynthesis(of id: UtteranceID) {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return }
        entries[index].synthesisFinished = true
    }

    /// Fills `frame` from the head of the queue, pads with silence, and pops finished entries.
    mutating func fill(_ frame: UnsafeMutableBufferPointer<Int16>) -> FillReport {
        var report = FillReport()
        // Each pass either writes samples, pops an entry or stops: bounded by frame + entries.
        for _ in 0..<(frame.count + entries.count + 1) {
            guard report.written < frame.count, !entries.isEmpty else { break }
            let available = entries[0].samples.count - entries[0].played
            if available > 0 {
                let count = min(available, frame.count - report.written)
                if entries[0].played == 0 { report.changes.append(.started(entries[0].id)) }
                entries[0].samples.withUnsafeBufferPointer { source in
                    for offset in 0..<count {
                        frame[report.written + offset] = source[entries[0].played + offset]
                    }
                }
                entries[0].played += count
                report.written += count
            } else if entries[0].synthesisFinished {
                report.changes.append(.finished(entries[0].id))
                entries.removeFirst()
            } else {
                break
            }
        }
        // An entry drained exactly at the frame's end is finished now, not one tick later.
        if let head = entries.first, head.synthesisFinished, head.played == head.samples.count, head.played > 0 {
            report.changes.append(.finished(head.id))
            entries.removeFirst()
        }
        for index in report.written..<frame.count { frame[index] = 0 }
        return report
    }

    /// Removes every entry, cancelling their synthesis, and returns them.
    mutating func removeAll() -> [Entry] {
        let removed = entries
        entries.removeAll()
        for entry in removed { entry.job?.cancel() }
        return removed
    }
}
