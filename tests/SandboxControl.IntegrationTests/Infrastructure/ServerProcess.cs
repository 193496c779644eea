using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>
/// The real server as a child process (the same dll `dotnet run` builds), for what an in-process host
/// cannot show: exit codes, signals, and what a failed start prints.
/// </summary>
public sealed partial class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(IEnumerable<string> arguments, string workingDirectory, IReadOnlyList<string>? launcher)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (launcher is { Count: > 0 })
        {
            // e.g. setpriv with other credentials, which then runs dotnet.
            foreach (var argument in launcher.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add(dotnet);
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SandboxControl.Server.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Never dev mode: the child must run exactly the configuration the test gives it.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public static ServerProcess Start(IEnumerable<string> arguments, string workingDirectory, IReadOnlyList<string>? launcher = null) =>
        new(arguments, workingDirectory, launcher);

    public async Task<Uri> WaitUntilListeningAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(timeout));
        return first == _listening.Task
            ? await _listening.Task
            : throw new InvalidOperationException("server did not start listening:\n" + Output);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as a container runtime or systemd sends it.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL: no chance to flush anything.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ListeningRegex().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    // Text or JSON output (where the address may be quoted and escaped).
    [GeneratedRegex(@"Now listening on: \\?""?(https://[^\s""\\]+)")]
    private static partial Regex ListeningRegex();
}
