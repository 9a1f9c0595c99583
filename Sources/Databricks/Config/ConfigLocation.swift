/// Where the config file is: `DATABRICKS_CONFIG_FILE` (with `~` expanded) or `~/.databrickscfg`, as the SDKs say.
package enum ConfigLocation {
  package static func path(environment: [String: String]) -> String {
    let home = homeDirectory(environment: environment)
    guard let configured = environment["DATABRICKS_CONFIG_FILE"], !configured.isEmpty else {
      return "\(home)/.databrickscfg"
    }
    if configured == "~" { return home }
    if configured.hasPrefix("~/") { return home + configured.dropFirst() }
    return configured
  }

  /// `HOME` from the service's environment (tests and `--sandbox` point it elsewhere), else the password database.
  package static func homeDirectory(environment: [String: String]) -> String {
    if let home = environment["HOME"], !home.isEmpty { return home }
    return PasswordDatabase.homeDirectory() ?? "/"
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

private enum PasswordDatabase {
  static func homeDirectory() -> String? {
    guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return nil }
    return String(cString: directory)
  }
}
