using System.Collections.Frozen;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using SandboxControl.V1;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// Every hosted RPC's access rule, read from the proto's (sandboxcontrol.v1.access) option once at
/// startup. Building it fails if any method has no rule or an incomplete one: we fail closed.
/// </summary>
internal sealed class AccessRuleTable
{
    private const string SandboxIdField = "sandbox_id";
    private readonly FrozenDictionary<string, MethodAccess> _methods;

    private AccessRuleTable(FrozenDictionary<string, MethodAccess> methods) => _methods = methods;

    public IEnumerable<string> Methods => _methods.Keys;

    public MethodAccess? Find(string fullMethod) => _methods.GetValueOrDefault(fullMethod);

    public bool HasService(string serviceName) =>
        _methods.Keys.Any(method => method.StartsWith("/" + serviceName + "/", StringComparison.Ordinal));

    /// <summary>Builds the table, or throws listing every method whose rule is missing or unusable.</summary>
    public static AccessRuleTable Build(IEnumerable<ServiceDescriptor> services)
    {
        var problems = FindProblems(services, out var methods);
        if (problems.Count > 0)
        {
            throw new AccessRuleException(problems);
        }

        return new AccessRuleTable(methods.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public static IReadOnlyList<string> FindProblems(IEnumerable<ServiceDescriptor> services, out Dictionary<string, MethodAccess> methods)
    {
        List<string> problems = [];
        methods = new Dictionary<string, MethodAccess>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            foreach (var method in service.Methods)
            {
                var fullMethod = "/" + service.FullName + "/" + method.Name;
                var rule = DescriptorOptions.GetAccessRule(method) ?? BuiltInAccessRules.Find(service);
                if (rule is null)
                {
                    problems.Add($"{fullMethod} has no (sandboxcontrol.v1.access) rule");
                    continue;
                }

                if (rule.Sandbox == SandboxAccess.Types.Level.Unspecified || rule.Operator == OperatorAccess.Types.Level.Unspecified)
                {
                    problems.Add($"{fullMethod} must set both sandbox and operator access");
                    continue;
                }

                var field = method.InputType.FindFieldByName(SandboxIdField);
                if (field is not null && (field.FieldType != FieldType.String || field.IsRepeated))
                {
                    problems.Add($"{fullMethod}: {SandboxIdField} must be a singular string");
                    continue;
                }

                // SELF compares sandbox_id with the caller; without the field there is nothing to compare.
                if (rule.Sandbox == SandboxAccess.Types.Level.Self && field is null)
                {
                    problems.Add($"{fullMethod} allows sandbox SELF but its request has no {SandboxIdField}");
                    continue;
                }

                // ANY skips the target check, so it must never guard an RPC about a particular sandbox.
                if (rule.Sandbox == SandboxAccess.Types.Level.Any && field is not null)
                {
                    problems.Add($"{fullMethod} allows sandbox ANY but its request names a sandbox ({SandboxIdField})");
                    continue;
                }

                methods[fullMethod] = new MethodAccess(fullMethod, method.Name, rule, field);
            }
        }

        return problems;
    }
}
