using Crm.Domain.Organisation;
using Crm.Domain.Tenants;

namespace Crm.UnitTests.Domain;

public sealed class SignInLockoutTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly SecuritySettings Settings = new() { LockoutThreshold = 3, LockoutWindowMinutes = 15, LockoutMinutes = 30 };

    private static SignInLockout Fail(SignInLockout state, params int[] minutes) =>
        minutes.Aggregate(state, (s, m) => s.AfterFailure(T0.AddMinutes(m), Settings));

    [Fact]
    public void ThresholdFailuresWithinTheWindowLockForTheConfiguredTime()
    {
        var state = Fail(SignInLockout.None, 0, 5, 10);

        Assert.True(state.IsLocked(T0.AddMinutes(10)));
        Assert.Equal(T0.AddMinutes(40), state.LockedUntil);
        Assert.True(state.IsLocked(T0.AddMinutes(39)));
        Assert.False(state.IsLocked(T0.AddMinutes(40)));
    }

    [Fact]
    public void FewerFailuresDoNotLock()
    {
        var state = Fail(SignInLockout.None, 0, 1);

        Assert.False(state.IsLocked(T0.AddMinutes(1)));
        Assert.Equal(2, state.Failures);
    }

    [Fact]
    public void FailuresOutsideTheWindowStartANewCount()
    {
        var state = Fail(SignInLockout.None, 0, 10, 15);

        Assert.False(state.IsLocked(T0.AddMinutes(15)));
        Assert.Equal(1, state.Failures);
        Assert.Equal(T0.AddMinutes(15), state.WindowStart);
    }

    [Fact]
    public void FailuresDuringALockoutNeitherExtendItNorCount()
    {
        var locked = Fail(SignInLockout.None, 0, 1, 2);
        var after = Fail(locked, 3, 4, 5);

        Assert.Equal(locked, after);
        // Once it ends, counting starts from one again.
        var later = after.AfterFailure(T0.AddMinutes(33), Settings);
        Assert.False(later.IsLocked(T0.AddMinutes(33)));
        Assert.Equal(1, later.Failures);
    }

    [Fact]
    public void ThresholdOfOneLocksOnTheFirstFailure() =>
        Assert.True(SignInLockout.None.AfterFailure(T0, Settings with { LockoutThreshold = 1 }).IsLocked(T0));

    [Fact]
    public void ReservationsGrantExactlyTheThresholdChecksThenRefuseUntilTheLockEnds()
    {
        var state = SignInLockout.None;
        var granted = 0;
        for (var i = 0; i < 10; i++)
        {
            if (state.Reserve(T0, Settings) is { } next)
            {
                granted++;
                state = next;
            }
        }

        Assert.Equal(Settings.LockoutThreshold, granted);
        Assert.True(state.IsLocked(T0));
        Assert.NotNull(state.Reserve(T0.AddMinutes(30), Settings));
    }
}
