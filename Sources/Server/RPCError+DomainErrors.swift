import Databricks
import JSON
import JSONRPC

extension RPCError {
  /// The one mapping from domain errors to wire errors.
  ///
  /// Domain errors carry paths, line numbers and names but never values, so the messages built here cannot leak a
  /// secret. Unknown errors become `-32603` with a bounded message: an arbitrary error's description could carry
  /// upstream text (and so a secret), so only its type name is logged, on stderr.
  package init(_ error: any Error) {
    switch error {
    case let error as RPCError:
      self = error
    case is CancellationError:
      self = .cancelled()
    case let error as ConfigError:
      self = .init(error)
    default:
      StderrLog.error("unmapped error of type \(type(of: error))")
      self = .internalError()
    }
  }

  private init(_ error: ConfigError) {
    switch error {
    case .unreadable(let failure):
      self.init(
        .configInvalid,
        kind: "config_invalid",
        "Cannot read the config file \(failure.path): \(failure.reason)",
        extra: ["path": .string(failure.path)]
      )
    case .malformed(let path, let line, let reason):
      self.init(
        .configInvalid,
        kind: "config_invalid",
        "The config file \(path) is malformed at line \(line): \(reason)",
        extra: ["path": .string(path), "line": .int(Int64(line))]
      )
    case .profileNotFound(let name, let path, let available):
      self.init(
        .profileNotFound,
        kind: "profile_not_found",
        "\(path) has no \(name) profile configured",
        extra: ["profile": .string(name), "path": .string(path), "available": .array(available.map(JSONValue.string))]
      )
    case .noDefaultProfile(let path, let available):
      self.init(
        .profileNotFound,
        kind: "profile_not_found",
        "No profile was named and \(path) has no default: pass profile, or set default_profile in [__settings__]",
        extra: ["path": .string(path), "available": .array(available.map(JSONValue.string))]
      )
    case .reservedName(let path):
      self.init(
        .profileNotFound,
        kind: "profile_not_found",
        "__settings__ is a reserved section name and cannot be used as a profile",
        extra: ["profile": "__settings__", "path": .string(path)]
      )
    case .missingHost(let profile, let path, let line):
      var extra: [String: JSONValue] = ["path": .string(path), "line": .int(Int64(line))]
      extra["profile"] = profile.map(JSONValue.string)
      self.init(
        .configInvalid,
        kind: "config_invalid",
        "The profile \(profile ?? "from the environment") has no host",
        extra: extra
      )
    case .insecureHost(let profile, let host):
      var extra: [String: JSONValue] = ["host": .string(host)]
      extra["profile"] = profile.map(JSONValue.string)
      self.init(
        .configInvalid,
        kind: "config_invalid",
        "The host \(host) must use https:// (plain http:// is allowed only for this machine)",
        extra: extra
      )
    case .unrepresentable(let edit):
      let what =
        switch edit {
        case .unrepresentableSection(let name): "the profile name \(name)"
        case .unrepresentableKey(let key): "the key \(key)"
        case .unrepresentableValue(let key): "the value of \(key)"
        }
      self = .invalidParams([(path: "", message: "\(what) cannot be written to the config file unchanged")])
    case .busy(let path):
      self.init(
        .busy,
        kind: "busy",
        "Another process is changing \(path); try again",
        retryable: true,
        extra: ["path": .string(path)]
      )
    case .writeFailed(let failure):
      self.init(
        .configInvalid,
        kind: "config_invalid",
        "Cannot write the config file \(failure.path): \(failure.reason)",
        extra: ["path": .string(failure.path)]
      )
    }
  }
}
