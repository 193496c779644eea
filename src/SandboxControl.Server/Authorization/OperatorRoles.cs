using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// The operator name → role map, re-read when the configuration reloads (e.g. the file given with
/// --ConfigFile changes). An invalid new map is refused and the last valid one stays in force.
/// </summary>
internal sealed class OperatorRoles : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile FrozenDictionary<string, OperatorRole> _roles;

    public OperatorRoles(IOptions<AuthorizationOptions> options)
    {
        _roles = Parse(options.Value);
    }

    public OperatorRoles(IOptions<AuthorizationOptions> options, IConfiguration configuration, IValidateOptions<AuthorizationOptions> validator, ILogger<OperatorRoles> logger)
        : this(options)
    {
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => Reload(configuration, validator, logger));
    }

    public bool TryGetRole(string operatorName, out OperatorRole role) => _roles.TryGetValue(operatorName, out role);

    public void Dispose() => _subscription?.Dispose();

    // Only called on validated options, where every role parses.
    private static FrozenDictionary<string, OperatorRole> Parse(AuthorizationOptions options) =>
        options.Operators
            .Select(pair => (pair.Key, Parsed: AuthorizationOptions.TryParseRole(pair.Value, out var role), Role: role))
            .Where(entry => entry.Parsed)
            .ToFrozenDictionary(entry => entry.Key, entry => entry.Role, StringComparer.Ordinal);

    private void Reload(IConfiguration configuration, IValidateOptions<AuthorizationOptions> validator, ILogger logger)
    {
        try
        {
            var fresh = new AuthorizationOptions();
            configuration.GetSection(AuthorizationOptions.SectionName).Bind(fresh);
            var result = validator.Validate(null, fresh);
            if (result.Failed)
            {
                Log.OperatorRolesRejected(logger, result.FailureMessage);
                return;
            }

            _roles = Parse(fresh);
            Log.OperatorRolesReloaded(logger, fresh.Operators.Count);
        }
        catch (InvalidOperationException ex)
        {
            // A value that does not bind (e.g. an unknown role name) is a bad map, not a crash.
            Log.OperatorRolesRejected(logger, ex.Message);
        }
    }
}
