namespace AgentCore.Gateway.Identity.Directories;

/// <summary>A directory's answer about one user name and password.</summary>
/// <param name="Outcome">Yes, no, or no answer.</param>
/// <param name="Subject">On success, what identifies the user for good: the subject attribute's value, else the entry DN as the directory stores it.</param>
/// <param name="Groups">On success, the DNs of the user's groups.</param>
/// <param name="Problem">Why the answer is not a plain yes or no, for the log: never the password.</param>
internal sealed record DirectoryAnswer(DirectoryOutcome Outcome, string? Subject = null, IReadOnlyList<string>? Groups = null, string? Problem = null);
