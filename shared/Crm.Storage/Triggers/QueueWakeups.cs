using System.Collections.Concurrent;

namespace Crm.Storage.Triggers;

/// <summary>
/// Lets a sender wake the listener of the same queue in this process, so work the app enqueues
/// itself starts at once instead of after the listener's back-off (other replicas still poll).
/// </summary>
public sealed class QueueWakeups
{
    private readonly ConcurrentDictionary<string, AsyncSignal> _signals = new();

    /// <summary>Wakes the listener of <paramref name="queueName"/> (the full, prefixed name).</summary>
    public void Signal(string queueName) => For(queueName).Set();

    /// <summary>Waits until signalled or until <paramref name="timeout"/>; true when signalled.</summary>
    public Task<bool> WaitAsync(string queueName, TimeSpan timeout, CancellationToken cancellationToken) =>
        For(queueName).WaitAsync(timeout, cancellationToken);

    /// <summary>Whether a listener is idle on this queue right now; tests use it to know the back-off has begun.</summary>
    public bool IsWaiting(string queueName) => For(queueName).HasWaiters;

    private AsyncSignal For(string queueName) => _signals.GetOrAdd(queueName, _ => new AsyncSignal());
}
