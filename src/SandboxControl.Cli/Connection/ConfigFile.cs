using System.Text.Json;
using SandboxControl.Cli.Input;

namespace SandboxControl.Cli.Connection;

/// <summary>
/// <c>$HOME/.config/sandboxctl/config.json</c>: named contexts (<c>{"current-context": "prod", "contexts": {"prod":
/// {"server", "ca", "cert", "key"}}}</c>) or one flat context (<c>{"server", "ca", "cert", "key"}</c>). Unknown keys are
/// refused by name, so a misspelt "srever" is not silently ignored. Relative paths are relative to the file.
/// </summary>
internal sealed record ConfigFile(string Path, string? Context, string? Server, string? CaPath, string? CertificatePath, string? KeyPath)
{
    public const string CurrentContextKey = "current-context";
    public const string ContextsKey = "contexts";
    private static readonly string[] ContextKeys = ["server", "ca", "cert", "key"];
    private static readonly string[] TopKeys = [CurrentContextKey, ContextsKey, .. ContextKeys];

    public string Directory => System.IO.Path.GetDirectoryName(Path) ?? "/";

    public static string PathIn(string homeDirectory) => System.IO.Path.Combine(homeDirectory, ".config", "sandboxctl", "config.json");

    /// <summary>Reads the config file of <paramref name="homeDirectory"/>; <see langword="null"/> if there is none.</summary>
    /// <param name="homeDirectory">The user's home directory.</param>
    /// <param name="context">The context asked for (--context or SANDBOXCTL_CONTEXT); null for the file's current one.</param>
    /// <exception cref="UsageException">The file is not valid, or the context does not exist.</exception>
    public static ConfigFile? Load(string? homeDirectory, string? context = null)
    {
        if (string.IsNullOrEmpty(homeDirectory) || !File.Exists(PathIn(homeDirectory)))
        {
            return context is null ? null : throw new UsageException($"context '{context}' asked for, but there is no config file {(homeDirectory is null ? "" : PathIn(homeDirectory))}.");
        }

        var path = PathIn(homeDirectory);
        using var document = Parse(path);
        var root = document.RootElement;
        if (!root.TryGetProperty(ContextsKey, out var contexts))
        {
            if (context is not null)
            {
                throw new UsageException($"config file '{path}' has no \"contexts\", so it has no context '{context}'.");
            }

            return FromElement(path, null, root);
        }

        RequireObject(contexts, path, "\"contexts\"");
        var names = contexts.EnumerateObject().Select(property => property.Name).ToList();
        var chosen = context ?? Read(root, CurrentContextKey, path) ?? (names.Count == 1 ? names[0] : null)
            ?? throw new UsageException($"config file '{path}' has several contexts and no \"current-context\": run 'sandboxctl config use-context NAME' ({string.Join(", ", names)}).");
        if (!contexts.TryGetProperty(chosen, out var selected))
        {
            throw new UsageException($"config file '{path}' has no context '{chosen}'{Suggestions.DidYouMean(chosen, names)} (contexts: {string.Join(", ", names)}).");
        }

        RequireObject(selected, path, $"context '{chosen}'");
        return FromElement(path, chosen, selected);
    }

    /// <summary>The whole file as a validated JSON document (for <c>config view</c> and <c>use-context</c>).</summary>
    /// <exception cref="UsageException">The file cannot be read or is not valid.</exception>
    public static JsonDocument Parse(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException exception)
        {
            // JsonException names the line and byte position, not the content.
            throw new UsageException($"config file '{path}' is not valid JSON: {exception.Message}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"config file '{path}' cannot be read: {exception.Message}");
        }

        try
        {
            Validate(document.RootElement, path);
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    private static void Validate(JsonElement root, string path)
    {
        RequireObject(root, path, "the file");
        RequireKnownKeys(root, TopKeys, path, "");
        if (root.TryGetProperty(ContextsKey, out var contexts))
        {
            RequireObject(contexts, path, "\"contexts\"");
            foreach (var context in contexts.EnumerateObject())
            {
                RequireObject(context.Value, path, $"context '{context.Name}'");
                RequireKnownKeys(context.Value, ContextKeys, path, $" in context '{context.Name}'");
            }

            if (root.EnumerateObject().Any(property => ContextKeys.Contains(property.Name, StringComparer.Ordinal)))
            {
                throw new UsageException($"config file '{path}': with \"contexts\", put server/ca/cert/key inside a context.");
            }
        }
    }

    private static void RequireKnownKeys(JsonElement element, string[] known, string path, string where)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new UsageException(
                    $"config file '{path}': unknown key \"{property.Name}\"{where}{Suggestions.DidYouMean(property.Name, known)} (known: {string.Join(", ", known)}).");
            }

            if (property.Name != ContextsKey && property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                throw new UsageException($"config file '{path}': \"{property.Name}\"{where} must be a string.");
            }
        }
    }

    private static void RequireObject(JsonElement element, string path, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new UsageException($"config file '{path}': {what} must be a JSON object.");
        }
    }

    private static ConfigFile FromElement(string path, string? context, JsonElement element)
    {
        var file = new ConfigFile(path, context, Read(element, "server", path), Read(element, "ca", path), Read(element, "cert", path), Read(element, "key", path));
        if (file.CertificatePath is null != file.KeyPath is null)
        {
            throw new UsageException($"config file '{path}'{(context is null ? "" : $" context '{context}'")}: \"cert\" and \"key\" must be set together (a certificate and its key always come from the same place).");
        }

        return file;
    }

    private static string? Read(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new UsageException($"config file '{path}': \"{name}\" must be a string.");
        }

        var text = value.GetString();
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }
}
