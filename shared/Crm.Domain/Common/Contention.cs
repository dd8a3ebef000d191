namespace Crm.Domain.Common;

/// <summary>
/// Writers racing for one record without If-Match (API.md: last write wins) read, re-apply and try again.
/// Each retry waits a random time under a ceiling that doubles (full jitter), so a crowd of writers spreads
/// out instead of colliding again in lockstep; past the bound the caller gets 503 and Retry-After, never a 409.
/// </summary>
public static class Contention
{
    /// <summary>About five seconds of waiting in all at the ceilings below: far more than twenty writers at once need.</summary>
    public const int MaxAttempts = 30;

    private const int FirstCeilingMs = 4;
    private const int MaxCeilingMs = 200;

    public static async Task WaitAsync(int attempt, string recordType, string id, CancellationToken cancellationToken)
    {
        if (attempt >= MaxAttempts)
        {
            throw new BusyException("record.busy", $"The {recordType} '{id}' is being changed by many writers at once; send the change again.");
        }
        var ceiling = Math.Min(MaxCeilingMs, FirstCeilingMs << Math.Min(attempt, 10));
        await Task.Delay(Random.Shared.Next(1, ceiling + 1), cancellationToken).ConfigureAwait(false);
    }
}
