namespace Crm.Storage.Triggers;

/// <summary>
/// An auto-reset event for async code: <see cref="Set"/> wakes whoever waits, or the next one to
/// come if nobody waits yet. Several sets collapse into one wake-up, so waiters re-check their
/// condition after waking. Built on a TaskCompletionSource so there is nothing to dispose.
/// </summary>
internal sealed class AsyncSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _waiting;
    private bool _pending;
    private int _waiters;

    public bool HasWaiters
    {
        get { lock (_gate) { return _waiters > 0; } }
    }

    public void Set()
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            if (_waiting is null)
            {
                _pending = true;
                return;
            }
            wake = _waiting;
            _waiting = null;
        }
        wake.TrySetResult();
    }

    /// <summary>True when signalled, false when the timeout passed first.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task wait;
        lock (_gate)
        {
            if (_pending)
            {
                _pending = false;
                return true;
            }
            _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _waiting.Task;
            _waiters++;
        }
        try
        {
            await wait.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            lock (_gate)
            {
                // The last waiter to give up takes the unsignalled task with it, so a later Set is not lost on it.
                if (--_waiters == 0 && ReferenceEquals(_waiting?.Task, wait))
                {
                    _waiting = null;
                }
            }
        }
    }
}
