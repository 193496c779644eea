namespace SandboxControl.Cli.Commands;

/// <summary>One named value of a command's result: a table row label and a JSON property.</summary>
internal sealed record ResultField(string Label, string JsonName, object? Value)
{
    public string Text => Value switch
    {
        null => "-",
        bool flag => flag ? "yes" : "no",
        IEnumerable<string> texts when Value is not string => string.Join(", ", texts),
        _ => Convert.ToString(Value, System.Globalization.CultureInfo.InvariantCulture) ?? "-",
    };
}
