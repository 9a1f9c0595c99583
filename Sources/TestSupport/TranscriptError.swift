/// A transcript in `protocol/examples/` that cannot be loaded or replayed as written.
///
/// These are mistakes in the examples themselves (not server misbehaviour), so each names the file and line to fix.
package struct TranscriptError: Error, Equatable, CustomStringConvertible {
  package var file: String
  package var line: Int?
  package var problem: String

  package init(file: String, line: Int? = nil, _ problem: String) {
    self.file = file
    self.line = line
    self.problem = problem
  }

  package var description: String {
    "\(file)\(line.map { ":\($0)" } ?? ""): \(problem)"
  }
}
