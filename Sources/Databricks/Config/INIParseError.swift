/// A line of a `.databrickscfg` that the Databricks CLI would refuse to load.
package struct INIParseError: Error, Equatable, Sendable {
  /// 1-based line number.
  package var line: Int
  package var reason: String

  package init(line: Int, reason: String) {
    self.line = line
    self.reason = reason
  }
}
