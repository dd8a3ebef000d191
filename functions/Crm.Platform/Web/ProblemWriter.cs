using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Crm.Platform.Web;

/// <summary>
/// Every error the API sends is RFC 9457 problem+json with a stable <c>code</c> and a <c>traceId</c>;
/// this is the one place that shape is written.
/// </summary>
public static class ProblemWriter
{
    public static ProblemDetails Create(HttpContext context, int status, string code, string title, string? detail = null,
        IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var problem = errors is null ? new ProblemDetails() : new HttpValidationProblemDetails(errors.ToDictionary());
        problem.Status = status;
        problem.Title = title;
        problem.Detail = detail;
        problem.Type = $"urn:crm:problem:{code}";
        problem.Instance = context.Request.Path;
        Decorate(context, problem, code);
        return problem;
    }

    /// <summary>Adds the extensions every problem carries, including those written by the framework.</summary>
    public static void Decorate(HttpContext context, ProblemDetails problem, string? code = null)
    {
        problem.Instance ??= context.Request.Path;
        problem.Extensions["traceId"] = Activity.Current?.Id ?? context.TraceIdentifier;
        if (code is not null || !problem.Extensions.ContainsKey("code"))
        {
            problem.Extensions["code"] = code ?? DefaultCode(problem.Status);
        }
    }

    public static Task WriteAsync(HttpContext context, int status, string code, string title, string? detail = null,
        IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var problem = Create(context, status, code, title, detail, errors);
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }

    private static string DefaultCode(int? status) => status switch
    {
        400 => ProblemCodes.BadRequest,
        401 => ProblemCodes.NotAuthenticated,
        403 => ProblemCodes.Forbidden,
        404 => ProblemCodes.RouteNotFound,
        405 => ProblemCodes.MethodNotAllowed,
        413 => ProblemCodes.TooLarge,
        415 => ProblemCodes.UnsupportedMediaType,
        429 => ProblemCodes.RateLimited,
        _ => ProblemCodes.Internal,
    };
}
