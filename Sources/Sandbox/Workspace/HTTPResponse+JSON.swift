package import JSON
package import LoopbackHTTP

extension HTTPResponse {
  /// A compact JSON body, as Databricks sends it.
  package static func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
    HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: JSONWriter.bytes(value))
  }
}
