import Foundation
import JSON
import Testing

@Suite struct JSONStackUseTests {
  /// Parsing and writing keep open containers on heap stacks, so even the deepest accepted value needs only a
  /// little thread stack; a recursive implementation needs over a megabyte here in debug builds.
  @Test func deepestValuesParseAndWriteOnASmallThreadStack() async throws {
    let depth = JSONParser.maximumDepth
    let text = String(repeating: #"{"a":["#, count: depth / 2) + "true" + String(repeating: "]}", count: depth / 2)
    let roundTripped = await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
      let thread = Thread {
        let written = (try? JSONParser.parse(text)).map { JSONWriter.string($0) + JSONWriter.string($0, pretty: true) }
        continuation.resume(returning: written)
      }
      thread.stackSize = 128 << 10
      thread.start()
    }
    #expect(try #require(roundTripped).hasPrefix(text))
  }
}
