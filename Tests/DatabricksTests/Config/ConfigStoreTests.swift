import Databricks
import Foundation
import TestSupport
import Testing

@Suite struct ConfigStoreTests {
  @Test func returnsNilWithoutAFileAndReloadsWhenTheFileChanges() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      let store = ConfigStore(path: path)
      #expect(try await store.current() == nil)
      try "[a]\nhost = https://a\n".write(toFile: path, atomically: false, encoding: .utf8)
      #expect(try await store.current()?.profileNames == ["a"])
      // Same size, rewritten in place (as go-ini does): the stamp still changes.
      try "[b]\nhost = https://b\n".write(toFile: path, atomically: false, encoding: .utf8)
      #expect(try await store.current()?.profileNames == ["b"])
      // Replaced by rename (as our writer does).
      try "[c]\nhost = https://c\n".write(toFile: path, atomically: true, encoding: .utf8)
      #expect(try await store.current()?.profileNames == ["c"])
      try FileManager.default.removeItem(atPath: path)
      #expect(try await store.current() == nil)
    }
  }

  @Test func reportsAMalformedFileWithItsLineAndRecovers() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      let store = ConfigStore(path: path)
      try "[a]\nhost = h\n[[[[[bad\n".write(toFile: path, atomically: true, encoding: .utf8)
      await #expect(throws: ConfigError.malformed(path: path, line: 3, reason: "unclosed section header")) {
        try await store.current()
      }
      await #expect(throws: ConfigError.self) { try await store.current() }
      try "[a]\nhost = h\n".write(toFile: path, atomically: true, encoding: .utf8)
      #expect(try await store.current()?.profileNames == ["a"])
    }
  }

  @Test func reportsAnUnreadableFile() async throws {
    try await ScratchDirectory.with { directory in
      let store = ConfigStore(path: directory.path)
      await #expect(throws: ConfigError.unreadable(FileError(path: directory.path, reason: "not a regular file"))) {
        try await store.current()
      }
    }
  }
  /// Opening a FIFO for reading waits for a writer: the store must refuse it at once instead of parking a thread.
  @Test func refusesAFIFOWithoutWaitingForAWriter() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      let fifo = try PlantedFIFO(at: path)
      let store = ConfigStore(path: path)
      await #expect(throws: ConfigError.unreadable(FileError(path: path, reason: "not a regular file"))) {
        try await fifo.bounded { try await store.current() }
      }
    }
  }

  @Test func refusesADeviceBehindASymlinkedConfig() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
      await #expect(throws: ConfigError.unreadable(FileError(path: path, reason: "not a regular file"))) {
        try await ConfigStore(path: path).current()
      }
    }
  }

  @Test func refusesAFileOverTheSizeLimitWithoutReadingIt() async throws {
    try await ScratchDirectory.with { directory in
      let path = directory.appendingPathComponent("cfg").path
      #expect(FileManager.default.createFile(atPath: path, contents: nil))
      try FileHandle(forWritingAtPath: path)?.truncate(atOffset: UInt64(FileContents.sizeLimit + 1))
      await #expect(throws: ConfigError.unreadable(FileError(path: path, reason: "larger than 16 MiB"))) {
        try await ConfigStore(path: path).current()
      }
    }
  }
}
