/// The state shared by every request of one process.
package final class Services: Sendable {
  package let environment: [String: String]
  package let testMethods: Bool

  package init(environment: [String: String], testMethods: Bool = false) {
    self.environment = environment
    self.testMethods = testMethods
  }
}
