extern alias cli;

using System.Security.Cryptography.X509Certificates;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using CliApp = cli::SandboxControl.Cli.CliApp;
using CliConsole = cli::SandboxControl.Cli.CliConsole;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary>
/// Runs sandboxctl in-process with a client certificate written to PEM files in a private temp directory,
/// passed with --server/--ca/--cert/--key. The environment is empty and the home directory is the temp
/// directory, so the developer's SANDBOXCTL_* variables, config file or dev certificates never leak in.
/// </summary>
public sealed class CliHarness : IDisposable
{
    private readonly TempDirectory _directory = new("cli");

    public CliHarness(Uri server, X509Certificate2 clientCertificate, string caPath)
    {
        Server = server;
        CaPath = caPath;
        CertificatePath = _directory.Combine("client.crt");
        KeyPath = _directory.Combine("client.key");
        PemFiles.WriteCertificate(CertificatePath, clientCertificate);
        PemFiles.WritePrivateKey(KeyPath, clientCertificate);
    }

    public Uri Server { get; }

    public string CaPath { get; }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    public string Directory => _directory.Path;

    /// <summary>An admin operator of <paramref name="server"/>, trusting the server's CA.</summary>
    public static CliHarness Admin(TestServer server) =>
        new(server.Address, server.Pki.Operator(TestServer.AdminName), server.Pki.CaPath);

    public string Combine(string name) => _directory.Combine(name);

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, stdin: "");

    public Task<CliResult> RunAsync(IReadOnlyList<string> args, string stdin, ConcurrentStringWriter? output = null, CancellationToken cancellationToken = default) =>
        RunInAsync(Directory, [.. ConnectionFlags(), .. args], stdin, output, cancellationToken: cancellationToken);

    /// <summary>
    /// Runs without connection flags (offline commands, or settings from <paramref name="environment"/>, the config file
    /// under <paramref name="home"/> or dev mode), with <paramref name="workingDirectory"/> as the current directory.
    /// </summary>
    public static async Task<CliResult> RunInAsync(
        string workingDirectory,
        IReadOnlyList<string> args,
        string stdin = "",
        ConcurrentStringWriter? output = null,
        IReadOnlyDictionary<string, string>? environment = null,
        string? home = null,
        CancellationToken cancellationToken = default)
    {
        output ??= new ConcurrentStringWriter();
        var error = new ConcurrentStringWriter();
        var console = new CliConsole(new StringReader(stdin), output, error, name => environment?.GetValueOrDefault(name), workingDirectory, home ?? workingDirectory);
        var exitCode = await CliApp.RunAsync([.. args], console, cancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    public void Dispose() => _directory.Dispose();

    private string[] ConnectionFlags() => ["--server", Server.ToString(), "--ca", CaPath, "--cert", CertificatePath, "--key", KeyPath];
}
