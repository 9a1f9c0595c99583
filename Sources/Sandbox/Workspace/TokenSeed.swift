import Basics
import Foundation
import JSON

/// Tokens a test or benchmark puts straight into the workspace with a past of its choosing (created, expiring and
/// last used when it says), so an audit's every rule can be met exactly; what `POST /__sandbox/tokens` asks for.
///
/// A time is epoch milliseconds, or an offset from the workspace clock (`{"secondsFromNow": -86400}`,
/// `{"daysFromNow": -30}`). The day of last use is kept as the start of its UTC day, as Databricks records it.
package struct TokenSeed: Sendable, Equatable {
  /// One instant, absolute or relative to the workspace clock.
  package enum Instant: Sendable, Equatable {
    case epochMilliseconds(Int64)
    case secondsFromNow(Double)

    func epochMilliseconds(now: Date) -> Int64 {
      switch self {
      case .epochMilliseconds(let value): value
      // In whole milliseconds from now's, so an offset of 0.001 s is exactly one millisecond.
      case .secondsFromNow(let seconds): now.epochMilliseconds + Int64(saturating: (seconds * 1000).rounded())
      }
    }
  }

  package static let maximumCount = 50_000

  /// The owner's user name; a name no principal has yet becomes a new ordinary user.
  package var owner: String
  /// Who created them (the owner unless given; an admin for on-behalf-of tokens).
  package var createdBy: String?
  package var count = 1
  package var comment = ""
  package var creationTime = Instant.secondsFromNow(0)
  /// `nil`: never expires.
  package var expiryTime: Instant?
  /// `nil`: never used.
  package var lastUsedDay: Instant?

  package init(owner: String) {
    self.owner = owner
  }

  /// Decodes the body of `POST /__sandbox/tokens`.
  init(json body: [String: JSONValue]) throws(SandboxErrorResponse) {
    guard let owner = body["owner"]?.stringValue, !owner.isEmpty else {
      throw .invalidParameterValue("owner must be a non-empty user name")
    }
    self.init(owner: owner)
    switch body["createdBy"] {
    case nil, .null?: break
    case .string(let name)? where !name.isEmpty: createdBy = name
    default: throw .invalidParameterValue("createdBy must be a non-empty user name")
    }
    switch body["count"] {
    case nil, .null?: break
    case .int(let value)? where (1...Int64(Self.maximumCount)).contains(value): count = Int(value)
    default: throw .invalidParameterValue("count must be an integer from 1 to \(Self.maximumCount)")
    }
    switch body["comment"] {
    case nil, .null?: break
    case .string(let text)?: comment = text
    default: throw .invalidParameterValue("comment must be a string")
    }
    creationTime = try Self.instant(body, "creationTime") ?? creationTime
    expiryTime = try Self.instant(body, "expiryTime")
    lastUsedDay = try Self.instant(body, "lastUsedDay")
  }

  /// An integer of epoch milliseconds (0 or more), or an offset object; absent or `null` is `nil`.
  private static func instant(_ body: [String: JSONValue], _ name: String) throws(SandboxErrorResponse) -> Instant? {
    let limit = 1e11  // seconds: about 3,000 years either way
    switch body[name] {
    case nil, .null?:
      return nil
    case .int(let value)? where value >= 0:
      return .epochMilliseconds(value)
    case .object(let offset)? where offset.count == 1:
      if let seconds = offset["secondsFromNow"]?.numberValue, abs(seconds) <= limit {
        return .secondsFromNow(seconds)
      }
      if let days = offset["daysFromNow"]?.numberValue, abs(days * 86_400) <= limit {
        return .secondsFromNow(days * 86_400)
      }
    default: break
    }
    throw .invalidParameterValue(
      "\(name) must be epoch milliseconds or {\"secondsFromNow\": n} or {\"daysFromNow\": n}"
    )
  }
}

extension JSONValue {
  fileprivate var numberValue: Double? {
    switch self {
    case .int(let value): Double(value)
    case .double(let value) where value.isFinite: value
    default: nil
    }
  }
}
