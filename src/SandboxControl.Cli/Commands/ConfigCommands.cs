using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxControl.Cli.Connection;
using SandboxControl.Cli.Output;

namespace SandboxControl.Cli.Commands;

/// <summary><c>config view|get-contexts|use-context</c>: the client's own config file (no server involved).</summary>
internal static class ConfigCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(CommandRunner runner)
    {
        var config = new Command("config", """
            Show and switch the contexts of ~/.config/sandboxctl/config.json. Format:
              {"current-context": "prod",
               "contexts": {"prod": {"server": "https://cp.example:7443", "ca": "ca.crt", "cert": "me.crt", "key": "me.key"}}}
            Relative paths are relative to the file. A flat {"server", "ca", "cert", "key"} file is one unnamed context.
            """);
        config.Subcommands.Add(View(runner));
        config.Subcommands.Add(GetContexts(runner));
        config.Subcommands.Add(UseContext(runner));
        return config;
    }

    private static Command View(CommandRunner runner)
    {
        var command = new Command("view", """
            Print the config file after validating it (unknown keys are named).

            Examples:
              sandboxctl config view
              sandboxctl config view -o yaml
            """);
        runner.SetOfflineAction(command, async (context, _) =>
        {
            var path = RequirePath(context);
            using var document = ConfigFile.Parse(path);
            var json = JsonSerializer.Serialize(document.RootElement, Indented);
            await context.Out.WriteAsync(context.Output == OutputFormat.Yaml ? YamlWriter.FromJson(json) : json + Environment.NewLine);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command GetContexts(CommandRunner runner)
    {
        var command = new Command("get-contexts", """
            List the contexts; * marks the current one.

            Examples:
              sandboxctl config get-contexts
            """);
        runner.SetOfflineAction(command, async (context, _) =>
        {
            var path = RequirePath(context);
            using var document = ConfigFile.Parse(path);
            var current = document.RootElement.TryGetProperty(ConfigFile.CurrentContextKey, out var value) ? value.GetString() : null;
            var rows = document.RootElement.TryGetProperty(ConfigFile.ContextsKey, out var contexts)
                ? contexts.EnumerateObject().Select(property => (IReadOnlyList<string>)[
                    property.Name == current ? "*" : "",
                    property.Name,
                    property.Value.TryGetProperty("server", out var server) ? server.GetString() ?? "" : ""]).ToList()
                : [];
            await TableWriter.WriteAsync(context.Out, ["CURRENT", "NAME", "SERVER"], rows);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command UseContext(CommandRunner runner)
    {
        var name = new Argument<string>("NAME") { Description = "Context to make current." };
        var command = new Command("use-context", """
            Make a context the current one for later commands.

            Examples:
              sandboxctl config use-context prod
            """) { name };
        runner.SetOfflineAction(command, async (context, cancellationToken) =>
        {
            var path = RequirePath(context);
            var wanted = context.Get(name);
            using (var document = ConfigFile.Parse(path))
            {
                var names = document.RootElement.TryGetProperty(ConfigFile.ContextsKey, out var contexts)
                    ? contexts.EnumerateObject().Select(property => property.Name).ToList()
                    : [];
                if (!names.Contains(wanted, StringComparer.Ordinal))
                {
                    throw new UsageException($"config file '{path}' has no context '{wanted}'{Input.Suggestions.DidYouMean(wanted, names)} (contexts: {(names.Count == 0 ? "none" : string.Join(", ", names))}).");
                }
            }

            var root = JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken))!.AsObject();
            root[ConfigFile.CurrentContextKey] = wanted;
            // Through a rename, so an interrupted write never leaves half a config file.
            var temporary = path + ".tmp";
            await File.WriteAllTextAsync(temporary, root.ToJsonString(Indented) + Environment.NewLine, cancellationToken);
            File.Move(temporary, path, overwrite: true);
            await context.Out.WriteLineAsync($"current context is now '{wanted}'");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string RequirePath(CommandContext context)
    {
        var home = context.Console.HomeDirectory;
        var path = home is null ? null : ConfigFile.PathIn(home);
        return path is not null && File.Exists(path)
            ? path
            : throw new UsageException($"no config file{(path is null ? "" : $" at '{path}'")}; see 'sandboxctl config --help' for its format.");
    }
}
