#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, platform-neutral names for the socket calls the harness makes, so types with their own
/// `close()` or `connect()` methods can still reach the C functions.
enum Posix {
    #if canImport(Glibc)
    static let streamSocket = Int32(SOCK_STREAM.rawValue)
    static let datagramSocket = Int32(SOCK_DGRAM.rawValue)
    static let sendFlags = Int32(MSG_NOSIGNAL)  // a closed peer must not SIGPIPE the test runner
    #else
    static let streamSocket = SOCK_STREAM
    static let datagramSocket = SOCK_DGRAM
    static let sendFlags: Int32 = 0
    #endif

    /// A socket of `type` (``streamSocket`` or ``datagramSocket``), or -1 with errno set.
    static func socket(_ type: Int32) -> Int32 {
        #if canImport(Glibc)
        return Glibc.socket(AF_INET, type, 0)
        #else
        return Darwin.socket(AF_INET, type, 0)
        #endif
    }

    static func close(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    /// 127.0.0.1:`port` as a sockaddr_in.
    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// bind(2) to 127.0.0.1:`port`; true on success.
    static func bind(_ fd: Int32, port: UInt16) -> Bool {
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                #if canImport(Glibc)
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                #else
                Darwin.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                #endif
            }
        }
    }

    /// connect(2) to 127.0.0.1:`port`; true on success.
    static func connect(_ fd: Int32, port: UInt16) -> Bool {
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                #if canImport(Glibc)
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                #else
                Darwin.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                #endif
            }
        }
    }

    static func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        #if canImport(Glibc)
        return Glibc.send(fd, bytes.baseAddress, bytes.count, sendFlags)
        #else
        return Darwin.send(fd, bytes.baseAddress, bytes.count, sendFlags)
        #endif
    }
}
