using System.CommandLine;
using SandboxControl.Cli.Connection;
using SandboxControl.Cli.Input;
using SandboxControl.Cli.Output;

namespace SandboxControl.Cli.Commands;

/// <summary>The output format (every command) and the connection settings (every command that talks to the server).</summary>
internal sealed class GlobalOptions
{
    public Option<string> Output { get; } = CreateOutputOption();

    public Option<string> Timeout { get; } = new("--timeout")
    {
        Description = "How long to wait for the server, e.g. 500ms, 10s, 2m (log --follow streams are not cut off).",
        DefaultValueFactory = _ => "30s",
        HelpName = "DURATION",
        Recursive = true,
    };

    public Option<string?> Context { get; } = new("--context")
    {
        Description = "Context of the config file to use instead of its current-context (or SANDBOXCTL_CONTEXT).",
        HelpName = "NAME",
        Recursive = true,
    };

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

    public OutputFormat FormatOf(ParseResult parseResult) => parseResult.GetValue(Output) switch
    {
        "json" => OutputFormat.Json,
        "yaml" => OutputFormat.Yaml,
        "wide" => OutputFormat.Wide,
        _ => OutputFormat.Table,
    };

    public ConnectionFlags ConnectionFlags(ParseResult parseResult) => new(
        parseResult.GetValue(Server), parseResult.GetValue(Ca), parseResult.GetValue(Cert), parseResult.GetValue(Key), parseResult.GetValue(Context));

    private static Option<string> CreateOutputOption()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: table or wide for people, json or yaml for scripts.",
            DefaultValueFactory = _ => "table",
            Recursive = true,
        };
        return Choices.Restrict(option, "table", "wide", "json", "yaml");
    }
}
