using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crm.Storage.Triggers;

internal enum JobOutcome
{
    Succeeded,
    Failed,
    /// <summary>Another process claimed this occurrence first, so this one did not run it.</summary>
    ClaimedElsewhere,
}

/// <summary>Runs one occurrence of a job the same way for the scheduler and for <c>run-job</c>: claim, run, record.</summary>
internal sealed class TimerJobExecutor(JobRunStore store, IServiceScopeFactory scopes, TimeProvider time, ILogger<TimerJobExecutor> logger)
{
    public async Task<JobOutcome> RunAsync(TimerJobRegistration job, DateTimeOffset occurrence, bool isCatchUp, CancellationToken cancellationToken)
    {
        var claim = await store.TryClaimAsync(job.Name, occurrence, time.GetUtcNow(), cancellationToken);
        if (claim is null)
        {
            logger.LogDebug("Job {Job} for {ScheduledFor:o} was claimed by another process", job.Name, occurrence);
            return JobOutcome.ClaimedElsewhere;
        }

        logger.LogInformation("Running job {Job} for {ScheduledFor:o}{CatchUp}", job.Name, occurrence, isCatchUp ? " (catching up)" : "");
        var context = new TimerJobContext(job.Name, occurrence, claim.LastCompletedAt, isCatchUp);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var instance = (ITimerJob)scope.ServiceProvider.GetRequiredService(job.JobType);
            await instance.RunAsync(context, cancellationToken);
        }
        catch (Exception ex)
        {
            var cancelled = ex is OperationCanceledException && cancellationToken.IsCancellationRequested;
            logger.LogError(ex, "Job {Job} for {ScheduledFor:o} {Outcome}", job.Name, occurrence, cancelled ? "was cancelled" : "failed");
            await store.RecordFinishAsync(job.Name, null, cancelled ? "Cancelled" : "Failed", ex.Message);
            return JobOutcome.Failed;
        }
        await store.RecordFinishAsync(job.Name, time.GetUtcNow(), "Succeeded", null);
        return JobOutcome.Succeeded;
    }
}
