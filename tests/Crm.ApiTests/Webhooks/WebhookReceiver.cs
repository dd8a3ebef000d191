using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace Crm.ApiTests.Webhooks;

/// <summary>One request the receiver got, with the Standard Webhooks headers and whether each known secret verifies it.</summary>
public sealed record ReceivedWebhook(string Path, string WebhookId, string Timestamp, string Signature, string Body, IReadOnlyList<bool> VerifiedBy);

/// <summary>
/// A partner system's endpoint: a real Kestrel server on loopback that records every request, checks its signature
/// with the StandardWebhooks library (not the service's code) against the secrets it was given, and answers what the
/// test told it to (by default 200).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpContext, Task>>> _scripts = new();
    private readonly ConcurrentDictionary<string, List<string>> _secrets = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{name}", receiver.ReceiveAsync);
        await app.StartAsync();
        return receiver;
    }

    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();

    /// <summary>A fresh endpoint of this receiver: its URL and name.</summary>
    public (string Url, string Name) NewEndpoint()
    {
        var name = "h" + Guid.NewGuid().ToString("N")[..10];
        return ($"{BaseUrl}/{name}", name);
    }

    public void Trust(string name, string secret) => _secrets.GetOrAdd(name, _ => []).Add(secret);

    /// <summary>The next requests to the endpoint get these answers, in turn; after them, 200.</summary>
    public void Answer(string name, params Func<HttpContext, Task>[] answers)
    {
        var script = _scripts.GetOrAdd(name, _ => new());
        foreach (var answer in answers)
        {
            script.Enqueue(answer);
        }
    }

    public static Func<HttpContext, Task> Status(int code, string? retryAfter = null) => context =>
    {
        context.Response.StatusCode = code;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }
        return Task.CompletedTask;
    };

    /// <summary>Holds the request until <paramref name="release"/> completes (or the caller gives up).</summary>
    public static Func<HttpContext, Task> Hang(Task release) => async context =>
    {
        try
        {
            await release.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    };

    public IReadOnlyList<ReceivedWebhook> For(string name) => [.. _received.Where(r => r.Path == name)];

    public Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(string name, int count, TimeSpan? timeout = null) =>
        Infrastructure.Http.EventuallyAsync(() => Task.FromResult(For(name)), r => r.Count >= count, timeout ?? TimeSpan.FromSeconds(60));

    private async Task ReceiveAsync(string name, HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        // Each signature on its own: this library reads only the first of several (during a rotation two are sent).
        var signatures = context.Request.Headers["webhook-signature"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var verified = _secrets.GetValueOrDefault(name, []).Select(secret => signatures.Any(signature =>
        {
            var headers = new HeaderDictionary
            {
                ["webhook-id"] = context.Request.Headers["webhook-id"],
                ["webhook-timestamp"] = context.Request.Headers["webhook-timestamp"],
                ["webhook-signature"] = signature,
            };
            try
            {
                new StandardWebhook(secret).Verify(body, headers);
                return true;
            }
            catch (StandardWebhooks.Diagnostics.WebhookVerificationException)
            {
                return false;
            }
        })).ToList();
        _received.Enqueue(new ReceivedWebhook(name, context.Request.Headers["webhook-id"].ToString(), context.Request.Headers["webhook-timestamp"].ToString(),
            context.Request.Headers["webhook-signature"].ToString(), body, verified));
        if (_scripts.TryGetValue(name, out var script) && script.TryDequeue(out var answer))
        {
            await answer(context);
            return;
        }
        context.Response.StatusCode = 200;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
