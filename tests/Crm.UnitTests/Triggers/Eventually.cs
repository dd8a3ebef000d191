using System.Diagnostics;

namespace Crm.UnitTests.Triggers;

/// <summary>Polls instead of sleeping: fast when things go right, a clear failure when they do not.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeout);

    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Still not true after {limit.TotalSeconds:0.#} s: {what}");
            }
            await Task.Delay(50);
        }
    }
}
