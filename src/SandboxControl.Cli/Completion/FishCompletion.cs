using System.Globalization;
using System.Text;

namespace SandboxControl.Cli.Completion;

/// <summary>A fish completion script generated from the command tree, with each command's and option's description.</summary>
internal static class FishCompletion
{
    private const string Header = """
        # sandboxctl completion for fish:  sandboxctl completion fish > ~/.config/fish/completions/sandboxctl.fish
        function __sandboxctl_path --description 'the sandboxctl subcommands typed so far'
            set -l path ''
            for word in (commandline -opc)[2..-1]
                if contains -- $word (string split ' ' -- (__sandboxctl_subcommands $path))
                    set path (string trim -- "$path $word")
                end
            end
            echo $path
        end
        function __sandboxctl_at --description 'true when the typed subcommands are exactly argv[1]'
            set -l path (__sandboxctl_path)
            test "$path" = "$argv[1]"
        end
        complete -c sandboxctl -f

        """;

    public static string Script(CompletionTree tree)
    {
        var text = new StringBuilder(Header);
        text.Append("function __sandboxctl_subcommands\n    switch \"$argv[1]\"\n");
        foreach (var node in tree.Nodes.Where(node => node.Subcommands.Count > 0))
        {
            text.Append(CultureInfo.InvariantCulture, $"        case {Quote(node.Path)}\n            echo {Quote(string.Join(' ', node.Subcommands))}\n");
        }

        text.Append("    end\nend\n\n");
        foreach (var node in tree.Nodes)
        {
            var at = $"complete -c sandboxctl -n {Quote("__sandboxctl_at " + Quote(node.Path))}";
            foreach (var child in tree.Nodes.Where(child => IsChild(node.Path, child.Path)))
            {
                text.Append(CultureInfo.InvariantCulture, $"{at} -a {Quote(child.Path.Split(' ')[^1])} -d {Quote(child.Description)}\n");
            }

            if (node.ArgumentChoices.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"{at} -a {Quote(string.Join(' ', node.ArgumentChoices))}\n");
            }

            foreach (var option in node.Options)
            {
                text.Append(at).Append(Names(option));
                text.Append(option.Choices.Count > 0 ? $" -x -a {Quote(string.Join(' ', option.Choices))}" : option.Files ? " -r -F" : option.TakesValue ? " -x" : "");
                text.Append(CultureInfo.InvariantCulture, $" -d {Quote(option.Description)}\n");
            }
        }

        return text.ToString();
    }

    private static bool IsChild(string parent, string path) =>
        path.Length > 0 && (parent.Length == 0 ? !path.Contains(' ', StringComparison.Ordinal) : path.StartsWith(parent + " ", StringComparison.Ordinal) && !path[(parent.Length + 1)..].Contains(' ', StringComparison.Ordinal));

    private static string Names(CompletionOption option) => string.Concat(option.Names.Select(name =>
        name.StartsWith("--", StringComparison.Ordinal) ? " -l " + name[2..] : name.Length == 2 ? " -s " + name[1..] : " -o " + name[1..]));

    // fish single quotes: only \ and ' are special.
    private static string Quote(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
