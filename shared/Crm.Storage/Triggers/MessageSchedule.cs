namespace Crm.Storage.Triggers;

/// <summary>
/// When a message may be handled. Queue visibility tops out at 7 days, so longer delays are sent in
/// hops of at most <see cref="QueueOptions.MaxMessageDelay"/> with the real due time in the envelope.
/// </summary>
internal static class MessageSchedule
{
    /// <summary>
    /// Delays are rounded up to the whole seconds the service counts in, so a message arrives early
    /// only by the skew between the sender's clock and ours; within this much it is handled rather
    /// than sent round again for another second.
    /// </summary>
    internal static readonly TimeSpan EarlyTolerance = TimeSpan.FromMilliseconds(500);

    /// <summary>The visibility delay for a message due at <paramref name="dueAt"/>, rounded up to whole seconds.</summary>
    public static TimeSpan SendDelay(DateTimeOffset dueAt, DateTimeOffset now, TimeSpan maxDelay)
    {
        var remaining = dueAt - now;
        if (remaining <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }
        var seconds = TimeSpan.FromSeconds(Math.Ceiling(remaining.TotalSeconds));
        return seconds < maxDelay ? seconds : maxDelay;
    }

    /// <summary>An arrived message that is still not due goes back on the queue instead of to its handler.</summary>
    public static bool ShouldHop(DateTimeOffset dueAt, DateTimeOffset now) => dueAt - now > EarlyTolerance;
}
