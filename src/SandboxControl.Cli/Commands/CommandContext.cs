using System.CommandLine;
using Google.Protobuf;
using SandboxControl.Cli.Connection;
using SandboxControl.Cli.Output;

namespace SandboxControl.Cli.Commands;

/// <summary>What a running command needs: its parsed arguments, the console, output format and (on demand) a connection.</summary>
internal sealed class CommandContext(ParseResult parseResult, CliConsole console, GlobalOptions globalOptions) : IDisposable
{
    private ControlPlaneConnection? _connection;

    public ParseResult ParseResult { get; } = parseResult;

    public CliConsole Console { get; } = console;

    public TextWriter Out => Console.Out;

    public OutputFormat Output => globalOptions.FormatOf(ParseResult);

    public TimeProvider Time { get; } = TimeProvider.System;

    /// <summary>Ends only on Ctrl+C, not at --timeout: for streams meant to run until stopped (logs --follow).</summary>
    public CancellationToken UntilStopped { get; init; }

    /// <summary>The open connection, if the command made one (for explaining transport failures).</summary>
    public ControlPlaneConnection? Connection => _connection;

    public T Get<T>(Option<T> option) => ParseResult.GetValue(option)!;

    public T Get<T>(Argument<T> argument) => ParseResult.GetValue(argument)!;

    /// <summary>An absolute path, relative ones taken from the working directory.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, Console.WorkingDirectory);

    /// <summary>Resolves the connection settings, checks the certificate files and creates the channel.</summary>
    public ControlPlaneConnection Connect()
    {
        if (_connection is null)
        {
            var settings = ConnectionSettingsResolver.Resolve(globalOptions.ConnectionFlags(ParseResult), Console);
            _connection = ControlPlaneConnection.Open(settings, Time);
        }

        return _connection;
    }

    public V1.SandboxControl.SandboxControlClient Client() => Connect().Client;

    /// <summary>Prints a protobuf message as JSON, or as the command's table.</summary>
    public async Task WriteAsync(IMessage message, Func<TextWriter, Task> writeTable)
    {
        if (Output == OutputFormat.Json)
        {
            await Out.WriteLineAsync(ProtoJson.Format(message));
        }
        else if (Output == OutputFormat.Yaml)
        {
            await Out.WriteAsync(YamlWriter.FromJson(ProtoJson.Format(message)));
        }
        else
        {
            await writeTable(Out);
        }
    }

    /// <summary>Prints name/value pairs as aligned lines, or as one JSON object.</summary>
    public async Task WriteFieldsAsync(params IReadOnlyList<ResultField> fields)
    {
        if (Output == OutputFormat.Json)
        {
            await Out.WriteLineAsync(JsonDocumentWriter.Format(fields.Select(field => (field.JsonName, field.Value))));
        }
        else if (Output == OutputFormat.Yaml)
        {
            await Out.WriteAsync(YamlWriter.FromJson(JsonDocumentWriter.Format(fields.Select(field => (field.JsonName, field.Value)))));
        }
        else
        {
            await TableWriter.WritePairsAsync(Out, fields.Select(field => (field.Label, field.Text)));
        }
    }

    public void Dispose() => _connection?.Dispose();
}
