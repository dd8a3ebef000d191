using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Credentials;

/// <summary>Short ways to make API keys and IP rules, and clients that present them.</summary>
public static class CredentialApi
{
    public static async Task<JsonElement> CreateApiKeyAsync(this HttpClient client, string[] permissions, string dataScope = "all",
        DateTimeOffset? expiresAt = null, string? name = null) =>
        await (await client.PostAsJsonAsync("/api/v1/api-keys", new { name = name ?? "Partner " + Api.Stamp(), permissions, dataScope, expiresAt }))
            .ExpectAsync(HttpStatusCode.Created);

    public static HttpClient ClientWithApiKey(this CrmApp app, string key, string? address = null)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        if (address is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        }
        return client;
    }

    /// <summary>Requests of this client appear to come from the address (Container Apps' ingress sets X-Forwarded-For).</summary>
    public static HttpClient From(this HttpClient client, string address)
    {
        client.DefaultRequestHeaders.Remove("X-Forwarded-For");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    public static Task<HttpResponseMessage> CreateIpRuleAsync(this HttpClient client, string cidr, string kind, string? description = null) =>
        client.PostAsJsonAsync("/api/v1/ip-rules", new { cidr, kind, description });

    public static async Task<HttpResponseMessage> SignInFromAsync(this CrmApp app, TestTenant tenant, string login, string password, string address)
    {
        var client = app.CreateClient().From(address);
        return await client.PostAsJsonAsync("/api/v1/auth/token", new { tenant = tenant.Slug, login, password });
    }
}
