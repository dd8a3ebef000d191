using Azure.Core;
using Microsoft.ApplicationInsights.Extensibility;

namespace Crm.Functions.Hosting;

/// <summary>What the service needs in Azure Container Apps beyond the API itself: telemetry and a bounded shutdown.</summary>
internal static class AzureHosting
{
    public const string AppInsightsConnectionSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AppInsightsAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// How long stopping waits for queue handlers to finish; after it they hand their messages back
    /// (QueueListener's release grace, 5 s). Container Apps' termination grace period
    /// (infra/app/api.bicep) must be longer than both together, or in-flight messages wait out their lease.
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    public static WebApplicationBuilder AddCrmAzureHosting(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);

        var configuration = builder.Configuration;
        if (configuration[AppInsightsConnectionSetting] is { Length: > 0 } connectionString)
        {
            builder.Services.AddApplicationInsightsTelemetry(o => o.ConnectionString = connectionString);
            // The Application Insights resource refuses its ingestion key (local auth off): send with the managed identity.
            if (configuration[AppInsightsAuthenticationSetting] is { } authentication
                && authentication.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase))
            {
                builder.Services.AddOptions<TelemetryConfiguration>()
                    .Configure<TokenCredential>((telemetry, credential) => telemetry.SetAzureTokenCredential(credential));
            }
        }
        return builder;
    }
}
