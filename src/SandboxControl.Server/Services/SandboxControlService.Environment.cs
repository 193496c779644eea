using Grpc.Core;
using SandboxControl.Server.Authorization;
using SandboxControl.V1;

namespace SandboxControl.Server.Services;

internal sealed partial class SandboxControlService
{
    public override async Task<ProviderEnvironment> GetSandboxProviderEnvironment(GetSandboxProviderEnvironmentRequest request, ServerCallContext context)
    {
        var variables = await store.GetProviderEnvironmentAsync(request.SandboxId, context.GetPinnedIncarnation(), context.CancellationToken).ConfigureAwait(false);
        if (variables is null)
        {
            RpcErrors.NotFound(request.SandboxId);
        }

        var response = new ProviderEnvironment { SandboxId = request.SandboxId };
        foreach (var (name, value) in variables)
        {
            response.Variables[name] = value;
        }
        return response;
    }

    public override async Task<SetSandboxProviderEnvironmentResponse> SetSandboxProviderEnvironment(SetSandboxProviderEnvironmentRequest request, ServerCallContext context)
    {
        if (request.Variables.Count > _limits.MaxEnvironmentVariables)
        {
            RpcErrors.InvalidArgument($"at most {_limits.MaxEnvironmentVariables} variables");
        }

        foreach (var (name, value) in request.Variables)
        {
            // The message names the variable, never its value: values are credentials.
            if (!IsEnvironmentName(name))
            {
                RpcErrors.InvalidArgument("variable names must match [A-Za-z_][A-Za-z0-9_]{0,127}");
            }

            if (value.Length > _limits.MaxEnvironmentValueChars)
            {
                RpcErrors.InvalidArgument($"value of {name} exceeds {_limits.MaxEnvironmentValueChars} characters");
            }
        }

        var variables = new Dictionary<string, string>(request.Variables, StringComparer.Ordinal);
        if (!await store.SetProviderEnvironmentAsync(request.SandboxId, variables, context.CancellationToken).ConfigureAwait(false))
        {
            RpcErrors.NotFound(request.SandboxId);
        }

        return new SetSandboxProviderEnvironmentResponse { VariableCount = variables.Count };
    }

    private static bool IsEnvironmentName(string name)
    {
        if (name.Length is 0 or > 128 || name[0] is >= '0' and <= '9')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
