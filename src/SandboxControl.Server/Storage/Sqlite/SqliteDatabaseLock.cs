using SandboxControl.Server.Hosting;

namespace SandboxControl.Server.Storage.Sqlite;

/// <summary>
/// An exclusive lock file next to the database ("&lt;db&gt;.lock"), held for the server's lifetime, so a second server
/// on the same file refuses to start instead of sharing it. The OS releases it when the process dies, even on SIGKILL.
/// Only the server takes it: tests open several stores on one file in one process on purpose.
/// </summary>
internal sealed class SqliteDatabaseLock : IDisposable
{
    private readonly Lock _gate = new();
    private FileStream? _lockFile;

    public void Acquire(string databasePath)
    {
        lock (_gate)
        {
            if (_lockFile is not null)
            {
                return;
            }

            var lockPath = databasePath + ".lock";
            try
            {
                _lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex)
            {
                throw new StartupProblemException(
                    $"Storage:SqlitePath: the SQLite database {databasePath} is in use by another server (lock file {lockPath}); one SQLite file serves one server, use Storage:Provider=postgres for replicas.",
                    ex);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _lockFile?.Dispose();
            _lockFile = null;
        }
    }
}
