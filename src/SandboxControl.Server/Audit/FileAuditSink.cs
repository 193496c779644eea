using System.Text.Json;
using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Audit;

/// <summary>
/// Appends one JSON object per line and flushes it before the request proceeds. Like Vault's audit
/// device it fails closed: an I/O error propagates and the request is refused.
/// </summary>
internal sealed class FileAuditSink : IAuditSink, IDisposable
{
    private readonly Lock _gate = new();
    private readonly FileStream _stream;

    public FileAuditSink(IOptions<AuditOptions> options)
    {
        var path = options.Value.Path;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var fileOptions = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.Read,
        };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        _stream = new FileStream(path, fileOptions);
    }

    public void Write(AuditEvent auditEvent)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(Sanitized(auditEvent), AuditJsonContext.Default.AuditEvent);
        lock (_gate)
        {
            _stream.Write(line);
            _stream.WriteByte((byte)'\n');
            _stream.Flush();
        }
    }

    public void Dispose() => _stream.Dispose();

    private static AuditEvent Sanitized(AuditEvent e) =>
        e with { Caller = AuditText.Sanitize(e.Caller)!, Target = AuditText.Sanitize(e.Target) };
}
