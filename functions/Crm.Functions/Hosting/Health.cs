using Azure;
using Azure.Data.Tables;
using Azure.Identity;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Functions.Hosting;

public sealed record HealthStatus(string Status, string? Detail = null);

internal static class HealthEndpoints
{
    /// <summary>Below the readiness probe's own timeout in infra/app/api.bicep.</summary>
    private static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", Alive).AllowAnonymous().WithTags("Health").WithName("Alive").WithSummary("The process is alive");
        routes.MapGet("/readyz", Ready).AllowAnonymous().WithTags("Health").WithName("Ready").WithSummary("Storage is reachable; the instance can serve");
        return routes;
    }

    public static Ok<HealthStatus> Alive() => TypedResults.Ok(new HealthStatus("ok"));

    public static async Task<Results<Ok<HealthStatus>, ProblemHttpResult>> Ready(
        TableServiceClient tables, TableInitializer initializer, HttpContext context, ILogger<HealthStatus> logger)
    {
        if (!initializer.Created)
        {
            var reason = initializer.LastError is { } error ? Describe(error) : "the tables are still being created";
            return NotReady(context, tables, $"the tables could not be created yet: {reason}");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(StorageTimeout);
        try
        {
            await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token))
            {
                break;
            }
            return TypedResults.Ok(new HealthStatus("ok"));
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Whatever storage or the credential threw (retries exhausted come as an AggregateException), the answer is 503.
            logger.LogWarning(e, "Readiness check: table storage at {TableService} is unreachable", tables.Uri);
            return NotReady(context, tables, e is OperationCanceledException ? $"no answer within {StorageTimeout.TotalSeconds:0} s" : Describe(e));
        }
    }

    private static ProblemHttpResult NotReady(HttpContext context, TableServiceClient tables, string reason) =>
        TypedResults.Problem(ProblemWriter.Create(context, 503, "storage.unreachable", "Not ready", $"Table storage at {tables.Uri} is unreachable: {reason}."));

    /// <summary>What an operator needs to act on, without the credential chain's long troubleshooting text.</summary>
    private static string Describe(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } many => Describe(many.InnerExceptions[^1]),
        CredentialUnavailableException => "no credential is available (in Azure, check AZURE_CLIENT_ID names the app's managed identity)",
        AuthenticationFailedException => "the credential could not get a token (check AZURE_CLIENT_ID and the identity)",
        RequestFailedException { Status: 403 } r => $"403 {r.ErrorCode} (grant the identity the Storage Table Data Contributor role)",
        RequestFailedException { Status: 0 } r => $"no connection ({r.InnerException?.Message ?? r.Message})",
        RequestFailedException r => $"{r.Status} {r.ErrorCode}",
        OperationCanceledException => "timed out",
        _ => e.GetType().Name,
    };
}
