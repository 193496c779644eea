namespace SandboxControl.Client.Policies;

/// <summary>The server's record after a status report.</summary>
/// <param name="Version">The newest policy version.</param>
/// <param name="State">Its state.</param>
/// <param name="ActiveVersion">The last version reported loaded (0 if none): the one in force.</param>
/// <param name="Message">The failure message, if any.</param>
public sealed record PolicyStatusResult(long Version, PolicyState State, long ActiveVersion, string Message);
