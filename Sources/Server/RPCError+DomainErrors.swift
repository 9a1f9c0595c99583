import JSONRPC

extension RPCError {
  /// The one mapping from domain errors to wire errors.
  ///
  /// Unknown errors become `-32603` with a bounded message: an arbitrary error's description could carry
  /// upstream text (and so a secret), so only its type name is logged, on stderr.
  package init(_ error: any Error) {
    switch error {
    case let error as RPCError:
      self = error
    case is CancellationError:
      self = .cancelled()
    default:
      StderrLog.error("unmapped error of type \(type(of: error))")
      self = .internalError()
    }
  }
}
