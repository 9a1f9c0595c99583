import Basics
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
    case let error as APIError:
      self = .init(error)
    case let error as CredentialWatches.TooManyWatches:
      self.init(
        .busy,
        "brickauth already holds \(error.limit) watches: end one with unwatchCredentials first",
        extra: ["limit": .int(Int64(error.limit))]
      )
    case let error as CredentialError:
      self = .init(error)
    case let error as OAuthError:
      self = .init(error)
    case let error as TokenCacheUpdateError:
      switch error {
      case .busy(let path):
        self.init(.busy, error.message, extra: ["path": .string(path)])
      case .unusable(let path, _):
        self.init(.configInvalid, error.message, extra: ["path": .string(path)])
      case .lockFailed(let failure), .writeFailed(let failure):
        self.init(.configInvalid, error.message, extra: ["path": .string(failure.path)])
      }
    case let error as TokenStorageError:
      switch error {
      case .unknownMode:
        self.init(.configInvalid, error.message)
      case .secureStorageUnreachable, .keyringWriteFailed:
        self.init(.authFailed, error.message)
      case .keyringUnreachable:
        self.init(.authRequired, error.message, retryable: true)
      case .keyringTimedOut:
        self.init(.timeout, error.message)
      }
    case let error as LoopbackListenerError:
      self = .init(error)
    case let error as RedirectPasteRefusal:
      self = .init(error)
    case is LoginCancelled:
      self.init(
        .authFailed,
        "The login was cancelled before it completed (a request waiting on it was cancelled); call login again",
        retryable: true
      )
    case let error as PersonalAccessTokenRefused:
      self.init(.authFailed, "The token was refused by \(error.host): \(error.reason)")
    case let error as LoginTimedOut:
      self.init(.timeout, "The login was not completed within \(Self.seconds(error.seconds)) s")
    case let error as DeadlineExceeded:
      self.init(.timeout, "\(error.what) did not finish within \(Self.seconds(error.seconds)) s")
    case let error as ProfileTokenError:
      self = .init(error)
    default:
      StderrLog.error("unmapped error of type \(type(of: error))")
      self = .internalError()
    }
  }

  /// A duration as a sentence shows it: whole seconds without a fraction (`600`, not `600.0`).
  static func seconds(_ seconds: Double) -> String {
    Int64(exactly: seconds).map(String.init) ?? String(seconds)
  }

  private init(_ error: APIError) {
    let applicationError: ApplicationError =
      switch error.kind {
      case .authRequired: .authRequired
      case .permissionDenied: .permissionDenied
      case .notFound: .notFound
      case .policyViolation: .policyViolation
      case .rateLimited: .rateLimited
      case .upstream: .upstreamError
      case .network: .networkError
      }
    var extra: [String: JSONValue] = ["host": .string(error.host)]
    extra["url"] = error.url.map(JSONValue.string)
    extra["httpStatus"] = error.httpStatus.map { .int(Int64($0)) }
    extra["databricksErrorCode"] = error.databricksErrorCode.map(JSONValue.string)
    extra["retryAfterSeconds"] = error.retryAfterSeconds.map { .int(Int64($0)) }
    let message =
      error.kind == .authRequired ? "\(error.message) (call login, or fix the profile's token)" : error.message
    self.init(applicationError, message, retryable: error.retryable, extra: extra)
  }

  private init(_ error: OAuthError) {
    switch error {
    case .notSupported(let host):
      self.init(
        .authFailed,
        "databricks OAuth is not supported for this host (\(host))",
        extra: ["host": .string(host)]
      )
    case .invalidRefreshToken(let profile), .missingRefreshToken(let profile):
      let reason =
        if case .missingRefreshToken = error { "has no refresh token" } else { "was rejected (it is invalid)" }
      var extra: [String: JSONValue] = [:]
      extra["profile"] = profile.map(JSONValue.string)
      self.init(
        .authRequired,
        "A new access token could not be retrieved: the refresh token \(reason). Call login"
          + (profile.map { " for the profile \($0)" } ?? "") + " to sign in again.",
        extra: extra
      )
    case .grantRejected(let code, let description), .authorizationFailed(let code, let description):
      self.init(
        .authFailed,
        "Login failed: \(description.isEmpty ? code : description) (error code: \(code))",
        extra: ["oauthError": .string(code)]
      )
    case .stateMismatch:
      self.init(
        .authFailed,
        "Login failed: state mismatch in 3-legged-OAuth flow (the redirect did not come from this login)"
      )
    case .machineGrantRejected(let profile, let what, let code, let description):
      var extra: [String: JSONValue] = ["oauthError": .string(code)]
      extra["profile"] = profile.map(JSONValue.string)
      self.init(
        .authRequired,
        "The token endpoint refused the \(what) of the profile \(profile ?? "from the environment"): "
          + "\(description.isEmpty ? code : description) (error code: \(code))",
        extra: extra
      )
    case .malformedTokenResponse(let host):
      self.init(
        .upstreamError,
        "\(host) answered the token request without a usable token",
        extra: ["host": .string(host)]
      )
    }
  }

  /// The login's redirect listener: every port taken is `busy` (another login, or another program, holds them; it
  /// clears when they are freed), a redirect that cannot be an answer fails the login, and a socket that cannot be
  /// set up is a local network failure.
  private init(_ error: LoopbackListenerError) {
    switch error {
    case .noPortAvailable(let ports):
      self.init(
        .busy,
        "No port is free for the login redirect: 127.0.0.1 ports \(ports.lowerBound)-\(ports.upperBound) are all in "
          + "use (other logins may be running); try again once one is free",
        extra: ["ports": .string("\(ports.lowerBound)-\(ports.upperBound)")]
      )
    case .socketFailed:
      self.init(
        .networkError,
        "Login failed: \(error.description)",
        extra: ["host": "localhost"]
      )
    case .stateMismatch:
      self = .init(OAuthError.stateMismatch)
    case .invalidCallback:
      self.init(.authFailed, "Login failed: \(error.description)")
    case .closed:
      self.init(.authFailed, "Login failed: \(error.description)", retryable: true)
    }
  }

  /// A pasted redirect address that did not complete the login: `auth_failed`, saying whether the login still waits
  /// (for a correct address or its own redirect) or has ended. The address, its code and state are never repeated.
  private init(_ error: RedirectPasteRefusal) {
    let refused = "The callbackUrl was not used: \(error.description)"
    switch error {
    case .loginEnded, .alreadyAnswered:
      self.init(.authFailed, refused)
    case .authorizationError(let code, _):
      self.init(
        .authFailed,
        "\(refused); the login still waits until its deadline",
        extra: ["oauthError": .string(code)]
      )
    case .notTheRedirect, .stateMismatch:
      self.init(.authFailed, "\(refused); the login still waits until its deadline")
    }
  }

  private init(_ error: CredentialError) {
    switch error {
    case .loginRequired(let profile, let reason):
      var extra: [String: JSONValue] = [:]
      extra["profile"] = profile.map(JSONValue.string)
      self.init(
        .authRequired,
        "The profile \(profile ?? "from the environment") has no usable credential: \(reason). Call login.",
        extra: extra
      )
    case .unsupportedAuthType(let profile, let authType):
      var extra: [String: JSONValue] = ["authType": .string(authType)]
      extra["profile"] = profile.map(JSONValue.string)
      self.init(
        .authRequired,
        "The profile \(profile ?? "from the environment") uses \(authType), which brickauth does not serve; it serves "
          + Profile.servedAuthTypes.joined(separator: ", ")
          + ": log in with OAuth, a personal access token or a service principal (login)",
        extra: extra
      )
    case .subjectTokenUnavailable(let profile, let reason):
      var extra: [String: JSONValue] = [:]
      extra["profile"] = profile.map(JSONValue.string)
      self.init(
        .authRequired,
        "The profile \(profile ?? "from the environment") has no OIDC token to exchange: \(reason)",
        extra: extra
      )
    case .tokenCacheUnusable(let path, let reason):
      self.init(
        .configInvalid,
        "The token cache \(path) cannot be used: \(reason)",
        extra: ["path": .string(path)]
      )
    }
  }

  /// Minting a token into a profile: a profile that cannot take one is the param's fault; a token changed by another
  /// writer meanwhile passes by itself; a new token that could not be revoked again is named next to the step's error.
  private init(_ error: ProfileTokenError) {
    switch error {
    case .notPersonalAccessToken(let profile, let authType):
      self = .invalidParams([
        (
          path: "/profile",
          message: "the profile \(profile ?? "from the environment") uses \(authType): only a personal access token "
            + "profile of the config file has a token to rotate"
        )
      ])
    case .profileExists(let name, let path):
      self = .invalidParams([
        (path: "/saveAsProfile", message: "\(path) already has a profile \(name); rotateToken replaces its token")
      ])
    case .tokenChangedMeanwhile(let profile, let path):
      self.init(
        .busy,
        "The token of the profile \(profile) changed in \(path) while it was being rotated: nothing was saved and the "
          + "new token was revoked; try again",
        extra: ["path": .string(path), "profile": .string(profile)]
      )
    case .orphaned(let underlying, let tokenId):
      self.init(underlying)
      data["orphanTokenId"] = .string(tokenId)
      message += " (the new token \(tokenId) could not be revoked again: revoke it with revokeToken)"
    }
  }

  private init(_ error: ConfigError) {
    switch error {
    case .unreadable(let failure):
      self.init(
        .configInvalid,
        "Cannot read the config file \(failure.path): \(failure.reason)",
        extra: ["path": .string(failure.path)]
      )
    case .malformed(let path, let line, let reason):
      self.init(
        .configInvalid,
        "The config file \(path) is malformed at line \(line): \(reason)",
        extra: ["path": .string(path), "line": .int(Int64(line))]
      )
    case .profileNotFound(let name, let path, let available):
      self.init(
        .profileNotFound,
        "\(path) has no \(name) profile configured",
        extra: ["profile": .string(name), "path": .string(path), "available": .array(available.map(JSONValue.string))]
      )
    case .noDefaultProfile(let path, let available):
      self.init(
        .profileNotFound,
        "No profile was named and \(path) has no default: pass profile, or set default_profile in [__settings__]",
        extra: ["path": .string(path), "available": .array(available.map(JSONValue.string))]
      )
    case .reservedName(let path):
      self.init(
        .profileNotFound,
        "__settings__ is a reserved section name and cannot be used as a profile",
        extra: ["profile": "__settings__", "path": .string(path)]
      )
    case .missingHost(let profile, let path, let line):
      var extra: [String: JSONValue] = ["path": .string(path), "line": .int(Int64(line))]
      extra["profile"] = profile.map(JSONValue.string)
      self.init(
        .configInvalid,
        "The profile \(profile ?? "from the environment") has no host",
        extra: extra
      )
    case .insecureHost(let profile, let host, let path, let line):
      var extra: [String: JSONValue] = ["host": .string(host)]
      extra["profile"] = profile.map(JSONValue.string)
      extra["path"] = path.map(JSONValue.string)
      extra["line"] = line.map { .int(Int64($0)) }
      self.init(
        .configInvalid,
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
        "Another process is changing \(path); try again",
        extra: ["path": .string(path)]
      )
    case .writeFailed(let failure):
      self.init(
        .configInvalid,
        "Cannot write the config file \(failure.path): \(failure.reason)",
        extra: ["path": .string(failure.path)]
      )
    }
  }
}
