/// Turns the bytes of one connection into HTTP/1.x requests: a pure value, so tests need no sockets.
///
/// Feed it whatever `recv` returned, however the stream was split; it returns the events that the new bytes
/// completed, in order. Pipelined requests come out one after another. Bodies are framed only by
/// `Content-Length`: loopback clients never stream request bodies, and refusing `Transfer-Encoding` with 411
/// (instead of guessing where a chunked body ends) keeps a confused client from desynchronising the connection.
/// After a ``Event/failure(_:)`` the parser ignores all further input, because the server answers the error and
/// closes the connection.
///
/// ```swift
/// var parser = HTTPRequestParser()
/// for event in parser.feed(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) { ... }
/// ```
package struct HTTPRequestParser: Sendable {
  package enum Event: Sendable, Equatable {
    case request(HTTPRequest)
    /// The head announced `Expect: 100-continue` and its body has not fully arrived: the server should send
    /// `100 Continue` so the client stops waiting before it sends the body.
    case continueExpected
    case failure(HTTPParseError)
  }

  private enum State {
    case head
    case body(HTTPRequest, length: Int)
    case failed
  }

  private let limits: HTTPLimits
  private var state = State.head
  /// Bytes received and not yet consumed by a request.
  private var buffer: [UInt8] = []
  /// How far `buffer` has been searched for the blank line ending the head, so a slow sender costs no rescans.
  private var searchedHeadBytes = 0
  /// Empty lines skipped before the coming request line: they count toward the head's cap, so a client cannot keep
  /// the parser busy forever with nothing but line ends.
  private var skippedBlankBytes = 0

  package init(limits: HTTPLimits = HTTPLimits()) {
    self.limits = limits
  }

  /// Whether no request is under way: nothing is buffered toward the next one (blank lines skipped before it aside).
  package var isAwaitingRequest: Bool {
    if case .head = state { buffer.isEmpty } else { false }
  }

  package mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
    if case .failed = state { return [] }
    buffer.append(contentsOf: bytes)
    var events: [Event] = []
    while let event = nextEvent() {
      events.append(event)
      if case .failure = event {
        state = .failed
        buffer = []
        break
      }
    }
    return events
  }

  private mutating func nextEvent() -> Event? {
    switch state {
    case .failed:
      return nil
    case .body(var request, let length):
      guard buffer.count >= length else { return nil }
      request.body = Array(buffer[..<length])
      buffer.removeFirst(length)
      state = .head
      return .request(request)
    case .head:
      return nextHead()
    }
  }

  private mutating func nextHead() -> Event? {
    skipEmptyLinesBeforeRequestLine()
    guard let headEnd = findHeadEnd() else {
      return skippedBlankBytes + buffer.count > limits.maxHeadBytes ? .failure(.headersTooLarge) : nil
    }
    if skippedBlankBytes + headEnd > limits.maxHeadBytes { return .failure(.headersTooLarge) }
    let head: HTTPRequestHead
    do throws(HTTPParseError) {
      head = try HTTPRequestHead.parse(buffer[..<headEnd], maxHeaderCount: limits.maxHeaderCount)
    } catch {
      return .failure(error)
    }
    buffer.removeFirst(headEnd)
    searchedHeadBytes = 0
    skippedBlankBytes = 0
    if head.contentLength > limits.maxBodyBytes { return .failure(.bodyTooLarge) }
    if head.contentLength == 0 { return .request(head.request) }
    state = .body(head.request, length: head.contentLength)
    if head.expectsContinue && buffer.count < head.contentLength { return .continueExpected }
    return nextEvent()
  }

  /// A server should ignore empty lines before the request line (RFC 9112 section 2.2): some clients send a stray
  /// CRLF after a body.
  private mutating func skipEmptyLinesBeforeRequestLine() {
    var count = 0
    while count < buffer.count {
      if buffer[count] == .lineFeed {
        count += 1
      } else if buffer[count] == .carriageReturn, count + 1 < buffer.count, buffer[count + 1] == .lineFeed {
        count += 2
      } else {
        break
      }
    }
    if count > 0 {
      buffer.removeFirst(count)
      searchedHeadBytes = 0
      skippedBlankBytes += count
    }
  }

  /// The index just past the blank line that ends the head, accepting bare LF line ends as RFC 9112 allows.
  private mutating func findHeadEnd() -> Int? {
    var index = max(0, searchedHeadBytes - 2)
    while index < buffer.count {
      if buffer[index] == .lineFeed {
        if index + 1 < buffer.count, buffer[index + 1] == .lineFeed { return index + 2 }
        if index + 2 < buffer.count, buffer[index + 1] == .carriageReturn, buffer[index + 2] == .lineFeed {
          return index + 3
        }
      }
      index += 1
    }
    searchedHeadBytes = buffer.count
    return nil
  }
}

extension UInt8 {
  static let lineFeed = UInt8(ascii: "\n")
  static let carriageReturn = UInt8(ascii: "\r")
}
