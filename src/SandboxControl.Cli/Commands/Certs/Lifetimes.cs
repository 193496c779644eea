namespace SandboxControl.Cli.Commands.Certs;

/// <summary>Validates <c>--days</c> / <c>--hours</c>.</summary>
internal static class Lifetimes
{
    public static TimeSpan Days(int days) => days is > 0 and <= 36500
        ? TimeSpan.FromDays(days)
        : throw new UsageException("--days must be between 1 and 36500.");

    public static TimeSpan Hours(int hours) => hours is > 0 and <= 24 * 3650
        ? TimeSpan.FromHours(hours)
        : throw new UsageException("--hours must be between 1 and 87600.");
}
