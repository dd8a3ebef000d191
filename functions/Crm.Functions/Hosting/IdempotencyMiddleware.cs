using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Platform.Web;
using Crm.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace Crm.Functions.Hosting;

/// <summary>
/// <c>Idempotency-Key</c> on a POST (API.md): the first response is kept 24 hours and replayed for
/// a repeat with the same key and body; the same key with another body answers 422; a repeat
/// while the first is still running answers 409. A failed (5xx) first attempt frees the key.
/// Keys are scoped to the tenant and the caller.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next, TableServiceClient service, StorageOptions storage, TimeProvider clock)
{
    public const string Header = "Idempotency-Key";
    private static readonly TimeSpan Keep = TimeSpan.FromHours(24);
    private static readonly TimeSpan InFlightTimeout = TimeSpan.FromMinutes(2);

    public const string TableName = "idempotency";

    private readonly TableClient _table = service.GetTableClient(storage.Table(TableName));

    public async Task InvokeAsync(HttpContext context)
    {
        var key = context.Request.Headers[Header].ToString();
        if (!HttpMethods.IsPost(context.Request.Method) || key.Length == 0 || !context.Items.ContainsKey("crm.caller"))
        {
            await next(context);
            return;
        }
        if (key.Length > 255)
        {
            await ProblemWriter.WriteAsync(context, 400, "idempotency.key_invalid", "Invalid Idempotency-Key", "The key may have at most 255 characters.");
            return;
        }
        var caller = context.Caller();
        context.Request.EnableBuffering();
        var fingerprint = await FingerprintAsync(context.Request);
        var rowKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{caller.UserId}\n{key}")));
        var now = clock.GetUtcNow();

        var existing = await _table.GetEntityIfExistsAsync<TableEntity>(caller.TenantId, rowKey, cancellationToken: context.RequestAborted);
        if (existing.HasValue && !IsStale(existing.Value!, now))
        {
            await AnswerRepeatAsync(context, existing.Value!, fingerprint);
            return;
        }
        var claim = new TableEntity(caller.TenantId, rowKey) { ["Fingerprint"] = fingerprint, ["State"] = "running", ["At"] = now };
        try
        {
            if (existing.HasValue)
            {
                await _table.UpdateEntityAsync(claim, existing.Value!.ETag, TableUpdateMode.Replace, context.RequestAborted);
            }
            else
            {
                await _table.AddEntityAsync(claim, context.RequestAborted);
            }
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another request with this key got there first.
            var winner = await _table.GetEntityAsync<TableEntity>(caller.TenantId, rowKey, cancellationToken: context.RequestAborted);
            await AnswerRepeatAsync(context, winner.Value, fingerprint);
            return;
        }
        await RunAndRememberAsync(context, claim);
    }

    private async Task RunAndRememberAsync(HttpContext context, TableEntity claim)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        catch (Exception e) when (e is DomainException or BadHttpRequestException && !context.Response.HasStarted)
        {
            // The exception handler sits outside this middleware: answer the problem here, so that a
            // 4xx is remembered and replayed like any other answer (only a 5xx frees the key).
            context.Response.Clear();
            if (!await HandleAsync(context, e))
            {
                context.Response.Body = original;
                await ForgetAsync(claim);
                throw;
            }
        }
        catch
        {
            await ForgetAsync(claim);
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
        var body = Encoding.UTF8.GetString(buffer.ToArray());
        if (context.Response.StatusCode >= 500 || !ChunkedText.Fits(body))
        {
            await ForgetAsync(claim);
            return;
        }
        claim["State"] = "done";
        claim["Status"] = context.Response.StatusCode;
        claim["ContentType"] = context.Response.ContentType;
        claim["Location"] = context.Response.Headers.Location.ToString();
        claim["ETag"] = context.Response.Headers.ETag.ToString();
        // Responses are kept in chunks of one table property each; larger ones are not replayable.
        ChunkedText.Write(claim, "Body", body);
        await _table.UpsertEntityAsync(claim, TableUpdateMode.Replace, CancellationToken.None);
    }

    private static async Task AnswerRepeatAsync(HttpContext context, TableEntity row, string fingerprint)
    {
        if (row.GetString("Fingerprint") != fingerprint)
        {
            await ProblemWriter.WriteAsync(context, 422, "idempotency.key_reused", "Idempotency-Key reused",
                "This key was already used with a different request; use a new key for a new request.");
            return;
        }
        if (row.GetString("State") != "done")
        {
            await ProblemWriter.WriteAsync(context, 409, "idempotency.in_progress", "Request in progress",
                "The first request with this key is still running; retry shortly.");
            return;
        }
        var response = context.Response;
        response.StatusCode = row.GetInt32("Status") ?? 200;
        response.Headers["Idempotent-Replayed"] = "true";
        foreach (var (property, header) in new[] { ("Location", "Location"), ("ETag", "ETag") })
        {
            if (row.GetString(property) is { Length: > 0 } value)
            {
                response.Headers[header] = value;
            }
        }
        if (row.GetString("ContentType") is { Length: > 0 } contentType)
        {
            response.ContentType = contentType;
        }
        await response.WriteAsync(ChunkedText.Read(row, "Body") ?? "", context.RequestAborted);
    }

    private static async Task<bool> HandleAsync(HttpContext context, Exception exception)
    {
        foreach (var handler in context.RequestServices.GetServices<IExceptionHandler>())
        {
            if (await handler.TryHandleAsync(context, exception, context.RequestAborted))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsStale(TableEntity row, DateTimeOffset now)
    {
        var at = row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue;
        return at + Keep < now || (row.GetString("State") != "done" && at + InFlightTimeout < now);
    }

    private async Task ForgetAsync(TableEntity claim)
    {
        try
        {
            await _table.DeleteEntityAsync(claim.PartitionKey, claim.RowKey, ETag.All, CancellationToken.None);
        }
        catch (RequestFailedException)
        {
            // The claim expires by itself after the in-flight timeout.
        }
    }

    private static async Task<string> FingerprintAsync(HttpRequest request)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }
        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
