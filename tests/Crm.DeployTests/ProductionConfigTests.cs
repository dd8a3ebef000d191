using System.Net;
using System.Text.Json;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Crm.DeployTests.Infrastructure;
using Crm.Functions;
using Crm.Functions.Hosting;
using Microsoft.ApplicationInsights;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Crm.DeployTests;

/// <summary>The service as Azure runs it: storage by account URI with the managed identity, no connection string.</summary>
public sealed class ProductionConfigTests
{
    [Fact]
    public void WithoutAConnectionStringTheServiceUsesDefaultAzureCredentialAndTheAccountUris()
    {
        // Built as Program builds it, not started: nothing asks the credential for a token.
        using var app = BuildService(ProductionApp.AzureSettings());
        var services = app.Services;

        var credential = services.GetRequiredService<TokenCredential>();
        Assert.IsType<DefaultAzureCredential>(credential);
        Assert.Same(credential, services.GetRequiredService<TokenCredential>());
        Assert.Equal(new Uri(ProductionApp.AccountUri("table")), services.GetRequiredService<TableServiceClient>().Uri);
        Assert.Equal(new Uri(ProductionApp.AccountUri("queue")), services.GetRequiredService<QueueServiceClient>().Uri);
        Assert.Equal(new Uri(ProductionApp.AccountUri("blob")), services.GetRequiredService<BlobServiceClient>().Uri);
    }

    [Fact]
    public void ShutdownWaitsForQueueHandlersWithinTheGracePeriod()
    {
        using var app = BuildService(ProductionApp.AzureSettings());
        Assert.Equal(TimeSpan.FromSeconds(30), AzureHosting.ShutdownTimeout);
        Assert.Equal(AzureHosting.ShutdownTimeout, app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public async Task ReadyzFailsClearlyWhenStorageIsUnreachable()
    {
        var credential = new StaticTokenCredential();
        using var app = new ProductionApp(credential);
        var client = app.CreateClient();
        Assert.True(credential.Requests > 0, "the storage clients did not sign in with the registered credential");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var problem = await NotReadyAsync(client);
        Assert.Contains($"127.0.0.1:{ProductionApp.ClosedPort}", problem, StringComparison.Ordinal);
        Assert.Contains("no connection", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadyzSaysSoWhenNoManagedIdentityIsAvailable()
    {
        using var app = new ProductionApp(new UnavailableCredential());
        var client = app.CreateClient();

        var problem = await NotReadyAsync(client);
        Assert.Contains("no credential is available", problem, StringComparison.Ordinal);
        Assert.Contains("AZURE_CLIENT_ID", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestsKeepTheSchemeAndHostTheIngressReceived()
    {
        // Container Apps' ingress ends TLS and forwards plain HTTP with X-Forwarded-* headers.
        using var app = new ProductionApp(new UnavailableCredential());
        var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "crm.example.com");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        var response = await app.CreateClient().SendAsync(request);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("https://crm.example.com", document.GetProperty("servers")[0].GetProperty("url").GetString()!.TrimEnd('/'));
    }

    [Fact]
    public void TheServiceRefusesToStartWithoutStorageSettings()
    {
        using var app = new ProductionApp(new StaticTokenCredential());
        app.Settings["Storage:TableServiceUri"] = "";
        app.Settings["Storage:QueueServiceUri"] = "";

        var error = Assert.ThrowsAny<OptionsValidationException>(() => app.Services);
        Assert.Contains("Storage:TableServiceUri, Storage:QueueServiceUri for managed identity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplicationInsightsIsOnOnlyWithAConnectionString()
    {
        // Registrations only: resolving the telemetry configuration would start its modules.
        Assert.DoesNotContain(Registrations([]), d => d.ServiceType == typeof(TelemetryClient));
        var connection = $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:{ProductionApp.ClosedPort}/";
        var withKey = Registrations(new() { [AzureHosting.AppInsightsConnectionSetting] = connection });
        Assert.Contains(withKey, d => d.ServiceType == typeof(TelemetryClient));

        // With Authorization=AAD (what infra sets) one more step configures the channel to sign in with the credential.
        var withIdentity = Registrations(new()
        {
            [AzureHosting.AppInsightsConnectionSetting] = connection,
            [AzureHosting.AppInsightsAuthenticationSetting] = "Authorization=AAD;ClientId=00000000-0000-0000-0000-00000000c11d",
        });
        Assert.Equal(TelemetrySetups(withKey) + 1, TelemetrySetups(withIdentity));
    }

    private static int TelemetrySetups(IServiceCollection services) =>
        services.Count(d => d.ServiceType == typeof(IConfigureOptions<Microsoft.ApplicationInsights.Extensibility.TelemetryConfiguration>));

    private static async Task<string> NotReadyAsync(HttpClient client)
    {
        var response = await client.GetAsync("/readyz");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"readyz answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("storage.unreachable", problem.GetProperty("code").GetString());
        return problem.GetProperty("detail").GetString()!;
    }

    /// <summary>The service as Program.cs builds it from these settings, not started.</summary>
    private static WebApplication BuildService(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCrmHost();
        builder.Services.AddCrmFeatures(builder.Configuration);
        return builder.Build();
    }

    /// <summary>The service collection the host builds from these settings (not started, nothing resolved).</summary>
    private static IServiceCollection Registrations(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }
        builder.AddCrmAzureHosting();
        return builder.Services;
    }
}
