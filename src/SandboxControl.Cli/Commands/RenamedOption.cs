using System.CommandLine;

namespace SandboxControl.Cli.Commands;

/// <summary>
/// A file option under its current name (<c>--out</c>, <c>-f/--file</c>) that still accepts the name it had before
/// (<c>--cert-out</c>, <c>--policy-file</c>), hidden from help and answered with one deprecation line on stderr, so
/// scripts written against the old name keep running while help shows one spelling.
/// </summary>
internal sealed class RenamedOption
{
    private readonly Option<string> _old;
    private readonly bool _required;

    public RenamedOption(Option<string> current, string oldName, bool required)
    {
        Current = current;
        _old = new Option<string>(oldName) { Hidden = true, HelpName = current.HelpName };
        _required = required;
    }

    public Option<string> Current { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Current);
        command.Options.Add(_old);
        command.Validators.Add(result =>
        {
            var current = result.GetValue(Current);
            var old = result.GetValue(_old);
            if (current is not null && old is not null)
            {
                result.AddError($"give {Current.Name}, not also {_old.Name} (its old name).");
            }
            else if (_required && current is null && old is null)
            {
                result.AddError($"Option '{Current.Name}' is required.");
            }
        });
    }

    /// <summary>The value under either name, or null when neither was given.</summary>
    public string? Get(CommandContext context)
    {
        if (context.ParseResult.GetValue(_old) is { } old)
        {
            context.Console.Error.WriteLine($"warning: {_old.Name} is deprecated; use {Current.Name}.");
            return old;
        }

        return context.ParseResult.GetValue(Current);
    }
}
