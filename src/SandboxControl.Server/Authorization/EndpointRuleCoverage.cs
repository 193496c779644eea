using Grpc.AspNetCore.Server;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// Checks that every gRPC endpoint the app actually maps has a rule in the table, so a service added
/// without rules (or from another proto) stops the server instead of running unguarded.
/// </summary>
internal static class EndpointRuleCoverage
{
    // grpc-dotnet maps one catch-all per service that answers UNIMPLEMENTED without running any
    // handler; it serves no data, and it is still behind the TLS client-certificate requirement.
    private const string UnimplementedMethodPrefix = "gRPC - Unimplemented method for ";

    /// <param name="dataSources">The app's endpoint data sources.</param>
    /// <param name="table">The access rules.</param>
    /// <param name="guardedHttpPaths">Plain HTTP routes that have their own certificate-identity guard (metrics).</param>
    public static void Verify(IEnumerable<EndpointDataSource> dataSources, AccessRuleTable table, IReadOnlyCollection<string>? guardedHttpPaths = null)
    {
        List<string> problems = [];
        foreach (var endpoint in dataSources.SelectMany(source => source.Endpoints))
        {
            if (endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is not { } grpc)
            {
                if (endpoint.DisplayName is { } name
                    && name.StartsWith(UnimplementedMethodPrefix, StringComparison.Ordinal)
                    && table.HasService(name[UnimplementedMethodPrefix.Length..]))
                {
                    continue;
                }

                if (endpoint is RouteEndpoint route && guardedHttpPaths?.Contains(route.RoutePattern.RawText) == true)
                {
                    continue;
                }

                // A non-gRPC route would bypass the interceptor entirely.
                problems.Add($"endpoint '{endpoint.DisplayName}' is not a gRPC method and has no access rule");
                continue;
            }

            var fullMethod = "/" + grpc.Method.ServiceName + "/" + grpc.Method.Name;
            if (table.Find(fullMethod) is null)
            {
                problems.Add($"{fullMethod} has no (sandboxcontrol.v1.access) rule");
            }
        }

        if (problems.Count > 0)
        {
            throw new AccessRuleException(problems);
        }
    }
}
