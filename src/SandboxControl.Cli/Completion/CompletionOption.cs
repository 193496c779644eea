namespace SandboxControl.Cli.Completion;

/// <summary>An option: its names, whether a value follows, and what to offer for it (file names, or a fixed set).</summary>
internal sealed record CompletionOption(IReadOnlyList<string> Names, bool TakesValue, bool Files, IReadOnlyList<string> Choices, string Description);
