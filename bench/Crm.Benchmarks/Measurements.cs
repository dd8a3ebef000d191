using System.Diagnostics;

namespace Crm.Benchmarks;

/// <summary>What one measured load produced: completed operations, errors and their latencies.</summary>
internal sealed record Measurement(string Name, int Clients, long Ops, long Errors, double Seconds, double[] SortedMs, string? FirstError)
{
    /// <summary>What the operations cost in storage calls, when counted.</summary>
    public string? Note { get; init; }

    public double OpsPerSecond => Seconds > 0 ? Ops / Seconds : 0;
    public double P50 => Percentile(0.50);
    public double P95 => Percentile(0.95);
    public double P99 => Percentile(0.99);

    /// <summary>Nearest-rank percentile of the latencies, in milliseconds.</summary>
    public double Percentile(double p) =>
        SortedMs.Length == 0 ? double.NaN : SortedMs[Math.Clamp((int)Math.Ceiling(p * SortedMs.Length) - 1, 0, SortedMs.Length - 1)];
}

/// <summary>
/// Closed-loop load: <c>clients</c> workers each run the operation back to back. Operations that
/// start during the warm-up are not counted; the figures cover the measured window only.
/// </summary>
internal static class Load
{
    public static async Task<Measurement> RunAsync(string name, int clients, TimeSpan warmup, TimeSpan duration,
        Func<int, CancellationToken, Task> operation, Action? atMeasureStart = null, Action? atMeasureEnd = null)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureTo = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var latencies = new List<double>[clients];
        var errors = new long[clients];
        string? firstError = null;
        using var stop = new CancellationTokenSource();

        async Task Worker(int worker)
        {
            var mine = latencies[worker] = new List<double>(4096);
            while (true)
            {
                var before = Stopwatch.GetTimestamp();
                if (before >= measureTo)
                {
                    return;
                }
                try
                {
                    await operation(worker, stop.Token);
                    var after = Stopwatch.GetTimestamp();
                    if (before >= measureFrom && after <= measureTo)
                    {
                        mine.Add(Stopwatch.GetElapsedTime(before, after).TotalMilliseconds);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    if (before >= measureFrom)
                    {
                        errors[worker]++;
                    }
                    Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
                }
            }
        }

        var marks = Task.WhenAll(
            Task.Delay(warmup).ContinueWith(_ => atMeasureStart?.Invoke(), TaskScheduler.Default),
            Task.Delay(warmup + duration).ContinueWith(_ => atMeasureEnd?.Invoke(), TaskScheduler.Default));
        await Task.WhenAll(Enumerable.Range(0, clients).Select(w => Task.Run(() => Worker(w))));
        await marks;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new Measurement(name, clients, all.Length, errors.Sum(), duration.TotalSeconds, all, firstError);
    }
}
