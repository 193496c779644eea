namespace SandboxControl.Cli.Completion;

/// <summary>zsh completion: the bash functions through zsh's bashcompinit, so the two shells complete the same words.</summary>
internal static class ZshCompletion
{
    private const string Header = """
        # sandboxctl completion for zsh. Add to ~/.zshrc (after compinit):  source <(sandboxctl completion zsh)
        autoload -U +X bashcompinit && bashcompinit

        """;

    public static string Script(CompletionTree tree) => Header + BashCompletion.Body(tree);
}
