using Grpc.Core;
using SandboxControl.Server.Authorization;
using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.LogCommit;
using SandboxControl.V1;

namespace SandboxControl.Server.Services;

internal sealed partial class SandboxControlService
{
    private const int MaxSourceChars = 256;

    public override async Task<PushSandboxLogsResponse> PushSandboxLogs(IAsyncStreamReader<PushSandboxLogsRequest> requestStream, ServerCallContext context)
    {
        long accepted = 0;
        var pinned = context.GetPinnedIncarnation();
        // A few messages wait for their commit while the next is read, so one commit gathers more of them. Nothing
        // is answered before every one of them is durable: the response, and any error, come after the commits.
        var inFlight = new Queue<PendingAppend>();
        try
        {
            // The interceptor's reader has already checked each message's sandbox_id against the caller.
            await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (message.Lines.Count == 0)
                {
                    continue;
                }

                var lines = ValidateLogLines(message);
                Task<long?>? commit;
                // A stream with messages waiting reads ahead only while its sandbox's queue has room (the queue keeps
                // half for streams with nothing waiting); otherwise it waits for its own oldest commit. Only a stream
                // with nothing waiting is refused, as when each stream had one message at a time.
                while ((commit = logCommits.TryAppend(message.SandboxId, pinned, lines, readAhead: inFlight.Count > 0, context.CancellationToken)) is null)
                {
                    if (inFlight.Count == 0)
                    {
                        throw new RpcException(new Status(StatusCode.ResourceExhausted, LogCommitQueue.QueueFull));
                    }

                    accepted += await CompleteOldestAsync(inFlight).ConfigureAwait(false);
                }

                inFlight.Enqueue(new PendingAppend(message.SandboxId, lines.Count, commit));
                if (inFlight.Count >= logCommits.MessagesInFlightPerStream)
                {
                    accepted += await CompleteOldestAsync(inFlight).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (inFlight.Count > 0)
        {
            // A refusal of a later message (its status may state how many lines were stored) is sent only once the
            // earlier messages are durable; if one of those failed, that failure is what the caller hears.
            while (inFlight.Count > 0)
            {
                await CompleteOldestAsync(inFlight).ConfigureAwait(false);
            }

            throw;
        }

        while (inFlight.Count > 0)
        {
            accepted += await CompleteOldestAsync(inFlight).ConfigureAwait(false);
        }

        return new PushSandboxLogsResponse { AcceptedLines = accepted };
    }

    private async Task<int> CompleteOldestAsync(Queue<PendingAppend> inFlight)
    {
        var pending = inFlight.Dequeue();
        if (await pending.Commit.ConfigureAwait(false) is null)
        {
            RpcErrors.NotFound(pending.SandboxId);
        }

        logFeed.Publish(pending.SandboxId);
        return pending.Lines;
    }

    public override async Task GetSandboxLogs(GetSandboxLogsRequest request, IServerStreamWriter<LogLine> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var since = request.Since is null ? (DateTimeOffset?)null : ToDateTimeOffset(request.Since, "since");
        var after = request.AfterSequence;
        // Pin the incarnation: a sandbox deleted and re-created under this id is someone else's. A sandbox caller's
        // is the one it was authenticated for; an operator's is the one current when the stream opens.
        var followed = context.GetPinnedIncarnation() ?? store.GetSandboxEntry(request.SandboxId)?.Incarnation;
        if (followed is null)
        {
            RpcErrors.NotFound(request.SandboxId);
        }

        using var lease = request.Follow ? followLimiter.Acquire(context.GetCaller().ToString()) : null;
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stoppingRegistration = lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        while (true)
        {
            // Checked before every read, not only after waiting: a follower that stalls the writer must
            // not resume into a re-created sandbox's lines, or keep reading with a revoked certificate.
            context.EnsureCallerStillValid();
            if (!string.Equals(store.GetSandboxEntry(request.SandboxId)?.Incarnation, followed, StringComparison.Ordinal))
            {
                RpcErrors.NotFoundWhat($"sandbox '{request.SandboxId}' was deleted");
            }

            // Take the signal before reading, so a push between the read and the wait still wakes us.
            var changed = logFeed.NextChange(request.SandboxId);
            // Paged in few lines; with MaxLogMessageChars that bounds the memory a stalled reader pins.
            var lines = await store.ReadLogsAsync(request.SandboxId, followed, after, since, _limits.LogReadPageLines, cancellationToken).ConfigureAwait(false);
            foreach (var line in lines)
            {
                await responseStream.WriteAsync(line.ToProto(), cancellationToken).ConfigureAwait(false);
                after = line.Sequence;
            }

            if (lines.Count == _limits.LogReadPageLines)
            {
                continue;
            }

            if (!request.Follow)
            {
                return;
            }

            // On shutdown, end follow streams with OK instead of holding the host until its timeout.
            await Task.WhenAny(changed, stopping.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private sealed record PendingAppend(string SandboxId, int Lines, Task<long?> Commit);

    private static DateTimeOffset ToDateTimeOffset(Google.Protobuf.WellKnownTypes.Timestamp timestamp, string field)
    {
        try
        {
            return timestamp.ToDateTimeOffset();
        }
        catch (ArgumentException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} is not a valid timestamp"));
        }
    }

    private List<LogLineRecord> ValidateLogLines(PushSandboxLogsRequest message)
    {
        if (message.Lines.Count > _limits.MaxLogLinesPerMessage)
        {
            RpcErrors.InvalidArgument($"at most {_limits.MaxLogLinesPerMessage} lines per message");
        }

        var receivedAt = time.GetUtcNow();
        var lines = new List<LogLineRecord>(message.Lines.Count);
        foreach (var line in message.Lines)
        {
            if (line.Message.Length > _limits.MaxLogMessageChars)
            {
                RpcErrors.InvalidArgument($"log message exceeds {_limits.MaxLogMessageChars} characters");
            }

            if (line.Source.Length > MaxSourceChars)
            {
                RpcErrors.InvalidArgument($"log source exceeds {MaxSourceChars} characters");
            }

            if (!Enum.IsDefined(line.Level))
            {
                RpcErrors.InvalidArgument("unknown log level");
            }

            // A line without a timestamp is stamped with when the server received it.
            var timestamp = line.Timestamp is null ? receivedAt : ToDateTimeOffset(line.Timestamp, "timestamp");
            lines.Add(new LogLineRecord(timestamp, (LogSeverity)(int)line.Level, line.Source, line.Message));
        }

        return lines;
    }
}
