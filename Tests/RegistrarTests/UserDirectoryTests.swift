import XCTest
@testable import Registrar

final class UserDirectoryTests: XCTestCase {
    func testLookupIsExact() throws {
        let directory = try UserDirectory([
            DirectoryUser(username: "1001", secret: .password("a"), callerIDName: "Alice", maxContacts: 2),
            DirectoryUser(username: "Bob", secret: .ha1(md5: String(repeating: "a", count: 32), sha256: nil)),
        ])
        XCTAssertEqual(directory.count, 2)
        XCTAssertEqual(directory.user("1001")?.callerIDName, "Alice")
        XCTAssertEqual(directory.user("1001")?.maxContacts, 2)
        XCTAssertNotNil(directory.user("Bob"))
        XCTAssertNil(directory.user("bob"))
        XCTAssertNil(directory.user("1002"))
        XCTAssertFalse(String(describing: try XCTUnwrap(directory.user("1001"))).contains("\"a\""))
    }

    func testInvalidEntriesAreRefused() {
        let password = DirectoryUser.Secret.password("x")
        assertThrows(UserDirectoryError.emptyUsername(index: 1)) {
            _ = try UserDirectory([DirectoryUser(username: "1", secret: password), DirectoryUser(username: "", secret: password)])
        }
        assertThrows(UserDirectoryError.duplicateUsername("1")) {
            _ = try UserDirectory([DirectoryUser(username: "1", secret: password), DirectoryUser(username: "1", secret: password)])
        }
        assertThrows(UserDirectoryError.invalidUsername("a:b")) {
            _ = try UserDirectory([DirectoryUser(username: "a:b", secret: password)])
        }
        assertThrows(UserDirectoryError.invalidHA1(username: "1", algorithm: .md5)) {
            _ = try UserDirectory([DirectoryUser(username: "1", secret: .ha1(md5: "abc", sha256: nil))])
        }
        assertThrows(UserDirectoryError.invalidHA1(username: "1", algorithm: .sha256)) {
            _ = try UserDirectory([DirectoryUser(username: "1", secret: .ha1(md5: nil, sha256: String(repeating: "g", count: 64)))])
        }
        assertThrows(UserDirectoryError.missingSecret(username: "1")) {
            _ = try UserDirectory([DirectoryUser(username: "1", secret: .ha1(md5: nil, sha256: nil))])
        }
        assertThrows(UserDirectoryError.invalidMaxContacts(username: "1", value: 0)) {
            _ = try UserDirectory([DirectoryUser(username: "1", secret: password, maxContacts: 0)])
        }
    }
}
