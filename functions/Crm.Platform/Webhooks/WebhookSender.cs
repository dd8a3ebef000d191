using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Crm.Domain.Webhooks;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Webhooks;

/// <summary>The answer of one delivery attempt.</summary>
public sealed record SendResult(DeliveryAttempt Attempt, DeliveryOutcome Outcome, TimeSpan? RetryAfter);

/// <summary>
/// Sends one signed message. Redirects are not followed (the target is the URL checked) and, outside development,
/// the connection goes only to a public address the name resolves to now: the check is made on the address
/// actually connected to, so a name that resolves inward (DNS rebinding) is refused at delivery too.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _clock;

    public WebhookSender(IOptions<WebhookOptions> options, WebhookSubscriptionService subscriptions, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        var allowPrivate = subscriptions.AllowsPrivateTargets;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = _options.Timeout,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context, allowPrivate, cancellationToken),
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => allowPrivate || WebhookTargets.IsPublic(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new TargetRefusedException($"{host} resolves to no public address.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task<SendResult> SendAsync(string url, string messageId, string body, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var started = _clock.GetUtcNow();
        var timestamp = started.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Header(secrets, messageId, timestamp, body));
        request.Headers.UserAgent.ParseAdd("Crm-Webhooks/1.0");
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            var outcome = WebhookRetryPolicy.Classify(code);
            return new SendResult(new DeliveryAttempt(started, code, watch.ElapsedMilliseconds, outcome == DeliveryOutcome.Delivered ? null : $"The receiver answered {code}."),
                outcome, RetryAfter(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Retry(started, watch, $"No answer within {_options.Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException e) when (e.InnerException is TargetRefusedException refused)
        {
            return new SendResult(new DeliveryAttempt(started, null, watch.ElapsedMilliseconds, refused.Message), DeliveryOutcome.Failed, null);
        }
        catch (HttpRequestException e)
        {
            return Retry(started, watch, $"Could not reach the receiver: {e.Message}");
        }
    }

    private static SendResult Retry(DateTimeOffset started, Stopwatch watch, string error) =>
        new(new DeliveryAttempt(started, null, watch.ElapsedMilliseconds, error), DeliveryOutcome.Retry, null);

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _clock.GetUtcNow() is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
        _ => null,
    };

    public void Dispose() => _http.Dispose();

    /// <summary>The target's name resolved only to addresses a delivery may not connect to.</summary>
    private sealed class TargetRefusedException(string message) : Exception(message);
}
