namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>A private temporary directory, removed on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix)
    {
        Path = Directory.CreateTempSubdirectory("sandboxcontrol-" + prefix + "-").FullName;
    }

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a stopping host; the OS temp cleaner gets it.
        }
    }
}
