/// Why a profile could not be read, resolved or saved.
///
/// Cases carry paths, line numbers and profile names, never values: a value can be a token.
package enum ConfigError: Error, Equatable, Sendable {
  /// The config file exists but cannot be read.
  case unreadable(FileError)
  /// A line the Databricks CLI would refuse to load.
  case malformed(path: String, line: Int, reason: String)
  /// A named profile (or `default_profile`) that the file does not have.
  case profileNotFound(name: String, path: String, available: [String])
  /// No profile named, no environment profile, no `default_profile` and no usable `DEFAULT`.
  case noDefaultProfile(path: String, available: [String])
  /// `__settings__` used as a profile name.
  case reservedName(path: String)
  /// The profile has no `host`.
  case missingHost(profile: String?, path: String, line: Int)
  /// `http://` to a host other than this machine: credentials would travel in clear text. `path` and `line` (of the
  /// `host` key) say where it was set; both are `nil` for a host from `DATABRICKS_HOST`.
  case insecureHost(profile: String?, host: String, path: String?, line: Int?)
  /// A value that cannot be written so that it reads back the same.
  case unrepresentable(INIEditError)
  /// Another process held the file's lock for the whole wait.
  case busy(path: String)
  /// The new contents could not be written (the old file is untouched).
  case writeFailed(FileError)
}
