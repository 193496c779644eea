using System.CommandLine;

namespace SandboxControl.Cli.Commands;

/// <summary>Arguments and options shared by several commands.</summary>
internal static class CommonArguments
{
    public static Argument<string> SandboxId() => new("ID") { Description = "Sandbox id." };

    /// <summary><c>--file F</c>, or <c>--file -</c> for standard input.</summary>
    public static Option<string> InputFile(string description, bool required) => new("--file", "-f")
    {
        Description = description + " Use - for standard input.",
        HelpName = "FILE",
        Required = required,
    };
}
