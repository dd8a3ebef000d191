using System.Net;
using Crm.Domain.Webhooks;

namespace Crm.UnitTests.Webhooks;

public sealed class WebhookRuleTests
{
    [Theory]
    [InlineData("*", "crm.customer.updated", true)]
    [InlineData("crm.customer.*", "crm.customer.updated", true)]
    [InlineData("crm.customer.*", "crm.customerx.updated", false)]
    [InlineData("crm.customer.updated", "crm.customer.updated", true)]
    [InlineData("crm.customer.updated", "crm.customer.created", false)]
    [InlineData("crm.*", "crm.contract.approved", true)]
    public void PatternsMatchExactNamesAndSegmentPrefixes(string pattern, string type, bool matches) =>
        Assert.Equal(matches, EventTypeFilter.Matches(pattern, type));

    [Theory]
    [InlineData("crm.customer.*", true)]
    [InlineData("*", true)]
    [InlineData("crm..x", false)]
    [InlineData("crm.customer*", false)]
    [InlineData(".*", false)]
    [InlineData("crm customer", false)]
    public void PatternsAreChecked(string pattern, bool valid) => Assert.Equal(valid, EventTypeFilter.Problem(pattern) is null);

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.8", false)]
    [InlineData("172.16.5.4", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:4860:4860::8888", true)]
    public void OnlyPublicAddressesArePublic(string address, bool isPublic) => Assert.Equal(isPublic, WebhookTargets.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://partner.example.com/hook", false, false, true)]
    [InlineData("http://partner.example.com/hook", false, false, false)]
    [InlineData("http://partner.example.com/hook", true, false, true)]
    [InlineData("https://127.0.0.1/hook", false, false, false)]
    [InlineData("https://127.0.0.1/hook", false, true, true)]
    [InlineData("https://localhost/hook", false, false, false)]
    [InlineData("https://db.internal/hook", false, false, false)]
    [InlineData("https://user:pw@partner.example.com/hook", false, false, false)]
    [InlineData("https://partner.example.com/hook#x", false, false, false)]
    [InlineData("/relative", false, false, false)]
    public void UrlsAreCheckedBeforeAnyDelivery(string url, bool allowHttp, bool allowPrivate, bool accepted) =>
        Assert.Equal(accepted, WebhookTargets.Problem(url, allowHttp, allowPrivate) is null);

    [Fact]
    public void SignaturesAreTheStandardWebhooksOnes()
    {
        // The example of the Standard Webhooks specification.
        var signature = WebhookSignature.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}""");
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
        var both = WebhookSignature.Header(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", WebhookSignature.NewSecret()], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}""");
        Assert.StartsWith(signature + " v1,", both, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, DeliveryOutcome.Delivered)]
    [InlineData(204, DeliveryOutcome.Delivered)]
    [InlineData(301, DeliveryOutcome.Failed)]
    [InlineData(400, DeliveryOutcome.Failed)]
    [InlineData(404, DeliveryOutcome.Failed)]
    [InlineData(408, DeliveryOutcome.Retry)]
    [InlineData(409, DeliveryOutcome.Retry)]
    [InlineData(429, DeliveryOutcome.Retry)]
    [InlineData(500, DeliveryOutcome.Retry)]
    [InlineData(503, DeliveryOutcome.Retry)]
    [InlineData(null, DeliveryOutcome.Retry)]
    public void AnswersAreClassified(int? code, DeliveryOutcome outcome) => Assert.Equal(outcome, WebhookRetryPolicy.Classify(code));

    [Fact]
    public void BackOffGrowsWithJitterHonoursRetryAfterAndGivesUpOnlyAfterTheWindow()
    {
        var policy = WebhookRetryPolicy.Default;
        Assert.InRange(policy.NextDelay(1, 0.5).TotalSeconds, 4.9, 5.1);
        Assert.InRange(policy.NextDelay(2, 0.5).TotalSeconds, 19.9, 20.1);
        Assert.InRange(policy.NextDelay(1, 0).TotalSeconds, 3.7, 3.8);
        Assert.InRange(policy.NextDelay(1, 0.999).TotalSeconds, 6.2, 6.3);
        Assert.Equal(TimeSpan.FromHours(4) * 1.25, policy.NextDelay(30, 1));
        Assert.Equal(TimeSpan.FromMinutes(10), policy.NextDelay(1, 0.5, TimeSpan.FromMinutes(10)));
        Assert.Equal(TimeSpan.FromHours(24), policy.NextDelay(1, 0.5, TimeSpan.FromDays(3)));

        // Tried for at least a day: the sum of the waits before giving up covers the window.
        var first = DateTimeOffset.UnixEpoch;
        var at = first;
        var attempt = 1;
        while (!policy.GivesUp(first, at))
        {
            at += policy.NextDelay(attempt++, 0);
        }
        Assert.True(at - first >= TimeSpan.FromHours(24));
        Assert.InRange(attempt, 8, 20);
    }
}
