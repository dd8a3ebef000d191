using System.Diagnostics;
using System.Net;

namespace Crm.Benchmarks;

internal sealed record ApprovalResults(int Sequential, double P50Ms, double P95Ms, int Concurrent, double SubmitSeconds, double SettleSeconds,
    double WaitingMemoryMb, int Failed);

/// <summary>
/// Issue 13's approval figures, through HTTP against a service whose orchestration worker runs in the same process: the
/// submit-to-active latency of a one-step approval (submit, approve, until the contract reads active), then a thousand
/// approvals started at once, held waiting (the managed memory they cost the worker), approved at once and settled.
/// </summary>
internal sealed class ApprovalBench(BenchApp app)
{
    public const int Sequential = 100;
    public const int Concurrent = 1000;
    private const int Parallelism = 32;

    public async Task<ApprovalResults> RunAsync()
    {
        var tenant = await app.NewTenantAsync("approvals");
        using var product = await app.Http.SendAsync(tenant.Request(HttpMethod.Post, "/api/v1/products", new { code = "APR", name = "Approved", listPrice = 10m }));
        var productId = (await BenchApp.Expect(product, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        using var customer = await app.Http.SendAsync(tenant.Request(HttpMethod.Post, "/api/v1/customers", new { name = "Approval bench customer" }));
        var customerId = (await BenchApp.Expect(customer, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        using var flow = await app.Http.SendAsync(tenant.Request(HttpMethod.Post, "/api/v1/approval-flows", new
        {
            name = "One step", documentType = "contract",
            steps = new[] { new { name = "Admin", approvers = new { kind = "users", userIds = new[] { tenant.AdminUserId } } } },
        }));
        await BenchApp.Expect(flow, HttpStatusCode.Created);

        async Task<string> Contract()
        {
            using var response = await app.Http.SendAsync(tenant.Request(HttpMethod.Post, "/api/v1/contracts",
                new { name = "Bench", customerId, lines = new[] { new { productId, quantity = 1m } } }));
            return "/api/v1/contracts/" + (await BenchApp.Expect(response, HttpStatusCode.Created)).GetProperty("id").GetString();
        }
        async Task Post(string url)
        {
            using var response = await app.Http.SendAsync(tenant.Request(HttpMethod.Post, url));
            await BenchApp.Expect(response, HttpStatusCode.OK);
        }
        async Task Active(string url)
        {
            for (var i = 0; ; i++)
            {
                using var response = await app.Http.SendAsync(tenant.Request(HttpMethod.Get, url));
                if ((await BenchApp.Expect(response, HttpStatusCode.OK)).GetProperty("status").GetString() == "active")
                {
                    return;
                }
                if (i > 600)
                {
                    throw new TimeoutException($"{url} never became active.");
                }
                await Task.Delay(50);
            }
        }

        Progress.Say($"approvals: {Sequential} one-step approvals one after another");
        var latencies = new List<double>();
        for (var i = 0; i < Sequential; i++)
        {
            var url = await Contract();
            var watch = Stopwatch.StartNew();
            await Post($"{url}/approval/submit");
            await Post($"{url}/approval/approve");
            await Active(url);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();

        Progress.Say($"approvals: {Concurrent} started at once, held, approved at once");
        var urls = new List<string>();
        await ForEach(Enumerable.Range(0, Concurrent), async _ => { var url = await Contract(); lock (urls) { urls.Add(url); } });
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var submit = Stopwatch.StartNew();
        await ForEach(urls, url => Post($"{url}/approval/submit"));
        var submitSeconds = submit.Elapsed.TotalSeconds;
        // Let every orchestration reach its wait (its first activity done), then weigh what the worker holds.
        await Task.Delay(TimeSpan.FromSeconds(20));
        var held = (GC.GetTotalMemory(forceFullCollection: true) - before) / 1024.0 / 1024.0;
        var settle = Stopwatch.StartNew();
        var failed = 0;
        await ForEach(urls, async url =>
        {
            try
            {
                await Post($"{url}/approval/approve");
                await Active(url);
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException)
            {
                Interlocked.Increment(ref failed);
            }
        });
        return new ApprovalResults(Sequential, Percentile(latencies, 0.50), Percentile(latencies, 0.95), Concurrent, submitSeconds, settle.Elapsed.TotalSeconds,
            held, failed);
    }

    private static Task ForEach<T>(IEnumerable<T> items, Func<T, Task> body) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (item, _) => await body(item));

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
