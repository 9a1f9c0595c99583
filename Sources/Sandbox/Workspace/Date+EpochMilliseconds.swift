import Basics
import Foundation

extension Date {
  /// Milliseconds since 1970, the unit of `creation_time` and `expiry_time`.
  var epochMilliseconds: Int64 {
    Int64(saturating: (timeIntervalSince1970 * 1000).rounded(.down))
  }
}
