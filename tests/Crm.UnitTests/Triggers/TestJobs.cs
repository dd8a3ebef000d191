using System.Collections.Concurrent;
using Crm.Storage.Triggers;

namespace Crm.UnitTests.Triggers;

/// <summary>Every run of the test jobs, shared by all hosts of one test.</summary>
internal sealed class JobLog
{
    private readonly ConcurrentQueue<TimerJobContext> _runs = new();

    public IReadOnlyList<TimerJobContext> Runs => [.. _runs];

    public void Add(TimerJobContext context) => _runs.Enqueue(context);
}

internal sealed class RecordingJob(JobLog log) : ITimerJob
{
    public Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        log.Add(context);
        return Task.CompletedTask;
    }
}

internal sealed class FailingJob(JobLog log) : ITimerJob
{
    public Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        log.Add(context);
        throw new InvalidOperationException("the mail server is down");
    }
}
