namespace Crm.Storage.Triggers;

/// <summary>
/// Queue-trigger settings under the names and defaults Azure Functions uses, so the existing
/// host.json (loaded under <c>AzureFunctionsJobHost</c>) keeps meaning what it meant.
/// </summary>
public sealed class QueueOptions
{
    public const string Section = "AzureFunctionsJobHost:extensions:queues";

    /// <summary>The storage service refuses to hand out more than 32 messages per receive.</summary>
    public const int MaxBatchSize = 32;

    public int BatchSize { get; set; } = 16;

    /// <summary>Fetch the next batch once this few are still in flight; defaults to half the batch size.</summary>
    public int? NewBatchThreshold { get; set; }

    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a failed message stays invisible before it is retried (0 = at once).</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    public int MaxDequeueCount { get; set; } = 5;

    // The settings below are ours, not Functions'.

    /// <summary>The first back-off step when the queue is empty; Functions fixes it at 100 ms.</summary>
    public TimeSpan MinPollingInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a received message stays hidden; renewed at half-life while its handler runs.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest visibility delay put on a message. The service allows 7 days; longer delays hop:
    /// the message arrives early, sees its due time is still ahead and is re-sent.
    /// </summary>
    public TimeSpan MaxMessageDelay { get; set; } = TimeSpan.FromDays(6);

    internal int EffectiveNewBatchThreshold => NewBatchThreshold ?? BatchSize / 2;

    internal IEnumerable<string> Problems()
    {
        if (BatchSize is < 1 or > MaxBatchSize)
        {
            yield return $"batchSize must be between 1 and {MaxBatchSize} (was {BatchSize})";
        }
        if (NewBatchThreshold < 0)
        {
            yield return "newBatchThreshold must not be negative";
        }
        if (MaxDequeueCount < 1)
        {
            yield return "maxDequeueCount must be at least 1";
        }
        if (MinPollingInterval <= TimeSpan.Zero || MaxPollingInterval < MinPollingInterval)
        {
            yield return "maxPollingInterval must be at least the minimum polling interval (100 ms)";
        }
        if (VisibilityTimeout < TimeSpan.Zero || VisibilityTimeout > TimeSpan.FromDays(7))
        {
            yield return "visibilityTimeout must be between 0 and 7 days";
        }
        if (LeaseDuration < TimeSpan.FromSeconds(1) || MaxMessageDelay < TimeSpan.FromSeconds(1) || MaxMessageDelay > TimeSpan.FromDays(7))
        {
            yield return "leaseDuration must be at least 1 s and maxMessageDelay between 1 s and 7 days";
        }
    }
}
