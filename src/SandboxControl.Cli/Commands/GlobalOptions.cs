using System.CommandLine;
using SandboxControl.Cli.Connection;
using SandboxControl.Cli.Output;

namespace SandboxControl.Cli.Commands;

/// <summary>The output format (every command) and the connection settings (every command that talks to the server).</summary>
internal sealed class GlobalOptions
{
    public Option<string> Output { get; } = CreateOutputOption();

    // The connection options are added to each online command, not recursively to the root: the offline
    // `certs` commands have options of their own (`certs revoke --cert`) and never connect.
    public Option<string?> Server { get; } = new("--server")
    {
        Description = "Server URL, e.g. https://127.0.0.1:7443 (or SANDBOXCTL_SERVER).",
        HelpName = "URL",
    };

    public Option<string?> Ca { get; } = new("--ca")
    {
        Description = "PEM file of the CA the server certificate must chain to (or SANDBOXCTL_CA).",
        HelpName = "FILE",
    };

    public Option<string?> Cert { get; } = new("--cert")
    {
        Description = "PEM client certificate (or SANDBOXCTL_CERT).",
        HelpName = "FILE",
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = "PEM private key of the client certificate (or SANDBOXCTL_KEY).",
        HelpName = "FILE",
    };

    public void AddConnectionOptions(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(Ca);
        command.Options.Add(Cert);
        command.Options.Add(Key);
    }

    public OutputFormat FormatOf(ParseResult parseResult) =>
        parseResult.GetValue(Output) == "json" ? OutputFormat.Json : OutputFormat.Table;

    public ConnectionFlags ConnectionFlags(ParseResult parseResult) => new(
        parseResult.GetValue(Server), parseResult.GetValue(Ca), parseResult.GetValue(Cert), parseResult.GetValue(Key));

    private static Option<string> CreateOutputOption()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: table for people, json for scripts.",
            DefaultValueFactory = _ => "table",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }
}
