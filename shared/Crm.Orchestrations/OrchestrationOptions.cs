using System.Text.RegularExpressions;

namespace Crm.Orchestrations;

/// <summary>
/// The task hub the orchestrations live in and how this process takes part (section <c>Orchestrations</c>).
/// Unset timings keep the Durable Task Framework's own defaults, which are Durable Functions' defaults too.
/// </summary>
public sealed partial class OrchestrationOptions
{
    public const string Section = "Orchestrations";

    /// <summary>
    /// The task hub's name before the storage prefix (letters and digits, starting with a letter). Its tables are
    /// <c>{hub}History</c> and <c>{hub}Instances</c>, its queues <c>{hub}-control-NN</c> and <c>{hub}-workitems</c>.
    /// </summary>
    public string TaskHub { get; set; } = "crm";

    /// <summary>Control queues (1 to 16). Fixed for the life of a task hub: the Bicep scale rules list one per queue.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>
    /// Whether this process runs orchestrators and activities. Unset, it follows <c>Triggers:Listeners:Enabled</c>:
    /// orchestrations run where the queue listeners run. The client (start, raise, query, terminate) works either way.
    /// </summary>
    public OrchestrationWorkerSwitch Worker { get; } = new();

    /// <summary>Longest wait between polls of an empty queue; the framework backs off up to this (default 30 s).</summary>
    public TimeSpan? MaxQueuePollingInterval { get; set; }

    /// <summary>How long a partition lease lasts unrenewed: after a crash, how long until another replica takes its partitions (default 30 s).</summary>
    public TimeSpan? LeaseInterval { get; set; }

    /// <summary>How often held partition leases are renewed (default 10 s); below <see cref="LeaseInterval"/>.</summary>
    public TimeSpan? LeaseRenewInterval { get; set; }

    /// <summary>How often a worker looks for partitions to take or balance (default 10 s).</summary>
    public TimeSpan? LeaseAcquireInterval { get; set; }

    /// <summary>How long a dequeued message stays hidden before another worker may take it after a crash (default 5 min).</summary>
    public TimeSpan? MessageVisibilityTimeout { get; set; }

    /// <summary>The task hub's name in storage: the storage prefix (tests) and <see cref="TaskHub"/>.</summary>
    public string TaskHubName(string storagePrefix) => storagePrefix + TaskHub;

    /// <summary>
    /// The hub's queues, as the backend names them: one control queue per partition (orchestrator messages, events,
    /// timers) and the work-item queue (activities). What the Bicep scale rules watch to wake a worker from zero.
    /// </summary>
    public IReadOnlyList<string> QueueNames(string storagePrefix)
    {
        var hub = TaskHubName(storagePrefix).ToLowerInvariant();
        return [.. Enumerable.Range(0, PartitionCount).Select(i => $"{hub}-control-{i:00}"), $"{hub}-workitems"];
    }

    public IEnumerable<string> Problems(string storagePrefix)
    {
        var name = TaskHubName(storagePrefix);
        // The framework's own rule: its queue and container names are built from the hub name.
        if (!HubName().IsMatch(name))
        {
            yield return $"TaskHub '{name}' must be 3 to 45 letters or digits, starting with a letter.";
        }
        if (PartitionCount is < 1 or > 16)
        {
            yield return $"PartitionCount {PartitionCount} must be between 1 and 16.";
        }
        if (LeaseInterval is { } lease && LeaseRenewInterval is { } renew && renew >= lease)
        {
            yield return "LeaseRenewInterval must be shorter than LeaseInterval.";
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,44}$")]
    private static partial Regex HubName();
}

public sealed class OrchestrationWorkerSwitch
{
    public bool? Enabled { get; set; }
}
