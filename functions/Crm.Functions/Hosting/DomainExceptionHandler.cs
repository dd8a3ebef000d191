using System.Text.Json;
using Crm.Domain.Common;
using Crm.Platform.Web;
using Microsoft.AspNetCore.Diagnostics;

namespace Crm.Functions.Hosting;

/// <summary>
/// The one error mapper: domain exceptions and bad request bodies become problem details with a
/// stable code. Anything else is a bug and answers 500 without internals.
/// </summary>
internal sealed class DomainExceptionHandler(ILogger<DomainExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, code, title, detail, errors) = exception switch
        {
            ValidationException v => (400, v.Code, "Invalid input", v.Message, v.Errors),
            NotFoundException n => (404, n.Code, "Not found", n.Message, null),
            ConflictException c => (409, c.Code, "Conflict", c.Message, null),
            PreconditionFailedException p => (412, p.Code, "Version mismatch", p.Message, null),
            PreconditionRequiredException r => (428, r.Code, "If-Match required", r.Message, null),
            PayloadTooLargeException t => (413, t.Code, "Too large", t.Message, null),
            UnsupportedMediaTypeException m => (415, m.Code, "Unsupported media type", m.Message, null),
            LockedException l => (423, l.Code, "Locked", l.Message, null),
            ForbiddenException f => (403, f.Code, "Forbidden", f.Message, null),
            UnauthorizedException u => (401, u.Code, "Not authenticated", u.Message, null),
            BusyException b => (503, b.Code, "Busy", b.Message, null),
            BadHttpRequestException b => FromBadRequest(b),
            _ => (500, ProblemCodes.Internal, "Unexpected error", "The server failed to complete the request; the trace id identifies it in the logs.", (IReadOnlyDictionary<string, string[]>?)null),
        };
        if (status == 500)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        if (context.Response.HasStarted)
        {
            return false;
        }
        var problem = ProblemWriter.Create(context, status, code, title, detail, errors);
        var extensions = exception switch
        {
            ConflictException c => c.Extensions,
            ForbiddenException f => f.Extensions,
            _ => null,
        };
        if (extensions is { Count: > 0 })
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }
        if (exception is BusyException busy)
        {
            context.Response.Headers.RetryAfter = busy.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        context.Response.StatusCode = status;
        return await context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception }).ConfigureAwait(false);
    }

    /// <summary>Body binding failures: a JSON error names the field (its path) and what was wrong.</summary>
    private static (int, string, string, string?, IReadOnlyDictionary<string, string[]>?) FromBadRequest(BadHttpRequestException e)
    {
        if (e.StatusCode == 415)
        {
            return (415, ProblemCodes.UnsupportedMediaType, "Unsupported media type", "Send the body as application/json.", null);
        }
        if (e.StatusCode == 413)
        {
            return (413, ProblemCodes.TooLarge, "Request body too large", e.Message, null);
        }
        if (e.InnerException is JsonException json)
        {
            return (400, ProblemCodes.InvalidBody, "Invalid input", "The request body does not match the expected shape.", JsonErrors.From(json));
        }
        return (400, ProblemCodes.BadRequest, "Bad request", e.Message, null);
    }
}
