using System.Net;
using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Hosting;

internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        List<string> failures = [];
        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            failures.Add($"Server:ListenAddress '{options.ListenAddress}' is not an IP address.");
        }

        if (options.Port is < 0 or > 65535)
        {
            failures.Add("Server:Port must be between 0 and 65535.");
        }

        if (options.ShutdownTimeout <= TimeSpan.Zero)
        {
            failures.Add("Server:ShutdownTimeout must be positive.");
        }

        if (options.MaxConnections < 1)
        {
            failures.Add("Server:MaxConnections must be at least 1.");
        }

        if (options.MaxConnectionsPerCaller < 1)
        {
            failures.Add("Server:MaxConnectionsPerCaller must be at least 1.");
        }

        if (options.HandshakeTimeout <= TimeSpan.Zero)
        {
            failures.Add("Server:HandshakeTimeout must be positive.");
        }

        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            failures.Add("Server:IdleTimeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
