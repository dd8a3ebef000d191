using Crm.Storage.Triggers;

namespace Crm.UnitTests.Triggers;

public sealed class TriggerPrimitivesTests
{
    [Fact]
    public void BackoffDoublesUpToTheMaximumAndStartsOverAfterReset()
    {
        var backoff = new PollingBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        var waits = Enumerable.Range(0, 8).Select(_ => backoff.Next()).ToList();

        Assert.InRange(waits[0], TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(120));
        Assert.InRange(waits[3], TimeSpan.FromMilliseconds(640), TimeSpan.FromMilliseconds(960));
        Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)));
        Assert.True(waits[^1] >= TimeSpan.FromMilliseconds(800));

        backoff.Reset();
        Assert.InRange(backoff.Next(), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(120));
    }

    [Fact]
    public async Task SignalSetBeforeAnyoneWaitsIsNotLost()
    {
        var signal = new AsyncSignal();
        signal.Set();
        signal.Set();

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None));
    }

    [Fact]
    public async Task SignalAfterATimedOutWaitWakesTheNextWaiter()
    {
        var signal = new AsyncSignal();
        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None));

        var waiting = signal.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.True(signal.HasWaiters);
        signal.Set();

        Assert.True(await waiting);
        Assert.False(signal.HasWaiters);
    }
}
