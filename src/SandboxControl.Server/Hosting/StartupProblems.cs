using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Authorization;

namespace SandboxControl.Server.Hosting;

/// <summary>
/// Turns whatever stopped the start into one line per problem (an AggregateException of validators becomes all of
/// its failures, not the first wave). Anything not known is still one line — type and message, never frames.
/// </summary>
internal static class StartupProblems
{
    public static IReadOnlyList<string> From(Exception exception)
    {
        List<string> problems = [];
        Collect(exception, problems);
        return [.. problems.Distinct(StringComparer.Ordinal)];
    }

    private static void Collect(Exception exception, List<string> problems)
    {
        switch (exception)
        {
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, problems);
                }

                break;
            case OptionsValidationException validation:
                problems.AddRange(validation.Failures.Select(OneLine));
                break;
            case StartupProblemException startup:
                problems.AddRange(startup.Problems.Select(OneLine));
                break;
            case AccessRuleException rules:
                problems.AddRange(rules.Problems.Select(problem => "access rule: " + OneLine(problem)));
                break;
            case IOException { InnerException: AddressInUseException } bind:
                problems.Add(OneLine(bind.Message) + " (Server:ListenAddress/Server:Port: another process holds the port)");
                break;
            default:
                problems.Add(exception.GetType().Name + ": " + OneLine(exception.Message));
                break;
        }
    }

    // A message can carry a path with a newline in it; the report stays one line per problem.
    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
