using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Crm.Benchmarks;

internal sealed record QuoteResults(int Lines, IReadOnlyList<Measurement> Figures, string CreateCost, string ReadCost);

/// <summary>
/// Issue 12's quote figures: a quote of 50 lines (each priced from the catalogue, numbered by the tenant's rule)
/// created through <c>POST /api/v1/quotes</c>, and read back with <c>GET /api/v1/quotes/{id}</c>.
/// </summary>
internal sealed class QuoteBench(BenchOptions options, BenchApp app)
{
    public const int Lines = 50;

    public async Task<QuoteResults> RunAsync()
    {
        var tenant = await app.NewTenantAsync("quotes");
        var products = new List<string>();
        for (var i = 0; i < Lines; i++)
        {
            using var response = await app.Http.SendAsync(tenant.Request(HttpMethod.Post, "/api/v1/products",
                new { code = $"B-{i:000}", name = $"产品 Product {i}", listPrice = 10.005m + i, taxRate = 13m }));
            products.Add((await BenchApp.Expect(response, HttpStatusCode.Created)).GetProperty("id").GetString()!);
        }
        using var customerAnswer = await app.Http.SendAsync(tenant.Request(HttpMethod.Post, "/api/v1/customers", new { name = "Quote bench customer" }));
        var customerId = (await BenchApp.Expect(customerAnswer, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var body = new
        {
            name = "Fifty lines",
            customerId,
            terms = "30 天付款 / 30 days net",
            lines = products.Select((id, i) => new { productId = id, quantity = 1m + i % 7, discount = i % 5 * 2.5m }).ToArray(),
        };

        string? sampleId = null;
        async Task Create(CancellationToken ct)
        {
            using var response = await app.Http.SendAsync(tenant.Request(HttpMethod.Post, "/api/v1/quotes", body), ct);
            var created = await BenchApp.Expect(response, HttpStatusCode.Created);
            sampleId ??= created.GetProperty("id").GetString();
        }
        async Task Read(CancellationToken ct)
        {
            using var response = await app.Http.SendAsync(tenant.Request(HttpMethod.Get, $"/api/v1/quotes/{sampleId}"), ct);
            await BenchApp.Expect(response, HttpStatusCode.OK);
        }

        var warmup = TimeSpan.FromSeconds(options.Warmup);
        var duration = TimeSpan.FromSeconds(options.Seconds);
        Progress.Say($"quotes of {Lines} lines: create and read");
        var figures = new List<Measurement>();
        foreach (var clients in new[] { 1, options.Clients })
        {
            figures.Add(await app.MeasureAsync($"create a {Lines}-line quote", clients, warmup, duration, (_, ct) => Create(ct)));
            figures.Add(await app.MeasureAsync($"read a {Lines}-line quote", clients, warmup, duration, (_, ct) => Read(ct)));
        }
        var createCost = await app.ProbeAsync(3, () => Create(CancellationToken.None));
        var readCost = await app.ProbeAsync(3, () => Read(CancellationToken.None));
        return new QuoteResults(Lines, figures, createCost, readCost);
    }
}
