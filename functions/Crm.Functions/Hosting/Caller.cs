using Crm.Domain.Common;
using Crm.Storage.Records;

namespace Crm.Functions.Hosting;

/// <summary>The authenticated user behind a request; the tenant comes from the credential only.</summary>
internal sealed record Caller(string TenantId, string UserId, bool IsSuperAdmin, string? SourceIp)
{
    public WriteContext Write(TimeProvider clock) => new(TenantId, UserId, SourceIp, clock.GetUtcNow());

    public void RequireAdmin()
    {
        if (!IsSuperAdmin)
        {
            throw new ForbiddenException(ProblemCodes.Forbidden, "Only an administrator may do this.");
        }
    }
}

internal static class CallerHttpContextExtensions
{
    private const string Key = "crm.caller";

    public static Caller Caller(this HttpContext context) =>
        context.Items[Key] as Caller ?? throw new UnauthorizedException(ProblemCodes.NotAuthenticated, "Sign in first.");

    public static void SetCaller(this HttpContext context, Caller caller) => context.Items[Key] = caller;
}
