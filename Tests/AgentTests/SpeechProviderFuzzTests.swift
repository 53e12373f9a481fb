@testable import Agent
import Codecs
import XCTest

/// Random and hostile bytes where the speech providers read a server's answer: nothing traps,
/// and whatever is accepted comes out well-formed.
final class SpeechProviderFuzzTests: XCTestCase {
    func testRandomTranscriptionAnswersNeverTrap() {
        var generator = SeededGenerator(seed: 0x5EED)
        var accepted = 0
        let seeds: [String] = [#"{"text":"hi"}"#, #"{"text":null}"#, #"{"text":["a"]}"#, #"{"text":"a\u0000b"}"#,
                               "[1,2", #"{"text":"\ud800"}"#, "", "null"]
        for round in 0..<3000 {
            var body: [UInt8]
            if round < seeds.count {
                body = Array(seeds[round].utf8)
            } else {
                body = Array(seeds[round % seeds.count].utf8)
                for _ in 0..<Int.random(in: 0...6, using: &generator) where !body.isEmpty {
                    body[Int.random(in: 0..<body.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                if round % 3 == 0 {
                    body = (0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                }
            }
            let type = round % 5 == 0 ? "text/plain" : "application/json"
            if let text = try? TranscriptionResponse.text(from: body, contentType: type) {
                accepted += 1
                XCTAssertFalse(text.hasPrefix(" ") || text.hasSuffix(" ") || text.contains("  "), "normalized: \(text)")
            }
        }
        XCTAssertGreaterThan(accepted, 0, "some answers are readable")
    }

    func testRandomSpeechBodiesNeverTrapAndKeepExactLengths() {
        var generator = SeededGenerator(seed: 42)
        let header = WAVFile.header(format: .pcm16, sampleRate: 24000, channels: 1, dataLength: 1000)
        for round in 0..<600 {
            var body = (0..<Int.random(in: 0...3000, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if round % 2 == 0 {
                // A WAV header with random damage in front of random samples.
                var damaged = header
                for _ in 0..<Int.random(in: 0...4, using: &generator) {
                    damaged[Int.random(in: 4..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                body = damaged + body
            }
            let rate = [8000, 16000, 48000][round % 3]
            var decoder = SpeechAudioDecoder(outputRate: rate)
            var produced = 0
            var start = 0
            var failed = false
            while start < body.count, !failed {
                let end = min(body.count, start + Int.random(in: 1...700, using: &generator))
                do {
                    produced += try decoder.feed(body[start..<end]).count
                } catch {
                    failed = true
                }
                start = end
            }
            guard !failed, let tail = try? decoder.finish() else { continue }
            produced += tail.count
            XCTAssertEqual(produced, decoder.producedSamples)
            if let source = decoder.sourceRate {
                XCTAssertEqual(produced, decoder.inputFrames * rate / source, "exact length, round \(round)")
            }
        }
    }

    func testRandomWAVHeadersNeverTrap() {
        var generator = SeededGenerator(seed: 99)
        for _ in 0..<3000 {
            var bytes = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVE".utf8)
            bytes += (0..<Int.random(in: 0...120, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if Bool.random(using: &generator) {
                bytes += Array("fmt ".utf8) + [16, 0, 0, 0] + (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
                bytes += Array("data".utf8) + (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            if let header = try? WAVStreamHeader.parse(bytes) {
                XCTAssertLessThanOrEqual(header.headerLength, bytes.count)
                XCTAssertGreaterThan(header.sampleRate, 0)
                XCTAssertGreaterThan(header.channels, 0)
            }
        }
    }

    func testWordMarksForAnyTextStayInsideTheAudio() {
        var generator = SeededGenerator(seed: 3)
        let alphabet = Array("ab cd\n\t.,é😀 1")
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? " " })
            let total = Int.random(in: 0...5000, using: &generator)
            let lower = Int.random(in: -10...6000, using: &generator)
            let voiced = Bool.random(using: &generator) ? lower..<(lower + Int.random(in: 0...3000, using: &generator)) : nil
            let marks = WordMarkEstimator.marks(for: text, totalSamples: total, voiced: voiced)
            XCTAssertEqual(marks.count, total > 0 ? WordMarkEstimator.wordRanges(in: text).count : 0)
            var previous = 0
            for mark in marks {
                XCTAssertGreaterThanOrEqual(mark.sampleOffset, previous)
                XCTAssertLessThan(mark.sampleOffset, max(total, 1))
                XCTAssertFalse(text[mark.characterRange].contains { $0.isWhitespace })
                previous = mark.sampleOffset
            }
        }
    }

    func testMultipartBodyLayout() throws {
        var form = MultipartFormData(boundary: "b0undary")
        form.addFile("file", filename: "utterance.wav", contentType: "audio/wav", data: [0, 13, 10, 255])
        form.addField("model", "whisper-1")
        let parts = try FormReader.parts(form.bytes, contentType: form.contentType)
        XCTAssertEqual(parts, [
            FormPart(name: "file", filename: "utterance.wav", contentType: "audio/wav", body: [0, 13, 10, 255]),
            FormPart(name: "model", filename: nil, contentType: nil, body: Array("whisper-1".utf8)),
        ])
        let random = MultipartFormData.randomBoundary()
        XCTAssertEqual(random.count, "parley-".count + 32)
        XCTAssertNotEqual(random, MultipartFormData.randomBoundary())
    }
}
