using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Functions.Hosting;

public sealed record HealthStatus(string Status, string? Detail = null);

internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", Alive).AllowAnonymous().WithTags("Health").WithName("Alive").WithSummary("The process is alive");
        routes.MapGet("/readyz", Ready).AllowAnonymous().WithTags("Health").WithName("Ready").WithSummary("Storage is reachable; the instance can serve");
        return routes;
    }

    public static Ok<HealthStatus> Alive() => TypedResults.Ok(new HealthStatus("ok"));

    public static async Task<Results<Ok<HealthStatus>, ProblemHttpResult>> Ready(TableServiceClient tables, HttpContext context)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token))
            {
                break;
            }
            return TypedResults.Ok(new HealthStatus("ok"));
        }
        catch (Exception e) when (e is Azure.RequestFailedException or OperationCanceledException or Azure.Identity.AuthenticationFailedException or InvalidOperationException)
        {
            var problem = ProblemWriter.Create(context, 503, "storage.unreachable", "Not ready", $"Table storage at {tables.Uri} is unreachable: {e.GetType().Name}.");
            return TypedResults.Problem(problem);
        }
    }
}
