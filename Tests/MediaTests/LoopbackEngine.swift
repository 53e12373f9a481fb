import Logging
import Media
import ParleyTesting

/// A media engine on a free loopback port range, started, for tests that drive it over UDP.
enum LoopbackEngine {
    static func start(ports count: Int = 16, threads: Int = 1) throws -> MediaEngine {
        let ports = try FreePorts.udpRange(count: count)
        let engine = try MediaEngine(configuration: .init(address: "127.0.0.1", portRange: Int(ports.lowerBound)...Int(ports.upperBound),
                                                          threads: threads, jitterBufferFrames: 2),
                                     logger: Logger(label: "test"))
        engine.start()
        return engine
    }
}
