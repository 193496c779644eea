using System.CommandLine;
using SandboxControl.Cli.Output;

namespace SandboxControl.Cli.Input;

/// <summary>
/// A closed set of values for an option or argument, refused in one line with a suggestion
/// (<c>--output: 'jsn' is not one of table, wide, json, yaml; did you mean "json"?</c>), offered to shell completion.
/// </summary>
internal static class Choices
{
    public static Option<string> Restrict(Option<string> option, params string[] values)
    {
        option.HelpName = string.Join('|', values);
        option.CompletionSources.Add(values);
        option.Validators.Add(result => Check(result, option.Name, result.GetValueOrDefault<string>(), values));
        return option;
    }

    public static Argument<string> Restrict(Argument<string> argument, params string[] values)
    {
        argument.HelpName = string.Join('|', values);
        argument.CompletionSources.Add(values);
        argument.Validators.Add(result => Check(result, argument.Name, result.GetValueOrDefault<string>(), values));
        return argument;
    }

    private static void Check(System.CommandLine.Parsing.SymbolResult result, string name, string? value, string[] values)
    {
        if (value is null || values.Contains(value, StringComparer.Ordinal))
        {
            return;
        }

        var typed = TextSanitizer.Clean(value);
        result.AddError($"{name}: '{typed}' is not one of {string.Join(", ", values)}{Suggestions.DidYouMean(typed, values)}");
    }
}
