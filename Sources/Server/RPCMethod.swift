import JSON
package import JSONRPC

/// One RPC method: a name, typed params, a typed result, and the handler. One method = one type = one file.
///
/// Returning a value answers the request exactly once by construction. Params are decoded from the
/// already-parsed `JSONValue` once, strictly: unknown keys (other than `_meta`) are rejected, so a typo such as
/// `lifetimeSecond` is an error rather than a silently ignored option.
package protocol RPCMethod: Sendable {
  associatedtype Params: Decodable & Sendable
  associatedtype Result: Encodable & Sendable
  static var name: String { get }
  static func handle(_ params: Params, _ call: MethodCall) async throws -> Result
}

/// What a handler gets besides its params: the request's context and the services shared by all requests.
package struct MethodCall: Sendable {
  package var request: RequestContext
  package var services: Services
}

/// Params of a method that takes none (only the optional `_meta`).
package struct NoParams: Decodable, Sendable {
  package init() {}
}

/// The result of a method with nothing to report: `{}` (results are always objects, never `null`).
package struct EmptyResult: Encodable, Sendable {
  package init() {}
}

extension RPCMethod {
  /// The type-erased handler the connection runs: decode params, call ``handle(_:_:)``, encode the result,
  /// and map every error through the one domain-to-wire mapping.
  package static func handler(services: Services) -> MethodHandler {
    MethodHandler(name: name) { params, context in
      let decoded = try decodeParams(params)
      do {
        let result = try await handle(decoded, MethodCall(request: context, services: services))
        return try JSONValueEncoder().encode(result)
      } catch {
        throw RPCError(error)
      }
    }
  }

  /// Decodes params by name; positional (array) params and unknown keys are `-32602` with `data.errors`.
  static func decodeParams(_ params: JSONValue?) throws(RPCError) -> Params {
    let object: JSONValue
    switch params {
    case nil: object = .object([:])
    case .object?: object = params ?? .object([:])
    default: throw .invalidParams([(path: "", message: "params must be an object (by name)")])
    }
    var unknown: [String] = []
    let decoded: Params
    do {
      decoded = try JSONValueDecoder().decode(Params.self, from: object, unknownTopLevelKeys: &unknown)
    } catch {
      throw .invalidParams(JSONValueDecoder.problems(from: error))
    }
    let unexpected = unknown.filter { $0 != "_meta" }
    guard unexpected.isEmpty else {
      throw .invalidParams(unexpected.lazy.map { (path: "/\($0)", message: "is not a parameter of \(name)") })
    }
    return decoded
  }
}
