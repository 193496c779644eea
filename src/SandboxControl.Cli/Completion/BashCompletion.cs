using System.Globalization;
using System.Text;

namespace SandboxControl.Cli.Completion;

/// <summary>
/// A bash completion script generated from the command tree: subcommands and options per command path, the fixed
/// values of options such as <c>-o</c>, and file names after file options. No process is started on TAB.
/// </summary>
internal static class BashCompletion
{
    private const string Header = """
        # sandboxctl completion for bash. Load it in this shell:  source <(sandboxctl completion bash)
        # or for every shell:  sandboxctl completion bash > ~/.local/share/bash-completion/completions/sandboxctl

        """;

    private const string Driver = """
        _sandboxctl()
        {
            local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path="" i values
            for ((i = 1; i < COMP_CWORD; i++)); do
                if [[ " $(_sandboxctl_subcommands "$path") " == *" ${COMP_WORDS[i]} "* ]]; then
                    path="${path:+$path }${COMP_WORDS[i]}"
                fi
            done
            values=$(_sandboxctl_values "$path" "$prev")
            if [[ $values == __files__ ]]; then
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -- "$cur"))
            elif [[ $values == __value__ ]]; then
                COMPREPLY=()
            elif [[ -n $values ]]; then
                COMPREPLY=($(compgen -W "$values" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$(_sandboxctl_subcommands "$path") $(_sandboxctl_words "$path")" -- "$cur"))
            fi
        }
        complete -F _sandboxctl sandboxctl
        """;

    public static string Script(CompletionTree tree) => Header + "\n" + Body(tree);

    /// <summary>The functions without the header; the zsh script runs them through bashcompinit.</summary>
    public static string Body(CompletionTree tree) => Functions(tree) + Driver + "\n";

    private static string Functions(CompletionTree tree)
    {
        var text = new StringBuilder();
        text.Append("_sandboxctl_subcommands()\n{\n    case \"$1\" in\n");
        foreach (var node in tree.Nodes.Where(node => node.Subcommands.Count > 0))
        {
            text.Append(CultureInfo.InvariantCulture, $"        \"{node.Path}\") echo \"{string.Join(' ', node.Subcommands)}\" ;;\n");
        }

        text.Append("    esac\n}\n\n# Fixed argument values and option names of command $1.\n_sandboxctl_words()\n{\n    case \"$1\" in\n");
        foreach (var node in tree.Nodes)
        {
            text.Append(CultureInfo.InvariantCulture, $"        \"{node.Path}\") echo \"{string.Join(' ', node.ArgumentChoices.Concat(node.Options.SelectMany(option => option.Names)))}\" ;;\n");
        }

        text.Append("    esac\n}\n\n# What follows option $2 of command $1: fixed values, __files__, __value__ (type it), or nothing (a flag).\n");
        text.Append("_sandboxctl_values()\n{\n    case \"$1 $2\" in\n");
        foreach (var node in tree.Nodes)
        {
            foreach (var option in node.Options.Where(option => option.TakesValue))
            {
                var patterns = string.Join('|', option.Names.Select(name => $"\"{node.Path} {name}\""));
                var values = option.Choices.Count > 0 ? string.Join(' ', option.Choices) : option.Files ? "__files__" : "__value__";
                text.Append(CultureInfo.InvariantCulture, $"        {patterns}) echo \"{values}\" ;;\n");
            }
        }

        text.Append("    esac\n}\n\n");
        return text.ToString();
    }
}
