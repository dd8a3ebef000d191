using System.Text;
using System.Text.Json;
using Crm.Domain.Common;

namespace Crm.Platform.Web;

/// <summary>
/// An action that takes no body (submit, approve, convert…) still refuses one it cannot honour. Left unread, a body went
/// unnoticed: broken JSON from a broken client, or <c>{"reason": …}</c> sent to approve, moved the record as if it had
/// been understood and dropped what the client meant to record. So, as everywhere else in the API, an unknown field is
/// a 400 naming it; no body, or an empty object, is the action's body.
/// </summary>
public static class NoBody
{
    private static readonly string[] UnknownField = ["Unknown field: this action takes no body."];

    public static RouteHandlerBuilder TakesNoBody(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            await EnsureNoneAsync(context.HttpContext.Request);
            return await next(context);
        });

    private static async Task EnsureNoneAsync(HttpRequest request)
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0))
        {
            return;
        }
        using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            throw new ValidationException("$", "This action takes no body; send none, or {}.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ValidationException("$", "This action takes no body; send none, or {}.");
            }
            // A few names say enough; a body of ten thousand of them is not echoed back whole.
            var unknown = document.RootElement.EnumerateObject().Select(p => p.Name).Distinct(StringComparer.Ordinal).Take(10).ToList();
            if (unknown.Count > 0)
            {
                throw new ValidationException(unknown.ToDictionary(n => n, _ => UnknownField));
            }
        }
    }
}
