/// What a ``LoopbackHTTPServer`` handler does with one request.
package struct HTTPReply: Sendable {
  package enum Action: Sendable {
    case respond(HTTPResponse)
    /// Close the connection without answering, as a crashed proxy would.
    case dropConnection
    /// Never answer: hold the connection, unanswered, until the server stops (a user who never finishes a consent
    /// page). The client's own timeout is what is under test.
    case hang
    /// Send the response's status and headers (no `Content-Length`), then its body over and over, pausing
    /// `pauseSeconds` between copies, until the client hangs up or the server stops: a body that never ends,
    /// fast or trickling. The client's size cap or timeout is what is under test.
    case endlessBody(HTTPResponse, pauseSeconds: Double)
  }

  package var action: Action
  /// Seconds to wait before acting; cut short when the server stops or the client hangs up.
  package var delaySeconds: Double
  /// Whether the server stops once this is done: the connection is answered and closed first, then the server
  /// closes its listeners and every other connection. A one-shot server (a login redirect) ends with its answer.
  package var stopsServer: Bool
  /// For `.respond`: seconds between the parts of a body cut at ``HTTPResponse/bodyPartEnds``, each part sent that
  /// long after the one before (the first with the head, after ``delaySeconds``). A long answer then arrives piece by
  /// piece, as one streamed by a distant server does, and a client can work on a piece while the next is on its way.
  package var partPauseSeconds: Double

  package init(_ action: Action, delaySeconds: Double = 0, stopsServer: Bool = false, partPauseSeconds: Double = 0) {
    self.action = action
    self.delaySeconds = delaySeconds
    self.stopsServer = stopsServer
    self.partPauseSeconds = partPauseSeconds
  }
}
