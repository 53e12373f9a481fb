import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ParleyTesting: real peers for Parley's integration tests, and the small tools to judge them.
///
/// This module starts and stops real SIP/RTP programs on 127.0.0.1 (``Baresip``, ``SIPp``, any
/// ``ChildProcess``), finds free ports (``FreePorts``), locates the checked-in peer files
/// (``PeerFiles``: baresip templates, SIPp scenarios in `Tests/Peers`) and analyses what a peer
/// recorded (``AudioAnalysis``). It owns no protocol logic and must not import Parley's SIP, Media
/// or Switch modules: tests use it to judge Parley from the outside, the way a caller would.
/// Peers need the Debian packages baresip, sip-tester (sipp) and, for some recipes, sox.
public enum PeerFiles {
    /// `Tests/Peers` in the repository, found from this source file's location.
    public static var root: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // ParleyTesting
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // repository root
            .appendingPathComponent("Tests")
            .appendingPathComponent("Peers")
    }

    /// A checked-in peer file, e.g. `PeerFiles.file("sipp/uac_pcap.xml")`.
    public static func file(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    /// A new, empty directory `$TMPDIR/parley-test-XXXXXX/<name>` (a fresh random parent each
    /// call), for configs, logs and recordings of one peer. It is left in place after the test so
    /// its logs can be read when something failed.
    public static func scratchDirectory(_ name: String) throws(HarnessError) -> URL {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast())
        template += Array("parley-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let baseAddress = buffer.baseAddress, mkdtemp(baseAddress) != nil else { return nil }
            return String(cString: baseAddress)
        }
        guard let parent = made else {
            throw HarnessError.file(path: base, reason: "mkdtemp failed: errno \(errno)")
        }
        let safeName = name.map { $0 == "/" || $0 == "\0" ? "_" : $0 }
        let directory = URL(fileURLWithPath: parent).appendingPathComponent(safeName.isEmpty ? "scratch" : String(safeName))
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw HarnessError.file(path: directory.path, reason: String(describing: error))
        }
        return directory
    }
}
