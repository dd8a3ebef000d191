using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.Domain.Access;

namespace Crm.ApiTests.Webhooks;

public sealed class WebhookApiTests(WebhookApp app) : IClassFixture<WebhookApp>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private async Task<(string Id, string Name, string Secret)> SubscribeAsync(HttpClient client, params string[] types)
    {
        var (url, name) = _receiver.NewEndpoint();
        var created = await client.PostJsonAsync("/api/v1/webhook-subscriptions", new { url, eventTypes = types, description = "ERP" }, HttpStatusCode.Created);
        var secret = created.Str("secret");
        _receiver.Trust(name, secret);
        return (created.Id(), name, secret);
    }

    private static async Task<JsonElement> DeliveryAsync(HttpClient client, string subscriptionId, Func<JsonElement, bool> done)
    {
        return await Http.EventuallyAsync(async () =>
            (await client.GetJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/deliveries")).Items() is { Count: > 0 } items ? items[0] : default, d => d.ValueKind != JsonValueKind.Undefined && done(d), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task TheSecretIsShownOnceAndBadSubscriptionsAreRefused()
    {
        var tenant = await app.NewTenantAsync();
        var (url, _) = _receiver.NewEndpoint();
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url, eventTypes = new[] { "crm.customer.*" } });
        var created = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.StartsWith("whsec_", created.Str("secret"), StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.True(created.GetProperty("enabled").GetBoolean());

        var read = await tenant.Admin.GetJsonAsync($"/api/v1/webhook-subscriptions/{created.Id()}");
        Assert.False(read.TryGetProperty("secret", out _));
        Assert.False((await tenant.Admin.GetJsonAsync("/api/v1/webhook-subscriptions")).Items().Single().TryGetProperty("secret", out _));
        // Nor does the change feed or the operation log carry it.
        var feed = await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync("/api/v1/events?types=crm.webhookSubscription.created"), p => p.Items().Count == 1);
        Assert.DoesNotContain(created.Str("secret"), feed.GetRawText(), StringComparison.Ordinal);

        Assert.Contains("url", (await (await tenant.Admin.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url = "ftp://example.com/x", eventTypes = new[] { "*" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed")).ErrorFields());
        var badTypes = await (await tenant.Admin.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url, eventTypes = new[] { "crm..x", "crm.customer*" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("eventTypes", badTypes.ErrorFields());
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url = "https://user:pw@example.com/x", eventTypes = new[] { "*" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url, eventTypes = Array.Empty<string>() }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("url", (await (await tenant.Admin.PatchJsonAsync($"/api/v1/webhook-subscriptions/{created.Id()}", new { url = "not a url" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed")).ErrorFields());
        // Nothing was stored by the refusals.
        Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/webhook-subscriptions")).Items());
        Assert.Equal(url, (await tenant.Admin.GetJsonAsync($"/api/v1/webhook-subscriptions/{created.Id()}")).Str("url"));

        var (_, member) = await tenant.NewMemberAsync(null, null);
        await (await member.GetAsync("/api/v1/webhook-subscriptions")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await tenant.Admin.GetAsync("/api/v1/webhook-subscriptions/nope")).ExpectProblemAsync(HttpStatusCode.NotFound, "webhookSubscription.not_found");
    }

    [Fact]
    public async Task EventsArriveSignedInFeedOrderAsTheFeedHasThem()
    {
        var tenant = await app.NewTenantAsync();
        var (subscriptionId, name, _) = await SubscribeAsync(tenant.Admin, "crm.customer.*");
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Hook"));
        await tenant.CreateDepartmentAsync("Not a customer event " + Api.Stamp());
        await tenant.Admin.PatchJsonAsync($"/api/v1/customers/{customer.Id()}", new { level = (string?)null });
        (await tenant.Admin.PatchJsonAsync($"/api/v1/customers/{customer.Id()}", new { name = SalesSetup.Unique("Renamed") })).EnsureSuccessStatusCode();

        var received = await _receiver.WaitForAsync(name, 2);
        await Task.Delay(500);
        received = _receiver.For(name);
        Assert.All(received, r => Assert.Contains(true, r.VerifiedBy));
        var types = received.Select(r => JsonDocument.Parse(r.Body).RootElement.Str("type")).ToList();
        Assert.Equal("crm.customer.created", types[0]);
        Assert.All(types, t => Assert.StartsWith("crm.customer.", t, StringComparison.Ordinal));
        Assert.Equal(received.Count, received.Select(r => r.WebhookId).Distinct().Count());

        // The body is the CloudEvent as the change feed has it; webhook-id is its id.
        var feed = (await tenant.Admin.GetJsonAsync("/api/v1/events?types=crm.customer.created,crm.customer.updated")).Items();
        Assert.Equal(feed.Select(e => e.Id()), received.Select(r => r.WebhookId));
        var first = JsonDocument.Parse(received[0].Body).RootElement;
        Assert.Equal(feed[0].GetRawText(), first.GetRawText());
        Assert.Equal("1.0", first.Str("specversion"));
        Assert.True(long.Parse(received[0].Timestamp, System.Globalization.CultureInfo.InvariantCulture) > 0);

        var log = await DeliveryAsync(tenant.Admin, subscriptionId, d => d.Str("status") == "delivered");
        Assert.Equal(200, log.GetProperty("responseCode").GetInt32());
        var one = await tenant.Admin.GetJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/deliveries/{log.Id()}");
        Assert.Equal(received[^1].Body, one.Str("body"));
        Assert.Single(one.GetProperty("history").EnumerateArray());
    }

    [Fact]
    public async Task FailuresAreRetriedWithTheSameIdAndRetryAfterIsHonoured()
    {
        var tenant = await app.NewTenantAsync();
        var (subscriptionId, name, _) = await SubscribeAsync(tenant.Admin, "crm.customer.created");
        _receiver.Answer(name, WebhookReceiver.Status(500), WebhookReceiver.Status(429, retryAfter: "2"), WebhookReceiver.Status(503));
        await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Flaky"));

        var received = await _receiver.WaitForAsync(name, 4);
        Assert.Single(received.Select(r => r.WebhookId).Distinct());
        Assert.All(received, r => Assert.Contains(true, r.VerifiedBy));
        // The attempt after the 429 came no sooner than its Retry-After said.
        var times = received.Select(r => long.Parse(r.Timestamp, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(times[2] - times[1] >= 2, $"retried {times[2] - times[1]} s after a 429 asking for 2 s");

        var log = await DeliveryAsync(tenant.Admin, subscriptionId, d => d.Str("status") == "delivered");
        Assert.Equal(4, log.GetProperty("attempts").GetInt32());
        var one = await tenant.Admin.GetJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/deliveries/{log.Id()}");
        Assert.Equal([500, 429, 503, 200], one.GetProperty("history").EnumerateArray().Select(a => a.GetProperty("responseCode").GetInt32()));
    }

    [Fact]
    public async Task AClientErrorFailsAtOnceAndRedeliveryResendsTheSameMessage()
    {
        var tenant = await app.NewTenantAsync();
        var (subscriptionId, name, _) = await SubscribeAsync(tenant.Admin, "crm.customer.created");
        _receiver.Answer(name, WebhookReceiver.Status(400), WebhookReceiver.Status(410));
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Refused"));
        await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Refused too"));

        await _receiver.WaitForAsync(name, 2);
        var failed = await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/deliveries?status=failed"),
            p => p.Items().Count == 2);
        Assert.All(failed.Items(), d => Assert.Equal(1, d.GetProperty("attempts").GetInt32()));
        await Task.Delay(1500);
        Assert.Equal(2, _receiver.For(name).Count); // no retry of a 4xx

        var first = failed.Items()[1];
        var redelivered = await tenant.Admin.PostJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/deliveries/{first.Id()}/redeliver", new { }, HttpStatusCode.OK);
        Assert.Equal("pending", redelivered.Str("status"));
        var received = await _receiver.WaitForAsync(name, 3);
        Assert.Equal(first.Str("webhookId"), received[2].WebhookId);
        Assert.Equal(received[0].Body, received[2].Body);

        var all = await tenant.Admin.PostJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/redeliver", new { since }, HttpStatusCode.OK);
        Assert.Equal(1, all.GetProperty("redelivered").GetInt32());
        await _receiver.WaitForAsync(name, 4);
        await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/deliveries?status=delivered"),
            p => p.Items().Count == 2);

        await (await tenant.Admin.PostAsJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/redeliver", new { }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/deliveries/999999/redeliver", new { }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "webhookDelivery.not_found");
        await (await tenant.Admin.GetAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/deliveries?status=lost"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task DeliveriesFollowTheMakersDataScope()
    {
        var tenant = await app.NewTenantAsync();
        var role = await app.CreateRoleAsync(tenant, DataScope.Self, ["customers.view", "customers.create", Permissions.WebhooksManage]);
        var (repId, rep) = await tenant.NewMemberAsync(null, null, role);
        var (subscriptionId, name, _) = await SubscribeAsync(rep, "crm.customer.created");

        await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Not the rep's"));
        var own = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("The rep's"), ownerId: repId);

        var received = await _receiver.WaitForAsync(name, 1);
        await Http.EventuallyAsync(() => rep.GetJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/deliveries"),
            p => p.Items().Count == 2 && p.Items().All(d => d.Str("status") is "delivered" or "skipped"));
        await Task.Delay(500);
        received = _receiver.For(name);
        Assert.Equal(own.Id(), Assert.Single(received, r => true) is var only ? JsonDocument.Parse(only.Body).RootElement.GetProperty("data").Str("recordId") : null);
        var skipped = (await rep.GetJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/deliveries?status=skipped")).Items();
        Assert.Contains("data scope", Assert.Single(skipped).Str("error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARotatedSecretSignsBesideTheOldOneAndPingIsSignedToo()
    {
        var tenant = await app.NewTenantAsync();
        var (subscriptionId, name, oldSecret) = await SubscribeAsync(tenant.Admin, "crm.customer.created");
        var response = await tenant.Admin.PostAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/rotate-secret", null);
        var rotated = await response.ExpectAsync(HttpStatusCode.OK);
        var newSecret = rotated.Str("secret");
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.True(rotated.GetProperty("previousSecretExpiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(23));
        _receiver.Trust(name, newSecret);

        await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Rotated"));
        var received = (await _receiver.WaitForAsync(name, 1))[0];
        Assert.Equal(2, received.Signature.Split(' ').Length);
        Assert.Equal([true, true], received.VerifiedBy); // each secret alone verifies it

        var ping = await tenant.Admin.PostJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}/ping", new { }, HttpStatusCode.OK);
        Assert.True(ping.GetProperty("delivered").GetBoolean());
        Assert.Equal(200, ping.GetProperty("responseCode").GetInt32());
        var pinged = _receiver.For(name).Single(r => r.WebhookId == ping.Str("webhookId"));
        Assert.Equal("crm.webhook.ping", JsonDocument.Parse(pinged.Body).RootElement.Str("type"));
        Assert.Equal([true, true], pinged.VerifiedBy);
    }

    [Fact]
    public async Task ADisabledSubscriptionGetsNothingUntilTurnedOnAgain()
    {
        var tenant = await app.NewTenantAsync();
        var (subscriptionId, name, _) = await SubscribeAsync(tenant.Admin, "crm.customer.created");
        var off = await tenant.Admin.PatchJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}", new { enabled = false });
        Assert.False((await off.ExpectAsync(HttpStatusCode.OK)).GetProperty("enabled").GetBoolean());
        await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("While off"));
        await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync("/api/v1/events?types=crm.customer.created"), p => p.Items().Count == 1);
        await Task.Delay(1500);
        Assert.Empty(_receiver.For(name));

        (await tenant.Admin.PatchJsonAsync($"/api/v1/webhook-subscriptions/{subscriptionId}", new { enabled = true })).EnsureSuccessStatusCode();
        await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("While on"));
        var received = await _receiver.WaitForAsync(name, 1);
        Assert.Contains("While on", Assert.Single(received).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeliveryCutShortByAStopIsSentAgainWithTheSameIdAfterARestart()
    {
        var first = new WebhookApp();
        await ((IAsyncLifetime)first).InitializeAsync();
        var second = first.OnSameStorage();
        try
        {
            var tenant = await first.NewTenantAsync();
            var (url, name) = _receiver.NewEndpoint();
            var created = await tenant.Admin.PostJsonAsync("/api/v1/webhook-subscriptions", new { url, eventTypes = new[] { "crm.customer.created" } }, HttpStatusCode.Created);
            _receiver.Trust(name, created.Str("secret"));
            var release = new TaskCompletionSource();
            _receiver.Answer(name, WebhookReceiver.Hang(release.Task));
            await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Mid-flight"));

            var cut = (await _receiver.WaitForAsync(name, 1))[0];
            await first.DisposeAsync(); // the service stops while the receiver holds the request
            release.SetResult();

            _ = second.Server; // the service starts again on the same storage
            var received = await _receiver.WaitForAsync(name, 2, TimeSpan.FromSeconds(90));
            Assert.Equal(cut.WebhookId, received[1].WebhookId);
            Assert.Equal(cut.Body, received[1].Body);
            Assert.All(received, r => Assert.Contains(true, r.VerifiedBy));
        }
        finally
        {
            await second.DisposeAsync();
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }
}

public sealed class WebhookFailureApiTests(ShortWindowWebhookApp app) : IClassFixture<ShortWindowWebhookApp>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task RetriesEndInTheDeadLetterAndAFailingSubscriptionIsTurnedOffWithANotice()
    {
        var tenant = await app.NewTenantAsync();
        var (url, name) = _receiver.NewEndpoint();
        var created = await tenant.Admin.PostJsonAsync("/api/v1/webhook-subscriptions", new { url, eventTypes = new[] { "crm.customer.created" } }, HttpStatusCode.Created);
        _receiver.Answer(name, [.. Enumerable.Repeat(WebhookReceiver.Status(503), 100)]);
        await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Doomed"));

        var dead = await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync($"/api/v1/webhook-subscriptions/{created.Id()}/deliveries?status=deadLettered"),
            p => p.Items().Count == 1, TimeSpan.FromSeconds(60));
        Assert.True(dead.Items()[0].GetProperty("attempts").GetInt32() >= 2);

        // Still failing 3 s after the first failure: the next failure turns it off and tells its maker.
        await Task.Delay(3000);
        await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Doomed too"));
        var off = await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync($"/api/v1/webhook-subscriptions/{created.Id()}"),
            s => !s.GetProperty("enabled").GetBoolean(), TimeSpan.FromSeconds(60));
        Assert.Equal("failing", off.Str("disabledReason"));
        var notices = await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync("/api/v1/notifications"),
            p => p.Items().Any(n => n.Str("kind") == "webhook.disabled"));
        Assert.Equal(created.Id(), notices.Items().First(n => n.Str("kind") == "webhook.disabled").Str("recordId"));
    }
}

public sealed class WebhookTargetApiTests(StrictWebhookApp app) : IClassFixture<StrictWebhookApp>
{
    [Theory]
    [InlineData("http://partner.example.com/hook")]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://intranet/hook")]
    public async Task OutsideDevelopmentOnlyPublicHttpsTargetsAreAccepted(string url)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url, eventTypes = new[] { "*" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("url", problem.ErrorFields());
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/webhook-subscriptions")).Items());
        (await tenant.Admin.PostAsJsonAsync("/api/v1/webhook-subscriptions", new { url = "https://partner.example.com/hook", eventTypes = new[] { "*" } }))
            .EnsureSuccessStatusCode();
    }
}
