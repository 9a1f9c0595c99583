/// Why a token could not be minted into a profile. Cases carry names and ids, never token values.
package enum ProfileTokenError: Error {
  /// Only a profile of the config file that holds a personal access token (`token`) can have its token rotated.
  case notPersonalAccessToken(profile: String?, authType: String)
  /// `saveAsProfile` names a profile the config file already has: it is never overwritten (rotate its token instead).
  case profileExists(name: String, path: String)
  /// The profile's `token` changed between reading it and saving the new one (another tool wrote the file): nothing
  /// was saved, and the new token was revoked.
  case tokenChangedMeanwhile(profile: String, path: String)
  /// A step before the save failed with `underlying`, and the new token `tokenId` could not be revoked again: it is
  /// left in the workspace, in no profile.
  case orphaned(underlying: any Error, tokenId: String)
}
