using System.Collections.Concurrent;

namespace Crm.Platform.Access;

/// <summary>
/// A per-tenant value read whole from storage (the roles, the org chart) and kept while the stores it
/// comes from have not changed. At most once a <see cref="Recheck"/> a request compares their change
/// stamps (one one-row read each), so a change made on another replica applies within that time, and
/// one made here at once (<see cref="Invalidate"/>).
/// </summary>
public sealed class StampedCache<TValue>(Func<string, CancellationToken, Task<TValue>> load, Func<string, CancellationToken, Task<string>> stamp, TimeProvider clock)
{
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    private sealed record Entry(Task<TValue> Value, string Stamp, DateTimeOffset CheckedAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<TValue> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(tenantId, out var entry) && entry.Value.IsCompletedSuccessfully && now - entry.CheckedAt < Recheck)
        {
            return entry.Value.Result;
        }
        var current = await stamp(tenantId, cancellationToken);
        if (entry is not null && entry.Stamp == current && !entry.Value.IsFaulted && !entry.Value.IsCanceled)
        {
            _entries.TryUpdate(tenantId, entry with { CheckedAt = now }, entry);
            return await entry.Value.WaitAsync(cancellationToken);
        }
        // The stamp is read before the value, so a change landing in between makes the next check reload.
        var fresh = new Entry(load(tenantId, CancellationToken.None), current, now);
        _entries[tenantId] = fresh;
        return await fresh.Value.WaitAsync(cancellationToken);
    }

    public void Invalidate(string tenantId) => _entries.TryRemove(tenantId, out _);
}
