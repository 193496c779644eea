using System.CommandLine;
using System.CommandLine.Completions;

namespace SandboxControl.Cli.Completion;

/// <summary>
/// The visible command tree flattened for completion scripts: every command by its path ("" for the root,
/// "sandboxes list"), its subcommands and the options it accepts, recursive ones from its ancestors included.
/// </summary>
internal sealed record CompletionTree(IReadOnlyList<CompletionNode> Nodes)
{
    public static CompletionTree From(Command root)
    {
        var nodes = new List<CompletionNode>();
        Add(root, "", [], nodes);
        return new CompletionTree(nodes);
    }

    private static void Add(Command command, string path, IReadOnlyList<Option> inherited, List<CompletionNode> nodes)
    {
        var options = command.Options.Concat(inherited).Where(option => !option.Hidden).Distinct().Select(Describe).ToList();
        var subcommands = command.Subcommands.Where(subcommand => !subcommand.Hidden).ToList();
        var argumentChoices = command.Arguments.Where(argument => !argument.Hidden)
            .SelectMany(argument => argument.GetCompletions(CompletionContext.Empty)).Select(item => item.Label).ToList();
        nodes.Add(new CompletionNode(path, subcommands.Select(subcommand => subcommand.Name).ToList(), options, argumentChoices, FirstLine(command.Description)));
        var recursive = inherited.Concat(command.Options.Where(option => option.Recursive)).ToList();
        foreach (var subcommand in subcommands)
        {
            Add(subcommand, path.Length == 0 ? subcommand.Name : path + " " + subcommand.Name, recursive, nodes);
        }
    }

    private static CompletionOption Describe(Option option)
    {
        // Windows-style "/?" and "-?" would be globbed by the shells; "-h" and "--help" are enough.
        var names = new[] { option.Name }.Concat(option.Aliases)
            .Where(name => name.StartsWith('-') && name.Length > 1 && char.IsLetter(name[^1]))
            .ToList();
        var takesValue = option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool);
        var choices = takesValue
            ? option.GetCompletions(CompletionContext.Empty).Select(item => item.Label).ToList()
            : [];
        var files = takesValue && choices.Count == 0 && (option.HelpName ?? "").Contains("FILE", StringComparison.Ordinal);
        return new CompletionOption(names, takesValue, files, choices, FirstLine(option.Description));
    }

    private static string FirstLine(string? text) => (text ?? "").Split('\n')[0].Trim();
}
