using Crm.Domain.Common;
using Crm.Storage.Tenants;

namespace Crm.Platform.Records;

/// <summary>ETag and If-Match handling (API.md "CRUD").</summary>
public static class Preconditions
{
    public static string ETag(string version) => $"\"{version}\"";

    public static void SetETag(HttpContext context, RecordBase record) => context.Response.Headers.ETag = ETag(record.Version);

    /// <summary>The version the client expects, or null for "any" (no header, or <c>*</c>).</summary>
    public static string? IfMatch(HttpContext context)
    {
        var header = context.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return null;
        }
        var first = header.Split(',')[0].Trim();
        if (first.StartsWith("W/", StringComparison.Ordinal))
        {
            first = first[2..];
        }
        return first.Trim('"');
    }

    /// <summary>Like <see cref="IfMatch"/>, but answers 428 when the tenant requires the header.</summary>
    public static async Task<string?> RequiredIfMatchAsync(HttpContext context, TenantStore tenants, string tenantId)
    {
        var version = IfMatch(context);
        if (context.Request.Headers.IfMatch.Count == 0
            && (await tenants.FindAsync(tenantId, context.RequestAborted))?.RequireIfMatch == true)
        {
            throw new PreconditionRequiredException();
        }
        return version;
    }
}
