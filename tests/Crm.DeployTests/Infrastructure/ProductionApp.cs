using System.Net;
using System.Net.Sockets;
using Azure.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.DeployTests.Infrastructure;

/// <summary>
/// The service configured as in Azure (infra/main.bicep's app settings): account URIs, no connection string,
/// timers off. Storage points at a closed port on this machine, and the credential is a stand-in, so the
/// tests never reach for a managed identity endpoint.
/// </summary>
public sealed class ProductionApp(TokenCredential credential) : WebApplicationFactory<Program>
{
    public const string SigningKey = "deploy-test-signing-key-0123456789-0123456789";

    /// <summary>A port nothing listens on: connections are refused at once.</summary>
    public static int ClosedPort { get; } = FindClosedPort();

    public static string AccountUri(string service) => $"https://127.0.0.1:{ClosedPort}/crmtest{service}/";

    public Dictionary<string, string?> Settings { get; } = AzureSettings();

    /// <summary>The settings infra/main.bicep gives the app, with this machine's stand-ins.</summary>
    public static Dictionary<string, string?> AzureSettings() => new()
    {
        ["Storage:ConnectionString"] = "",
        ["Storage:TableServiceUri"] = AccountUri("table"),
        ["Storage:QueueServiceUri"] = AccountUri("queue"),
        ["Storage:BlobServiceUri"] = AccountUri("blob"),
        ["AZURE_CLIENT_ID"] = "00000000-0000-0000-0000-00000000c11d",
        ["Auth:SigningKey"] = SigningKey,
        ["Triggers:Timers:Enabled"] = "false",
        ["Triggers:Listeners:Enabled"] = "false",
        // The unreachable storage is the point of these tests; its errors would only fill the test log.
        ["Logging:LogLevel:Default"] = "Critical",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TokenCredential>();
            services.AddSingleton(credential);
        });
    }

    private static int FindClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Hands out a token without asking anyone, as a managed identity would.</summary>
public sealed class StaticTokenCredential : TokenCredential
{
    public int Requests { get; private set; }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Requests++;
        return new AccessToken("test-token", DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}

/// <summary>What DefaultAzureCredential throws where no identity is available.</summary>
public sealed class UnavailableCredential : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        throw new Azure.Identity.CredentialUnavailableException("DefaultAzureCredential failed to retrieve a token from the included credentials.");

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
