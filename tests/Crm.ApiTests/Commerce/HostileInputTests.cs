using System.Net;
using System.Text;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Commerce;

/// <summary>The order-to-cash writes given hostile bodies: each answers a problem+json 4xx and stores nothing.</summary>
public sealed class CommerceHostileInputTests(CrmApp app) : IClassFixture<CrmApp>
{
    public static TheoryData<string> Routes => new()
    {
        "/api/v1/quotes", "/api/v1/contracts", "/api/v1/purchase-orders", "/api/v1/inventory/entries", "/api/v1/inventory/counts",
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task HostileBodiesAnswer4xxProblems(string route)
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var big = new string('x', 100_000);
        var manyLines = "[" + string.Join(",", Enumerable.Repeat("{\"productId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"quantity\":1}", 10_000)) + "]";
        string[] bodies =
        [
            "{\"name\":",
            "{\"name\":\"\\ud800\",\"customerId\":\"\\ud800\",\"vendorId\":\"\\ud800\",\"productId\":\"\\ud800\",\"kind\":\"receipt\",\"quantity\":1,\"reason\":\"\\ud800\"}",
            "{\"name\":42,\"customerId\":[],\"lines\":\"no\",\"quantity\":\"many\"}",
            $"{{\"name\":\"{big}\",\"customerId\":\"{big}\",\"vendorId\":\"{big}\",\"productId\":\"{big}\",\"reason\":\"{big}\",\"quantity\":1}}",
            $"{{\"name\":\"Q\",\"customerId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"vendorId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"lines\":{manyLines}}}",
            "{\"name\":\"Q\",\"customerId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"lines\":[{\"productId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"quantity\":1e400}]}",
        ];
        foreach (var body in bodies)
        {
            var response = await admin.PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"));
            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{route} answered {status} to a {body.Length}-character body: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        if (!route.StartsWith("/api/v1/inventory", StringComparison.Ordinal))
        {
            Assert.Empty((await admin.GetJsonAsync(route)).Items());
        }
    }
}
