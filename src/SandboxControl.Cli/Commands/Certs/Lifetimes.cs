using System.CommandLine;
using SandboxControl.Cli.Input;

namespace SandboxControl.Cli.Commands.Certs;

/// <summary>
/// <c>--validity 24h</c> (the duration style every sandboxctl flag uses); the older <c>--days</c> / <c>--hours</c> still
/// work, hidden from help, so existing scripts keep running.
/// </summary>
internal sealed class Lifetimes
{
    private static readonly TimeSpan Longest = TimeSpan.FromDays(36500);
    private readonly TimeSpan _default;
    private readonly Option<int?> _legacy;
    private readonly Func<int, TimeSpan> _fromLegacy;

    private Lifetimes(TimeSpan defaultLifetime, string defaultText, Option<int?> legacy, Func<int, TimeSpan> fromLegacy)
    {
        _default = defaultLifetime;
        _legacy = legacy;
        _fromLegacy = fromLegacy;
        Validity = new Option<string?>("--validity") { Description = $"How long the certificate is valid, e.g. 24h, 90d. [default: {defaultText}]", HelpName = "DURATION" };
    }

    public Option<string?> Validity { get; }

    public static Lifetimes InDays(int defaultDays) =>
        new(TimeSpan.FromDays(defaultDays), defaultDays + "d", new Option<int?>("--days") { Hidden = true, CustomParser = WholeNumbers.OptionalParser(int.MinValue, int.MaxValue) }, Days);

    public static Lifetimes InHours(int defaultHours) =>
        new(TimeSpan.FromHours(defaultHours), defaultHours + "h", new Option<int?>("--hours") { Hidden = true, CustomParser = WholeNumbers.OptionalParser(int.MinValue, int.MaxValue) }, Hours);

    public void AddTo(Command command)
    {
        command.Options.Add(Validity);
        command.Options.Add(_legacy);
    }

    /// <exception cref="UsageException">Both forms given, or a value that is not a duration in range.</exception>
    public TimeSpan Resolve(CommandContext context)
    {
        var text = context.ParseResult.GetValue(Validity);
        var legacy = context.ParseResult.GetValue(_legacy);
        if (text is not null && legacy is not null)
        {
            throw new UsageException($"give --validity or {_legacy.Name}, not both.");
        }

        if (legacy is { } value)
        {
            return _fromLegacy(value);
        }

        if (text is null)
        {
            return _default;
        }

        return Durations.TryParse(text, out var lifetime) && lifetime >= TimeSpan.FromMinutes(1) && lifetime <= Longest
            ? lifetime
            : throw new UsageException($"--validity '{Output.TextSanitizer.Clean(text)}' is not a duration between 1m and 36500d (e.g. 24h, 90d).");
    }

    private static TimeSpan Days(int days) => days is > 0 and <= 36500
        ? TimeSpan.FromDays(days)
        : throw new UsageException("--days must be between 1 and 36500.");

    private static TimeSpan Hours(int hours) => hours is > 0 and <= 24 * 3650
        ? TimeSpan.FromHours(hours)
        : throw new UsageException("--hours must be between 1 and 87600.");
}
