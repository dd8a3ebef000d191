using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crm.Benchmarks;

internal sealed record WebhookResults(int Subscriptions, int Changes, double CreateSeconds, int Deliveries, double Seconds, double P50Ms, double P95Ms, double MaxMs, int Missing, int Duplicates);

/// <summary>
/// Issue 14's webhook figures: ten subscriptions of one tenant, each to its own path of a receiver in this process that
/// answers 200 at once; customers created through HTTP by 8 clients; every delivery's lag from the change it reports
/// (the event's time) to its arrival, and the throughput from the first change to the last delivery.
/// </summary>
internal sealed class WebhookBench(BenchApp app)
{
    private const int Subscriptions = 10;
    private const int Changes = 500;
    private const int Clients = 8;
    private static readonly string[] CustomerCreated = ["crm.customer.created"];

    public async Task<WebhookResults> RunAsync()
    {
        var arrivals = new ConcurrentBag<(string Path, string Id, DateTimeOffset EventTime, DateTimeOffset At)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var receiver = builder.Build();
        receiver.MapPost("/{name}", async (string name, HttpContext context) =>
        {
            var at = DateTimeOffset.UtcNow;
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            arrivals.Add((name, context.Request.Headers["webhook-id"].ToString(), body.RootElement.GetProperty("time").GetDateTimeOffset(), at));
            return Results.Ok();
        });
        await receiver.StartAsync();
        var baseUrl = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        var tenant = await app.NewTenantAsync("webhooks");
        for (var i = 0; i < Subscriptions; i++)
        {
            using var created = await app.Http.SendAsync(tenant.Request(HttpMethod.Post, "/api/v1/webhook-subscriptions",
                new { url = $"{baseUrl}/s{i}", eventTypes = CustomerCreated }));
            await BenchApp.Expect(created, HttpStatusCode.Created);
        }

        Progress.Say($"webhooks: {Changes} customers by {Clients} clients, {Subscriptions} subscriptions");
        var watch = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < Changes)
            {
                using var response = await app.Http.SendAsync(tenant.Request(HttpMethod.Post, "/api/v1/customers", new { name = $"Hooked {Guid.NewGuid():N}" }));
                await BenchApp.Expect(response, HttpStatusCode.Created);
            }
        }));
        var createSeconds = watch.Elapsed.TotalSeconds;
        var expected = Changes * Subscriptions;
        for (var waited = 0; arrivals.Count < expected && waited < 1200; waited++)
        {
            await Task.Delay(100);
        }
        var seconds = watch.Elapsed.TotalSeconds;
        await Task.Delay(2000); // late duplicates, if any
        var all = arrivals.ToList();
        var distinct = all.DistinctBy(a => (a.Path, a.Id)).ToList();
        var lags = distinct.Select(a => (a.At - a.EventTime).TotalMilliseconds).Order().ToList();
        double P(double q) => lags.Count == 0 ? double.NaN : lags[Math.Min(lags.Count - 1, (int)(q * lags.Count))];
        seconds = distinct.Count == 0 ? seconds : (distinct.Max(a => a.At) - (distinct.Min(a => a.EventTime))).TotalSeconds;
        return new WebhookResults(Subscriptions, Changes, createSeconds, distinct.Count, seconds, P(0.5), P(0.95), lags.Count == 0 ? double.NaN : lags[^1],
            expected - distinct.Count, all.Count - distinct.Count);
    }
}
