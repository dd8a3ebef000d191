using Crm.Domain.Tenants;

namespace Crm.Domain.Organisation;

/// <summary>
/// One user's failed sign-ins: how many in the current window, and whether they are locked out.
/// Pure rules; the store keeps one row per user and writes it with its ETag, so concurrent attempts all count.
/// </summary>
public sealed record SignInLockout(int Failures = 0, DateTimeOffset? WindowStart = null, DateTimeOffset? LockedUntil = null)
{
    public static SignInLockout None { get; } = new();

    public bool IsLocked(DateTimeOffset now) => LockedUntil > now;

    /// <summary>
    /// The state once a password check is reserved, or null when none may run (locked out). A check counts as a
    /// failure before it runs, so however many attempts arrive together, at most the threshold are checked per
    /// window: the threshold-th reservation locks the user at once, and a right password then clears the state.
    /// </summary>
    public SignInLockout? Reserve(DateTimeOffset now, SecuritySettings settings) => IsLocked(now) ? null : AfterFailure(now, settings);

    /// <summary>
    /// The state after one more failure: a failure outside the window starts a new one; the
    /// threshold-th within it locks the user, and the count starts again once the lock ends.
    /// </summary>
    public SignInLockout AfterFailure(DateTimeOffset now, SecuritySettings settings)
    {
        if (IsLocked(now))
        {
            // Guessing on during a lockout neither extends it nor counts towards the next one.
            return this;
        }
        var fresh = WindowStart is null || now - WindowStart.Value >= TimeSpan.FromMinutes(settings.LockoutWindowMinutes);
        var failures = fresh ? 1 : Failures + 1;
        return failures >= settings.LockoutThreshold
            ? new SignInLockout(0, null, now + TimeSpan.FromMinutes(settings.LockoutMinutes))
            : new SignInLockout(failures, fresh ? now : WindowStart, null);
    }
}
