package import Foundation

/// Per-test scratch directories under the system temporary directory.
///
/// The filesystem is not abstracted: tests use real files in a fresh directory each, so nothing of the user's
/// (their `~/.databrickscfg`, their token cache) can ever be touched by a test.
package enum ScratchDirectory {
  package static func make(prefix: String = "test") throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("brickauth-\(prefix)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Runs `body` with a fresh directory and removes it afterwards.
  package static func with<T>(
    prefix: String = "test",
    _ body: (URL) async throws -> T
  ) async throws -> T {
    let url = try make(prefix: prefix)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
  }
}
