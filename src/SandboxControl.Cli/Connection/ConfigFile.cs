using System.Text.Json;

namespace SandboxControl.Cli.Connection;

/// <summary><c>$HOME/.config/sandboxctl/config.json</c>: <c>{"server", "ca", "cert", "key"}</c>; relative paths are relative to the file.</summary>
internal sealed record ConfigFile(string Path, string? Server, string? CaPath, string? CertificatePath, string? KeyPath)
{
    public string Directory => System.IO.Path.GetDirectoryName(Path) ?? "/";

    /// <summary>Reads the config file of <paramref name="homeDirectory"/>; <see langword="null"/> if there is none.</summary>
    /// <exception cref="UsageException">The file exists but is not a JSON object of strings.</exception>
    public static ConfigFile? Load(string? homeDirectory)
    {
        if (string.IsNullOrEmpty(homeDirectory))
        {
            return null;
        }

        var path = System.IO.Path.Combine(homeDirectory, ".config", "sandboxctl", "config.json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new UsageException($"config file '{path}' must contain a JSON object.");
            }

            var root = document.RootElement;
            return new ConfigFile(path, Read(root, "server", path), Read(root, "ca", path), Read(root, "cert", path), Read(root, "key", path));
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
    }

    private static string? Read(JsonElement root, string name, string path)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
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
