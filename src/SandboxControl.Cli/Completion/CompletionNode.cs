namespace SandboxControl.Cli.Completion;

/// <summary>One command of <see cref="CompletionTree"/>.</summary>
internal sealed record CompletionNode(string Path, IReadOnlyList<string> Subcommands, IReadOnlyList<CompletionOption> Options, string Description);
