package import JSON

/// A type-erased method implementation as the connection sees it: params in, result out.
///
/// The server builds these from typed methods (decoding params, encoding results and mapping domain errors
/// in one place), so the connection knows nothing about any particular method.
package struct MethodHandler: Sendable {
  package var name: String
  package var run: @Sendable (_ params: JSONValue?, _ context: RequestContext) async throws -> JSONValue

  package init(
    name: String,
    run: @escaping @Sendable (_ params: JSONValue?, _ context: RequestContext) async throws -> JSONValue
  ) {
    self.name = name
    self.run = run
  }
}
