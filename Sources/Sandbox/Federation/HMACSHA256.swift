import Basics

/// HMAC-SHA256 (RFC 2104) over the `Basics` hash: the signature of the sandbox's own subject tokens (JWT `HS256`).
///
/// The sandbox needs an identity provider whose tokens it can check without a key pair or a network; a keyed hash
/// is the smallest thing that makes a forged or altered token fail verification.
enum HMACSHA256 {
  static func authenticationCode(for message: some Sequence<UInt8>, key: [UInt8]) -> [UInt8] {
    var block = key.count > SHA256.blockByteCount ? SHA256.hash(key) : key
    block += [UInt8](repeating: 0, count: SHA256.blockByteCount - block.count)
    var inner = SHA256()
    inner.update(block.map { $0 ^ 0x36 })
    inner.update(message)
    var outer = SHA256()
    outer.update(block.map { $0 ^ 0x5c })
    outer.update(inner.finalize())
    return outer.finalize()
  }
}
