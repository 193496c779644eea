using SandboxControl.Cli;

using var interrupted = new CancellationTokenSource();

// The first Ctrl+C ends a running command (for example `logs --follow`) cleanly; a second one kills the process.
Console.CancelKeyPress += (_, e) =>
{
    if (!interrupted.IsCancellationRequested)
    {
        e.Cancel = true;
        interrupted.Cancel();
    }
};

return await CliApp.RunAsync(args, CliConsole.FromProcess(), interrupted.Token);
