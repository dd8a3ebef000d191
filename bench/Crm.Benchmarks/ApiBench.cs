using System.Collections.Concurrent;
using System.Net;

namespace Crm.Benchmarks;

/// <summary>Create and read-by-id through the API over real HTTP, in one tenant (one partition).</summary>
internal sealed class ApiBench(BenchOptions options, BenchApp app)
{
    public async Task<IReadOnlyList<Measurement>> RunAsync()
    {
        var tenant = await app.NewTenantAsync("api");
        var ids = new ConcurrentBag<string>();
        long counter = 0;
        var warmup = TimeSpan.FromSeconds(options.Warmup);
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var results = new List<Measurement>();

        foreach (var clients in new[] { 1, options.Clients })
        {
            Progress.Say($"API create, {clients} client(s)");
            results.Add(await app.MeasureAsync("API create (POST)", clients, warmup, duration, (_, ct) => CreateAsync(ct)));
        }
        CreateCost = await app.ProbeAsync(5, () => CreateAsync(CancellationToken.None));

        async Task CreateAsync(CancellationToken ct)
        {
            var n = Interlocked.Increment(ref counter);
            using var request = tenant.Request(HttpMethod.Post, "/api/v1/departments",
                new { name = SampleDepartment.Name(n), description = SampleDepartment.Description, sortOrder = 10 });
            using var response = await app.Http.SendAsync(request, ct);
            var created = await BenchApp.Expect(response, HttpStatusCode.Created);
            ids.Add(created.GetProperty("id").GetString()!);
        }
        var readable = ids.ToArray();
        var partition = $"random records of a tenant with {readable.Length + 1:N0} departments";
        foreach (var clients in new[] { 1, options.Clients })
        {
            Progress.Say($"API get by id, {clients} client(s)");
            var read = await app.MeasureAsync("API get by id (GET)", clients, warmup, duration, async (_, ct) =>
            {
                using var request = tenant.Request(HttpMethod.Get, "/api/v1/departments/" + readable[Random.Shared.Next(readable.Length)]);
                using var response = await app.Http.SendAsync(request, ct);
                await BenchApp.Expect(response, HttpStatusCode.OK);
            });
            results.Add(read with { Note = $"{partition}; {read.Note}" });
        }
        var probe = 0;
        UpdateCost = await app.ProbeAsync(5, async () =>
        {
            using var request = tenant.Request(HttpMethod.Patch, "/api/v1/departments/" + readable[probe++], new { description = "Changed by the benchmark." });
            using var response = await app.Http.SendAsync(request);
            await BenchApp.Expect(response, HttpStatusCode.OK);
        });
        DeleteCost = await app.ProbeAsync(5, async () =>
        {
            using var request = tenant.Request(HttpMethod.Delete, "/api/v1/departments/" + readable[probe++]);
            using var response = await app.Http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.NoContent)
            {
                await BenchApp.Expect(response, HttpStatusCode.NoContent);
            }
        });
        return results;
    }

    /// <summary>Storage calls of one create, update and delete, rows included, counted one at a time after the timed runs.</summary>
    public string? CreateCost { get; private set; }

    public string? UpdateCost { get; private set; }

    public string? DeleteCost { get; private set; }
}
