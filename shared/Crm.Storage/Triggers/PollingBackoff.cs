namespace Crm.Storage.Triggers;

/// <summary>
/// How long an idle listener waits before polling again: doubling from the minimum up to the
/// maximum, with ±20% jitter so replicas that went idle together do not poll in lockstep.
/// </summary>
internal sealed class PollingBackoff
{
    private readonly TimeSpan _minimum;
    private readonly TimeSpan _maximum;
    private TimeSpan _step;

    public PollingBackoff(TimeSpan minimum, TimeSpan maximum)
    {
        _minimum = minimum;
        _maximum = maximum;
        _step = minimum;
    }

    public TimeSpan Next()
    {
        var current = _step;
        _step = current * 2 < _maximum ? current * 2 : _maximum;
        var jittered = current * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return jittered < _minimum ? _minimum : jittered > _maximum ? _maximum : jittered;
    }

    public void Reset() => _step = _minimum;
}
