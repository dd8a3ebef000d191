using Microsoft.Extensions.Logging;

namespace Crm.Storage.Triggers;

/// <summary>
/// Runs one named job once, for <c>&lt;app&gt; run-job &lt;name&gt;</c> (what a Container Apps scheduled
/// job calls), recording the run in the jobruns table like the in-process scheduler does.
/// </summary>
public sealed class TimerJobRunner
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int UnknownJob = 2;

    private readonly IReadOnlyList<TimerJobRegistration> _jobs;
    private readonly TimerJobExecutor _executor;
    private readonly TimeProvider _time;
    private readonly ILogger<TimerJobRunner> _logger;

    internal TimerJobRunner(IEnumerable<TimerJobRegistration> jobs, TimerJobExecutor executor, TimeProvider time, ILogger<TimerJobRunner> logger)
    {
        _jobs = [.. jobs];
        _executor = executor;
        _time = time;
        _logger = logger;
    }

    public IReadOnlyList<string> JobNames => [.. _jobs.Select(j => j.Name).Order(StringComparer.Ordinal)];

    /// <summary>Exit code: 0 when the job ran (or another process already ran this occurrence), 1 when it failed, 2 for an unknown name.</summary>
    public Task<int> RunOnceAsync(string name, CancellationToken cancellationToken) => RunOnceAsync(name, Console.Error, cancellationToken);

    public async Task<int> RunOnceAsync(string name, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var job = _jobs.FirstOrDefault(j => string.Equals(j.Name, name, StringComparison.OrdinalIgnoreCase));
        if (job is null)
        {
            await errors.WriteLineAsync($"Unknown job '{name}'. Known jobs: {string.Join(", ", JobNames)}");
            return UnknownJob;
        }

        // A run from the command line stands for the occurrence due now, in whole seconds like cron's.
        var now = _time.GetUtcNow();
        var occurrence = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        try
        {
            var outcome = await _executor.RunAsync(job, occurrence, isCatchUp: false, cancellationToken);
            return outcome == JobOutcome.Failed ? Failed : Succeeded;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Could not run job {Job}", job.Name);
            await errors.WriteLineAsync($"Job '{job.Name}' could not run: {ex.Message}");
            return Failed;
        }
    }
}
