namespace Crm.Storage;

/// <summary>
/// One pass of some work per key at a time in this process: a call that arrives while a pass runs only makes it
/// run once more when it ends, and returns at once. For work that reads "everything pending" (an outbox, a
/// subscription's deliveries), where concurrent passes would read the same rows and race for nothing.
/// </summary>
public sealed class SingleFlight<TKey> where TKey : notnull
{
    /// <summary>Keys being worked on, and whether another pass was asked for meanwhile.</summary>
    private readonly Dictionary<TKey, bool> _running = [];

    /// <summary>Runs <paramref name="pass"/> until no call asked for another; the sum of what its passes returned (0 when it only asked).</summary>
    public async Task<int> RunAsync(TKey key, Func<Task<int>> pass)
    {
        lock (_running)
        {
            if (_running.ContainsKey(key))
            {
                _running[key] = true;
                return 0;
            }
            _running[key] = false;
        }
        var total = 0;
        try
        {
            while (true)
            {
                total += await pass().ConfigureAwait(false);
                lock (_running)
                {
                    if (!_running[key])
                    {
                        _running.Remove(key);
                        return total;
                    }
                    _running[key] = false;
                }
            }
        }
        catch
        {
            lock (_running)
            {
                _running.Remove(key);
            }
            throw;
        }
    }
}
