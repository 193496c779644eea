using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Audit;

/// <summary>Also opens the file the way the sink will (O_APPEND, 0600): an unwritable audit stops the start in one line.</summary>
internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            return ValidateOptionsResult.Fail("Audit:Path is required: audit events are written to a file so that an unwritable audit refuses requests.");
        }

        if (string.IsNullOrWhiteSpace(options.Replica))
        {
            return ValidateOptionsResult.Fail("Audit:Replica must not be empty: every event names the server that decided it.");
        }

        if (options.IndexRetention < TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"Audit:IndexRetention must not be negative (was {options.IndexRetention}); 0 keeps events forever.");
        }

        if (!OperatingSystem.IsLinux())
        {
            return ValidateOptionsResult.Fail("Audit: the durable audit file (O_APPEND, fsync) is implemented for Linux only.");
        }

        return CheckWritable(Path.GetFullPath(options.Path));
    }

    private static ValidateOptionsResult CheckWritable(string path)
    {
        try
        {
            var directory = Path.GetDirectoryName(path);
            if (directory is not null && !Directory.Exists(directory) && OperatingSystem.IsLinux())
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            using var file = AppendOnlyFile.Open(path);
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ValidateOptionsResult.Fail($"Audit:Path '{path}' cannot be opened for appending: {ex.Message}");
        }
    }
}
