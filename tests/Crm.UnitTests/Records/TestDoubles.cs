using System.Collections.Concurrent;
using Crm.Storage.Events;

namespace Crm.UnitTests.Records;

/// <summary>Counts the store's "a write was committed" notices, in all and per tenant.</summary>
public sealed class CountingNotifier : IOutboxNotifier
{
    private readonly ConcurrentDictionary<string, int> _byTenant = new(StringComparer.Ordinal);
    private int _total;

    public int Total => Volatile.Read(ref _total);

    public int For(string tenantId) => _byTenant.GetValueOrDefault(tenantId);

    public void Notify(string tenantId)
    {
        Interlocked.Increment(ref _total);
        _byTenant.AddOrUpdate(tenantId, 1, (_, n) => n + 1);
    }
}

/// <summary>A clock the test sets by hand.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
