namespace SandboxControl.Cli.Completion;

/// <summary>One command of <see cref="CompletionTree"/>; <paramref name="ArgumentChoices"/> are the fixed values of its arguments (e.g. bash zsh fish).</summary>
internal sealed record CompletionNode(
    string Path, IReadOnlyList<string> Subcommands, IReadOnlyList<CompletionOption> Options, IReadOnlyList<string> ArgumentChoices, string Description);
