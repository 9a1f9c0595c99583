/// Which port a ``LoopbackHTTPServer`` listens on.
package enum LoopbackPort: Sendable, Equatable {
  /// One the kernel picks: for servers whose clients are told the port (tests, a sandbox).
  case ephemeral
  /// Exactly this one, or ``LoopbackHTTPServerError/noPortAvailable(ports:)``.
  case port(UInt16)
  /// The first of these that is free, in order (0 is skipped): for clients that only accept a few registered ports,
  /// as an OAuth redirect URI.
  case firstFree(ClosedRange<UInt16>)
}
